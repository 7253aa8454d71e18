// Compaction works on chunks, as Prometheus's does: chunks that overlap nothing and carry no
// tombstone are copied byte for byte; overlapping ones are merged (duplicates once, at most
// 120 samples a chunk); tombstoned samples are dropped; head compaction copies the head's own
// chunks. Each result is also read by Debian's promtool, which must dump the same samples
// from the compacted block as from its parents.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, debianBinary, runCommand, tempDir } from '../../helpers/index.js';
import { Labels, Matcher } from '../../../src/model/index.js';
import { Block, compactBlocks, Tombstones, writeBlock, writeTombstones, type BlockSeriesInput } from '../../../src/tsdb/block/index.js';
import { XORIterator } from '../../../src/tsdb/chunkenc/index.js';
import { openDB } from '../../../src/tsdb/db/index.js';

const H = 3_600_000;
const FIXTURE = ['01M8883DD5PJSEBQFQ7X3E4788', '01M8883DT50C3PBHRATR3H4ZH7', '01M8883E8A10YYNYWD6E3CJN22', '01M8883ENE9MNS0A3N5HEZ2EW1'];
const promtool = debianBinary('promtool');

interface Chunk {
  mint: number;
  maxt: number;
  hex: string;
}

/** labels text -> the series' chunks in the blocks at dirs (in the order given), through ChunkReader. */
function chunksBySeries(dirs: readonly string[]): Map<string, Chunk[]> {
  const out = new Map<string, Chunk[]>();
  for (const d of dirs) {
    const b = Block.open(d);
    for (const id of b.index.allPostings()) {
      const e = b.index.readSeries(id);
      const k = e.labels.toString();
      const list = out.get(k) ?? [];
      for (const c of e.chunks) list.push({ mint: c.mint, maxt: c.maxt, hex: Buffer.from(b.chunks.chunk(c.ref).data).toString('hex') });
      out.set(k, list);
    }
  }
  return out;
}

function samplesIn(hex: string): number {
  const b = Buffer.from(hex, 'hex');
  return (b[0]! << 8) | b[1]!;
}

/** promtool's dump of a dir of blocks, lines sorted (it wants a wal/ dir, even an empty one). */
async function promtoolDump(dir: string): Promise<string[]> {
  mkdirSync(join(dir, 'wal'), { recursive: true });
  const r = await runCommand(promtool!, ['tsdb', 'dump', dir]);
  assert.equal(r.code, 0, r.stderr);
  for (const n of ['chunks_head', 'wal']) rmSync(join(dir, n), { recursive: true, force: true });
  return r.stdout.split('\n').filter((l) => l !== '').sort();
}

/** One series sampled every `step` ms in [t0, t1), value f(t). */
function series(labels: Record<string, string>, t0: number, t1: number, step: number, f: (t: number) => number): BlockSeriesInput {
  const ts: number[] = [];
  for (let t = t0; t < t1; t += step) ts.push(t);
  return { labels: Labels.fromObject(labels), ts: Float64Array.from(ts), vs: Float64Array.from(ts, f) };
}

/** Every (t, v) of a series in a block, decoded. */
function samplesOf(dir: string, name: string): [number, number][] {
  const b = Block.open(dir);
  const out: [number, number][] = [];
  for (const id of b.index.postings('__name__', name)) {
    for (const c of b.index.readSeries(id).chunks) {
      const it = new XORIterator(b.chunks.chunk(c.ref).data);
      while (it.next()) out.push([it.t, it.v]);
    }
  }
  return out;
}

