// Head: append rules with Prometheus's errors, chunk cutting identical to Prometheus 2.42's
// head (checked against a block that Prometheus compacted from its head), stale markers kept
// bit-exact, matchers selecting like PromQL, and head chunks written to chunks_head/.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixturesDir, tempDir } from '../../helpers/index.js';
import { Head } from '../../../src/tsdb/head/index.js';
import { ChunkDiskMapper } from '../../../src/tsdb/chunks/index.js';
import { Block } from '../../../src/tsdb/block/index.js';
import { XORChunk } from '../../../src/tsdb/chunkenc/index.js';
import { Labels, Matcher, STALE_NAN, isStaleNaN } from '../../../src/model/index.js';
import type { HeadAppender } from '../../../src/tsdb/head/index.js';

const L = (o: Record<string, string>): Labels => Labels.fromObject(o);

function drain(head: Head, mint: number, maxt: number, ...ms: Matcher[]): Map<string, { ts: number[]; vs: number[] }> {
  const out = new Map<string, { ts: number[]; vs: number[] }>();
  const ss = head.querier(mint, maxt).select(true, undefined, ...ms);
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const e = { ts: [] as number[], vs: [] as number[] };
    while (it.next()) {
      e.ts.push(it.t);
      e.vs.push(it.v);
    }
    assert.equal(it.err(), null);
    out.set(s.labels.toString(), e);
  }
  return out;
}

describe('appending', () => {
  test("rejects older samples with Prometheus's errors and accepts an identical duplicate silently", async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const up = L({ __name__: 'up', job: 'a' });
    let app = head.appender();
    const ref = app.append(0, up, 1000, 1);
    await app.commit();
    app = head.appender();
    assert.throws(() => app.append(ref, up, 999, 1), { code: 'out_of_order', message: 'out of order sample' });
    assert.throws(() => app.append(ref, up, 1000, 2), { code: 'duplicate_sample', message: 'duplicate sample for timestamp' });
    assert.equal(app.append(ref, up, 1000, 1), ref, 'same timestamp, same value: accepted');
    app.append(0, up, 2000, 3);
    await app.commit();
    assert.deepEqual(drain(head, 0, 10_000).get(up.toString()), { ts: [1000, 2000], vs: [1, 3] });
    assert.equal(head.stats.outOfOrderSamples, 1);
    assert.equal(head.stats.duplicateSamples, 1);
    assert.equal(head.stats.samplesAppended, 2);
  });

  test('samples become visible only on commit; rollback drops them', async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const s = L({ __name__: 'm' });
    const app = head.appender();
    app.append(0, s, 1, 1);
    assert.equal(drain(head, 0, 10).size, 0);
    await app.rollback();
    assert.equal(drain(head, 0, 10).size, 0);
    const app2 = head.appender();
    app2.append(0, s, 5, 5);
    await app2.commit();
    assert.deepEqual(drain(head, 0, 10).get(s.toString())?.ts, [5]);
  });

  test('samples more than half a chunk range behind the newest are out of bounds', async () => {
    const head = new Head({ chunkRange: 60_000 });
    const app = head.appender();
    app.append(0, L({ __name__: 'a' }), 100_000, 1);
    await app.commit();
    assert.throws(() => head.appender().append(0, L({ __name__: 'b' }), 100_000 - 30_001, 1), { code: 'out_of_bounds' });
  });

  test('stale markers and NaN payloads come back bit for bit', async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const app = head.appender();
    const s = L({ __name__: 'x' });
    app.append(0, s, 1, NaN);
    app.append(0, s, 2, STALE_NAN);
    app.append(0, s, 3, 1);
    await app.commit();
    // Checked on the iterator's field: JS arrays may canonicalise NaN payloads.
    const ss = head.querier(0, 10).select(false, undefined, new Matcher('=', '__name__', 'x'));
    assert.ok(ss.next());
    const it = ss.at().iterator();
    assert.ok(it.next() && Number.isNaN(it.v) && !isStaleNaN(it.v));
    assert.ok(it.next() && isStaleNaN(it.v));
    assert.ok(it.next() && it.v === 1);
  });
});

