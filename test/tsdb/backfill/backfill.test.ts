import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fixturesDir, runCli, tempDir } from '../../helpers/index.js';

const ULID = /^[0-9A-Z]{26}/;

// Issue 3: `promts tsdb create-blocks-from openmetrics` on the fixture input gives the blocks
// promtool made from it (fixtures/blocks), byte for byte apart from the ULIDs.
test('create-blocks-from openmetrics reproduces promtool\'s blocks and output from the same input', { timeout: 240_000 }, async () => {
  const dir = tempDir();
  try {
    const input = join(dir.path, 'blocks.om');
    writeFileSync(input, gunzipSync(readFileSync(join(fixturesDir, 'input/blocks.om.gz'))));
    const out = join(dir.path, 'data');
    const r = await runCli(['tsdb', 'create-blocks-from', 'openmetrics', input, out], { timeoutMs: 230_000 });
    assert.equal(r.code, 0, r.stderr);
    const expected = readFileSync(join(fixturesDir, 'promtool-outputs/create-blocks-from.txt'), 'utf8');
    assert.equal(r.stdout.replace(/^[0-9A-Z]{26}/gm, 'ULID'), expected.replace(/^[0-9A-Z]{26}/gm, 'ULID'));

    const ours = readdirSync(out).filter((d) => ULID.test(d));
    const theirs = readdirSync(join(fixturesDir, 'blocks')).filter((d) => ULID.test(d));
    assert.equal(ours.length, theirs.length);
    const byMin = (root: string, ids: string[]) => new Map(ids.map((id) => [(JSON.parse(readFileSync(join(root, id, 'meta.json'), 'utf8')) as { minTime: number }).minTime, id]));
    const o = byMin(out, ours);
    const t = byMin(join(fixturesDir, 'blocks'), theirs);
    for (const [minTime, id] of t) {
      const mine = o.get(minTime);
      assert.ok(mine, `no block starting at ${minTime}`);
      for (const f of ['index', 'chunks/000001', 'tombstones']) {
        assert.ok(readFileSync(join(out, mine, f)).equals(readFileSync(join(fixturesDir, 'blocks', id, f))), `${f} of the block at ${minTime} differs from promtool's`);
      }
    }
  } finally {
    dir.cleanup();
  }
});

test('a sample without a timestamp is refused with a message saying every sample needs one', async () => {
  const dir = tempDir();
  try {
    const input = join(dir.path, 'bad.om');
    writeFileSync(input, '# TYPE x gauge\nx 1 1675211400\nx 2\n# EOF\n');
    const r = await runCli(['tsdb', 'create-blocks-from', 'openmetrics', input, join(dir.path, 'data')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /expected timestamp for series x, got none/);
    assert.equal(r.stdout, '');
  } finally {
    dir.cleanup();
  }
});

test('out-of-order samples of a series are refused, nothing half-written', async () => {
  const dir = tempDir();
  try {
    const input = join(dir.path, 'ooo.om');
    writeFileSync(input, '# TYPE x gauge\nx 1 1675211460\nx 2 1675211400\n# EOF\n');
    const data = join(dir.path, 'data');
    const r = await runCli(['tsdb', 'create-blocks-from', 'openmetrics', input, data]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /out of order sample/);
    assert.deepEqual(readdirSync(data).filter((d) => ULID.test(d)), []);
  } finally {
    dir.cleanup();
  }
});