describe('block compaction on chunks', () => {
  test('three adjacent Prometheus-written blocks merge into one whose chunks are the parents\' chunks byte for byte', { timeout: 60_000 }, async () => {
    const parents = copyFixture('blocks');
    const out = tempDir('promts-compact-out-');
    try {
      rmSync(join(parents.path, FIXTURE[3]!), { recursive: true });
      const dirs = FIXTURE.slice(0, 3).map((u) => join(parents.path, u));
      const res = compactBlocks(out.path, dirs, { mode: 'merge' });
      assert.ok(res);
      assert.deepEqual(chunksBySeries([res.dir]), chunksBySeries(dirs));
      const numChunks = dirs.reduce((n, d) => n + (Block.open(d).meta.stats.numChunks ?? 0), 0);
      assert.equal(res.meta.stats.numChunks, numChunks);
      if (promtool) assert.deepEqual(await promtoolDump(out.path), await promtoolDump(parents.path));
    } finally {
      parents.cleanup();
      out.cleanup();
    }
  });

  test('overlapping blocks: duplicate samples are kept once, merged runs are re-cut at 120 samples, the rest is copied', { timeout: 60_000 }, async () => {
    const parents = tempDir('promts-compact-overlap-');
    const out = tempDir('promts-compact-out-');
    try {
      const f = (t: number): number => t / 1000;
      // a: every 15 s over [0, 2h); b: every 10 s over [1h, 3h). Common timestamps every 30 s in [1h, 2h).
      const a = writeBlock(parents.path, [series({ __name__: 'm' }, 0, 2 * H, 15_000, f), series({ __name__: 'only_a' }, 0, 2 * H, 15_000, f)])!;
      const b = writeBlock(parents.path, [series({ __name__: 'm' }, H, 3 * H, 10_000, f), series({ __name__: 'x' }, H, 3 * H, 60_000, () => 7)])!;
      // A conflicting value at a common timestamp: the first parent's value is kept.
      const c = writeBlock(parents.path, [series({ __name__: 'conflict' }, 0, H, 15_000, () => 1)])!;
      const d = writeBlock(parents.path, [series({ __name__: 'conflict' }, 0, H, 30_000, () => 2)])!;
      const before = chunksBySeries([a.dir, b.dir]);
      const dumpBefore = promtool ? (await promtoolDump(parents.path)).filter((l) => !l.includes('"conflict"')) : [];
      const res = compactBlocks(out.path, [a.dir, b.dir, c.dir, d.dir], { mode: 'merge' })!;

      const want = new Set<number>();
      for (let t = 0; t < 2 * H; t += 15_000) want.add(t);
      for (let t = H; t < 3 * H; t += 10_000) want.add(t);
      const got = samplesOf(res.dir, 'm');
      assert.deepEqual(got.map(([t]) => t), [...want].sort((x, y) => x - y));
      assert.ok(got.every(([t, v]) => v === t / 1000));
      assert.deepEqual(samplesOf(res.dir, 'conflict'), Array.from({ length: 240 }, (_, i) => [i * 15_000, 1]));

      const after = chunksBySeries([res.dir]);
      // Series in one parent only are copied; m's chunks before the overlap too.
      assert.deepEqual(after.get('{__name__="only_a"}'), before.get('{__name__="only_a"}'));
      assert.deepEqual(after.get('{__name__="x"}'), before.get('{__name__="x"}'));
      const m = after.get('{__name__="m"}')!;
      const untouched = before.get('{__name__="m"}')!.filter((ch) => ch.maxt < H);
      assert.ok(untouched.length > 0);
      assert.deepEqual(m.slice(0, untouched.length), untouched);
      for (const ch of m.slice(untouched.length)) assert.ok(samplesIn(ch.hex) <= 120, `chunk [${ch.mint}, ${ch.maxt}] holds ${samplesIn(ch.hex)} samples`);
      assert.equal(res.meta.stats.numSamples, want.size + 480 + 120 + 240);
      if (promtool) assert.deepEqual((await promtoolDump(out.path)).filter((l) => !l.includes('"conflict"')), dumpBefore);
    } finally {
      parents.cleanup();
      out.cleanup();
    }
  });

  test('clean_tombstones rewrite drops deleted samples, re-encodes only the chunks they touch, and promtool agrees', { timeout: 60_000 }, async () => {
    const parents = tempDir('promts-compact-tomb-');
    const out = tempDir('promts-compact-out-');
    try {
      const f = (t: number): number => Math.sin(t / 1e6);
      const blk = writeBlock(parents.path, [series({ __name__: 'keep' }, 0, 2 * H, 15_000, f), series({ __name__: 'cut' }, 0, 2 * H, 15_000, f), series({ __name__: 'gone' }, 0, 2 * H, 15_000, f)])!;
      const b = Block.open(blk.dir);
      const ref = b.index.postings('__name__', 'cut')[0]!;
      const stones = new Tombstones();
      // Deletes inside the third chunk (30 min .. 45 min) only, and all of `gone`.
      stones.add(ref, { mint: 35 * 60_000, maxt: 40 * 60_000 });
      stones.add(b.index.postings('__name__', 'gone')[0]!, { mint: 0, maxt: 2 * H });
      writeTombstones(join(blk.dir, 'tombstones'), stones);
      const before = chunksBySeries([blk.dir]);
      const dumpBefore = promtool ? await promtoolDump(parents.path) : [];
      const res = compactBlocks(out.path, [blk.dir], { mode: 'rewrite' })!;

      const after = chunksBySeries([res.dir]);
      assert.deepEqual(after.get('{__name__="keep"}'), before.get('{__name__="keep"}'));
      const cutBefore = before.get('{__name__="cut"}')!;
      const cutAfter = after.get('{__name__="cut"}')!;
      assert.equal(cutAfter.length, cutBefore.length);
      for (let i = 0; i < cutBefore.length; i++) {
        const touched = cutBefore[i]!.mint <= 40 * 60_000 && cutBefore[i]!.maxt >= 35 * 60_000;
        if (touched) assert.equal(samplesIn(cutAfter[i]!.hex), samplesIn(cutBefore[i]!.hex) - 21);
        else assert.deepEqual(cutAfter[i], cutBefore[i]);
      }
      assert.ok(samplesOf(res.dir, 'cut').every(([t]) => t < 35 * 60_000 || t > 40 * 60_000));
      assert.equal(res.meta.stats.numSamples, 2 * 480 - 21);
      // As Prometheus's compactor: the series is gone, its strings stay in the symbol table.
      const rewritten = Block.open(res.dir);
      assert.equal(rewritten.index.postings('__name__', 'gone').length, 0);
      assert.ok(rewritten.index.symbols.includes('gone'));
      if (promtool) assert.deepEqual(await promtoolDump(out.path), dumpBefore);
    } finally {
      parents.cleanup();
      out.cleanup();
    }
  });
});