describe('chunks', () => {
  test("are cut exactly like Prometheus's head: same chunk bounds and bytes as a block it compacted", async () => {
    // live/ block 01M888DAFKZR8MGC60HT5MGPP6 was written by Prometheus 2.42 from its head with
    // 1 m block ranges, so its chunks are the head's chunks. Re-appending its samples must cut
    // the same chunks.
    const block = Block.open(join(fixturesDir, 'live', '01M888DAFKZR8MGC60HT5MGPP6'));
    const head = new Head({ chunkRange: 60_000 });
    const expected = new Map<string, { mint: number; maxt: number; bytes: Buffer }[]>();
    const posts = block.index.allPostings();
    // One batch: head appenders check bounds against the head's state when they are created.
    const app = head.appender() as HeadAppender;
    for (let i = 0; i < posts.length; i++) {
      const e = block.index.readSeries(posts[i]!);
      const labels = e.labels;
      const chunks = e.chunks.map((c) => ({ mint: c.mint, maxt: c.maxt, bytes: Buffer.from(block.chunks.chunk(c.ref).data) }));
      expected.set(labels.toString(), chunks);
      for (const c of chunks) {
        const it = new XORChunk(c.bytes).iterator();
        while (it.next()) app.append(0, labels, it.t, it.v);
      }
    }
    app.commitSync();
    assert.equal(expected.size, block.meta.stats.numSeries);
    let compared = 0;
    for (const s of head.series.values()) {
      s.completeHeadChunk(null);
      const want = expected.get(s.labels.toString())!;
      const idx = Array.from({ length: s.mmCount() }, (_, i) => i);
      assert.deepEqual(
        idx.map((i) => [s.mmMint(i), s.mmMaxt(i)]),
        want.map((c) => [c.mint, c.maxt]),
        `chunk bounds of ${s.labels.toString()}`,
      );
      idx.forEach((i) => assert.ok(Buffer.from(head.chunkBytes(s.mmRef(i))).equals(want[i]!.bytes), `chunk bytes of ${s.labels.toString()}`));
      compared += want.length;
    }
    assert.equal(compared, block.meta.stats.numChunks);
  });

  test('completed chunks go to chunks_head/ and read back through the querier after a restart', async () => {
    const d = tempDir('promts-head-');
    try {
      const mapper = new ChunkDiskMapper(join(d.path, 'chunks_head'));
      const head = new Head({ chunkRange: 7_200_000, chunks: mapper });
      const s = L({ __name__: 'y', i: '1' });
      for (let i = 0; i < 1000; i++) {
        const app = head.appender();
        app.append(0, s, i * 15_000, i);
        await app.commit();
      }
      const ms = head.getByLabels(s)!;
      assert.ok(ms.mmCount() >= 7, 'about 120 samples per chunk');
      for (let i = 0; i < ms.mmCount(); i++) assert.ok(ms.mmRef(i) >= 0, 'chunks live in chunks_head files');
      const counted = head.stats.chunks;
      assert.equal(counted, head.countChunks(), 'the chunk gauge is kept current without recounting');
      mapper.close();
      const again = new ChunkDiskMapper(join(d.path, 'chunks_head'));
      const seen: number[] = [];
      again.replay((seriesRef, _ref, mint) => {
        assert.equal(seriesRef, ms.ref);
        seen.push(mint);
      });
      assert.deepEqual(seen, Array.from({ length: ms.mmCount() }, (_, i) => ms.mmMint(i)));
      const got = drain(head, 0, Infinity).get(s.toString())!;
      assert.equal(got.ts.length, 1000);
      assert.deepEqual(got.vs.slice(0, 3), [0, 1, 2]);
    } finally {
      d.cleanup();
    }
  });
});

describe('querying', () => {
  test('matchers select like PromQL, including ones that match the empty string', async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const app = head.appender();
    app.append(0, L({ __name__: 'up', job: 'api', instance: 'a' }), 1, 1);
    app.append(0, L({ __name__: 'up', job: 'node', instance: 'b' }), 1, 1);
    app.append(0, L({ __name__: 'up', instance: 'c' }), 1, 1);
    app.append(0, L({ __name__: 'other', job: 'api' }), 1, 1);
    await app.commit();
    const names = (...ms: Matcher[]): string[] => [...drain(head, 0, 10, ...ms).keys()];
    assert.equal(names(new Matcher('=', '__name__', 'up')).length, 3);
    assert.deepEqual(names(new Matcher('=', '__name__', 'up'), new Matcher('=', 'job', '')), ['{__name__="up", instance="c"}']);
    assert.deepEqual(names(new Matcher('=', '__name__', 'up'), new Matcher('!=', 'job', 'api')), ['{__name__="up", instance="b", job="node"}', '{__name__="up", instance="c"}']);
    assert.deepEqual(names(new Matcher('=~', 'job', 'a.*|n.*'), new Matcher('!~', '__name__', 'oth.*')).length, 2);
    assert.deepEqual(head.querier(0, 10).labelValues('job'), ['api', 'node']);
    assert.deepEqual(head.querier(0, 10).labelNames(new Matcher('=', '__name__', 'other')), ['__name__', 'job']);
  });

  test('iterators clip to the querier range and seek forward', async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const s = L({ __name__: 'z' });
    for (let i = 0; i < 500; i++) {
      const app = head.appender();
      app.append(0, s, i * 1000, i);
      await app.commit();
    }
    const got = drain(head, 100_500, 200_000).get(s.toString())!;
    assert.equal(got.ts[0], 101_000);
    assert.equal(got.ts[got.ts.length - 1], 200_000);
    const ss = head.querier(0, 1e12).select(false, undefined, new Matcher('=', '__name__', 'z'));
    assert.ok(ss.next());
    const it = ss.at().iterator();
    assert.ok(it.seek(250_500));
    assert.equal(it.t, 251_000);
    assert.ok(it.seek(10));
    assert.equal(it.t, 251_000, 'seek never moves backwards');
    assert.ok(!it.seek(1e9));
  });
});
