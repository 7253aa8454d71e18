import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cpSync, readFileSync } from 'node:fs';
import { Matcher } from '../../../src/model/index.js';
import { Block, Tombstones, blockDirs, openBlocks, readTombstones, writeTombstones } from '../../../src/tsdb/block/index.js';
import { fixturesDir, tempDir } from '../../helpers/index.js';

interface ManifestBlock {
  ulid: string;
  numSamples: number;
  numSeries: number;
  numChunks: number;
}
const manifest = JSON.parse(readFileSync(join(fixturesDir, 'MANIFEST.json'), 'utf8')) as { data_dirs: Record<string, { blocks: ManifestBlock[] }> };

function countSamples(b: Block, mint = -8.64e15, maxt = 8.64e15, ...ms: Matcher[]): { samples: number; series: number } {
  const ss = b.select(mint, maxt, ...ms);
  let samples = 0;
  let series = 0;
  while (ss.next()) {
    series++;
    const it = ss.at().iterator();
    while (it.next()) samples++;
    assert.equal(it.err(), null);
  }
  assert.equal(ss.err(), null);
  return { samples, series };
}

describe('block reader', () => {
  test('every block yields exactly the samples and series its meta.json and MANIFEST.json count', () => {
    for (const dir of ['blocks', 'live', 'crashed']) {
      const want = manifest.data_dirs[dir]!.blocks;
      const blocks = openBlocks(join(fixturesDir, dir));
      assert.deepEqual(blocks.map((b) => b.meta.ulid).sort(), want.map((b) => b.ulid).sort());
      for (const b of blocks) {
        const m = want.find((x) => x.ulid === b.meta.ulid)!;
        const got = countSamples(b);
        assert.equal(got.samples, b.meta.stats.numSamples);
        assert.equal(got.samples, m.numSamples);
        assert.equal(got.series, m.numSeries);
      }
    }
  });

  test('label names and values, with and without matchers, equal a scan of the series', () => {
    const b = Block.open(blockDirs(join(fixturesDir, 'live'))[0]!);
    const q = b.querier(b.meta.minTime, b.meta.maxTime);
    const ms = [new Matcher('=~', '__name__', 'up|node_load1')];
    const ss = q.select(true, undefined, ...ms);
    const jobs = new Set<string>();
    const names = new Set<string>();
    while (ss.next()) {
      const kv = ss.at().labels.kv;
      for (let i = 0; i < kv.length; i += 2) names.add(kv[i]!);
      jobs.add(ss.at().labels.get('job'));
    }
    assert.ok(jobs.size >= 2);
    assert.deepEqual(q.labelValues('job', ...ms), [...jobs].sort());
    assert.deepEqual(q.labelNames(...ms), [...names].sort());
    assert.deepEqual(q.labelValues('job'), [...b.index.labelValues('job')]);
    assert.ok(q.labelNames().length > names.size);
  });

  test('a time range keeps only samples inside it, bounds inclusive', () => {
    const b = Block.open(blockDirs(join(fixturesDir, 'blocks'))[0]!);
    const m = [new Matcher('=', '__name__', 'fixture_constant')];
    const all = b.select(-8.64e15, 8.64e15, ...m);
    assert.ok(all.next());
    const ts: number[] = [];
    const it = all.at().iterator();
    while (it.next()) ts.push(it.t);
    const lo = ts[10]!;
    const hi = ts[200]!;
    const ss = b.select(lo, hi, ...m);
    assert.ok(ss.next());
    const got: number[] = [];
    const it2 = ss.at().iterator();
    while (it2.next()) got.push(it2.t);
    assert.deepEqual(got, ts.slice(10, 201));
    // seek lands on the first sample at or after t and never goes back.
    const it3 = ss.at().iterator();
    assert.ok(it3.seek(ts[150]! - 1));
    assert.equal(it3.t, ts[150]);
    assert.ok(it3.seek(ts[20]!));
    assert.equal(it3.t, ts[150]);
    // Nothing outside the block's range.
    assert.equal(countSamples(b, b.meta.maxTime, b.meta.maxTime + 1e6).samples, 0);
  });

  test('tombstones hide deleted samples and drop fully deleted series', () => {
    const tmp = tempDir();
    try {
      const src = blockDirs(join(fixturesDir, 'blocks'))[3]!;
      const dst = join(tmp.path, 'b');
      cpSync(src, dst, { recursive: true });
      const orig = Block.open(dst);
      const sel = [new Matcher('=~', '__name__', 'fixture_constant|up')];
      const series: { ref: number; ts: number[] }[] = [];
      for (const id of orig.index.postingsForValues('__name__', ['fixture_constant', 'up'])) {
        const s = orig.index.readSeries(id);
        const ss = orig.select(-8.64e15, 8.64e15, ...s.labels.kv.map((v, i) => (i % 2 === 0 ? new Matcher('=', v, s.labels.kv[i + 1]!) : null)).filter((x): x is Matcher => x !== null));
        assert.ok(ss.next());
        const ts: number[] = [];
        const it = ss.at().iterator();
        while (it.next()) ts.push(it.t);
        series.push({ ref: id, ts });
      }
      const before = countSamples(orig, -8.64e15, 8.64e15, ...sel);
      const t = new Tombstones();
      // Delete the whole first series and samples 5..9 of the second.
      t.add(series[0]!.ref, { mint: -9223372036854775808, maxt: 9223372036854775807 });
      t.add(series[1]!.ref, { mint: series[1]!.ts[5]!, maxt: series[1]!.ts[9]! });
      writeTombstones(join(dst, 'tombstones'), t);
      assert.equal(readTombstones(join(dst, 'tombstones')).tombstones.numIntervals(), 2);
      const after = countSamples(Block.open(dst), -8.64e15, 8.64e15, ...sel);
      assert.equal(after.series, before.series - 1);
      assert.equal(after.samples, before.samples - series[0]!.ts.length - 5);
    } finally {
      tmp.cleanup();
    }
  });
});