describe('head compaction on chunks', () => {
  for (const workerThreads of [false, true]) {
    test(`the head's chunks become the block's chunks; deleted samples are left out (${workerThreads ? 'worker thread' : 'inline'})`, { timeout: 120_000 }, async () => {
      const d = tempDir('promts-compact-head-');
      try {
        const db = await openDB(d.path, { backgroundCompaction: false, workerThreads, retentionTime: 10 * 365 * 24 * H });
        const t0 = 100 * 2 * H;
        const lsets = [0, 1, 2].map((i) => Labels.fromObject({ __name__: 'h', i: String(i) }));
        const refs = [0, 0, 0];
        for (let t = t0; t < t0 + 3.5 * H; t += 15_000) {
          const app = db.appender();
          for (let i = 0; i < 3; i++) refs[i] = app.append(refs[i] as never, lsets[i]!, t, i * 1e6 + (t - t0) / 15_000) as number;
          await app.commit();
        }
        // A series only after the compacted range: not in the block, but its strings are in
        // the block's symbol table, which lists all of the head's strings as Prometheus's does.
        const later = db.appender();
        later.append(0 as never, Labels.fromObject({ __name__: 'h_later' }), t0 + 3 * H, 1);
        await later.commit();
        await db.delete(t0 + 10 * 60_000, t0 + 20 * 60_000, [new Matcher('=', 'i', '1')]);
        // The head's completed chunks of series 0 in the first range, before compaction.
        const s0 = db.head.getByLabels(lsets[0]!)!;
        const headChunks: Chunk[] = [];
        for (let k = 0; k < s0.mmCount(); k++) {
          if (s0.mmMaxt(k) >= t0 + 2 * H) break;
          headChunks.push({ mint: s0.mmMint(k), maxt: s0.mmMaxt(k), hex: Buffer.from(db.head.chunkBytes(s0.mmRef(k))).toString('hex') });
        }
        assert.ok(headChunks.length >= 4);
        await db.compactHeadRange(t0, t0 + 2 * H);
        assert.equal(db.blocks.length, 1);
        const blk = db.blocks[0]!;
        assert.equal(blk.meta.minTime, t0);
        assert.equal(blk.meta.maxTime, t0 + 2 * H);
        assert.equal(blk.meta.stats.numSamples, 3 * 480 - 41);
        assert.equal(blk.meta.stats.numSeries, 3);
        assert.ok(blk.index.symbols.includes('h_later'));
        const chunks = chunksBySeries([blk.dir]);
        assert.deepEqual(chunks.get('{__name__="h", i="0"}'), headChunks);
        const cut = samplesOf(blk.dir, 'h').filter(([, v]) => v >= 1e6 && v < 2e6);
        assert.equal(cut.length, 480 - 41);
        assert.ok(cut.every(([t]) => t < t0 + 10 * 60_000 || t > t0 + 20 * 60_000));
        await db.close();
        if (promtool) {
          // Only the block: promtool would also replay the WAL's newer samples.
          const only = tempDir('promts-compact-head-block-');
          try {
            const r = await runCommand('cp', ['-r', blk.dir, only.path]);
            assert.equal(r.code, 0, r.stderr);
            const lines = await promtoolDump(only.path);
            assert.equal(lines.length, 3 * 480 - 41);
            const an = await runCommand(promtool, ['tsdb', 'analyze', only.path]);
            assert.equal(an.code, 0, an.stderr);
            assert.match(an.stdout, /^Series: 3$/m);
          } finally {
            only.cleanup();
          }
        }
        assert.deepEqual(readdirSync(d.path).filter((n) => n.includes('.tmp')), []);
      } finally {
        d.cleanup();
      }
    });
  }
});
