import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { Block, blockDirs, isULID, newULID, ulidTime, writeBlock } from '../../../src/tsdb/block/index.js';
import { debianBinary, fixturesDir, runCommand, tempDir } from '../../helpers/index.js';
import { parseArgs, recordedCommands } from './promtool_outputs.js';
import { seriesOf } from '../db/block-samples.js';


describe('block writer', () => {
  test('rewriting each fixture block from its samples reproduces Prometheus\'s files byte for byte', () => {
    const tmp = tempDir();
    try {
      for (const dir of blockDirs(join(fixturesDir, 'blocks'))) {
        const orig = Block.open(dir);
        // Shuffle the input order: the writer must sort series itself.
        const input = seriesOf(orig).reverse();
        const w = writeBlock(tmp.path, input)!;
        assert.ok(isULID(w.ulid));
        for (const f of ['chunks/000001', 'index', 'tombstones']) {
          assert.ok(readFileSync(join(w.dir, f)).equals(readFileSync(join(dir, f))), `${f} of ${orig.meta.ulid}`);
        }
        const meta = readFileSync(join(dir, 'meta.json'), 'utf8').replaceAll(orig.meta.ulid, w.ulid);
        assert.equal(readFileSync(join(w.dir, 'meta.json'), 'utf8'), meta);
      }
      assert.deepEqual(readdirSync(tmp.path).filter((n) => n.includes('tmp')), [], 'no temporary dir left behind');
    } finally {
      tmp.cleanup();
    }
  });

  test('Debian promtool dumps blocks written by promts exactly as it dumps the originals', { timeout: 60_000 }, async (t) => {
    const promtool = debianBinary('promtool');
    if (!promtool) {
      t.skip('Debian promtool is not installed');
      return;
    }
    const tmp = tempDir();
    try {
      for (const dir of blockDirs(join(fixturesDir, 'blocks'))) writeBlock(tmp.path, seriesOf(Block.open(dir)));
      const cmds = recordedCommands('blocks').filter((c) => c.verb === 'dump' && c.exitCode === 0);
      assert.ok(cmds.length >= 3);
      for (const c of cmds) {
        const { flags } = parseArgs(c.args);
        const args = ['tsdb', 'dump', ...[...flags].map(([k, v]) => `--${k}=${v}`), tmp.path];
        const r = await runCommand(promtool, args, { timeoutMs: 30_000 });
        assert.equal(r.code, 0, r.stderr);
        assert.ok(r.stdout === c.stdout, `${c.name}: promtool's dump of our blocks differs from its dump of the originals`);
      }
    } finally {
      tmp.cleanup();
    }
  });

  test('chunks spill into further segment files at the size limit and read back intact', () => {
    const tmp = tempDir();
    try {
      const orig = Block.open(blockDirs(join(fixturesDir, 'blocks'))[0]!);
      const input = seriesOf(orig);
      const w = writeBlock(tmp.path, input, { segmentSize: 64 * 1024 })!;
      const segs = readdirSync(join(w.dir, 'chunks'));
      assert.ok(segs.length >= 3, `several segments: ${segs.join(',')}`);
      assert.deepEqual(segs, segs.map((_, i) => String(i + 1).padStart(6, '0')));
      const back = seriesOf(Block.open(w.dir));
      assert.equal(back.length, input.length);
      for (let i = 0; i < back.length; i++) {
        assert.deepEqual(back[i]!.ts, input[i]!.ts);
        assert.deepEqual(Array.from(back[i]!.vs as Float64Array).slice(0, back[i]!.n), Array.from(input[i]!.vs as Float64Array).slice(0, input[i]!.n));
      }
      assert.equal(Block.open(w.dir).meta.stats.numSamples, orig.meta.stats.numSamples);
    } finally {
      tmp.cleanup();
    }
  });

  test('ULIDs are time-prefixed Crockford base32 and sort in creation order', () => {
    const now = Date.now();
    const ids = Array.from({ length: 50 }, () => newULID(now));
    for (const id of ids) {
      assert.ok(isULID(id), id);
      assert.equal(ulidTime(id), now);
    }
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(newULID(now + 1) > ids[ids.length - 1]!);
    // The fixture's own ULIDs decode to plausible times (after 2020).
    for (const dir of blockDirs(join(fixturesDir, 'live'))) assert.ok(ulidTime(dir.slice(-26)) > Date.UTC(2020, 0, 1));
  });
});
