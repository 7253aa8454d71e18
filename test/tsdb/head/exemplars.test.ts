// Exemplar storage: the circular buffer's eviction, validation and resize as Prometheus 2.42's
// CircularExemplarStorage behaves, and exemplars surviving a head's WAL replay.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../../helpers/index.js';
import { CircularExemplarStorage, ExemplarError, Head, replayHead } from '../../../src/tsdb/head/index.js';
import { WAL } from '../../../src/tsdb/wal/index.js';
import { Labels, Matcher } from '../../../src/model/index.js';
import type { HeadAppender } from '../../../src/tsdb/head/index.js';
import type { SeriesRef } from '../../../src/storage/index.js';

const L = (o: Record<string, string>): Labels => Labels.fromObject(o);
const ex = (trace: string, value: number, ts: number, hasTs = true) => ({ labels: L({ trace_id: trace }), value, ts, hasTs });
const all = [[new Matcher('=~', '__name__', '.+')]];

/** [series, [trace, value, ts]...] per series. */
function dump(s: CircularExemplarStorage, start = -Infinity, end = Infinity): [string, [string, number, number][]][] {
  return s.select(start, end, all).map((r) => [r.seriesLabels.toString(), r.timestamps.map((t, i) => [r.labels[i]!.get('trace_id'), r.values[i]!, t] as [string, number, number])]);
}

const A = L({ __name__: 'a', job: 'x' });
const B = L({ __name__: 'b', job: 'x' });

describe('CircularExemplarStorage', () => {
  test('a full buffer evicts the oldest exemplar overall, whichever series holds it', () => {
    const s = new CircularExemplarStorage(3);
    s.add(A, ex('1', 1, 1000));
    s.add(B, ex('2', 2, 1000));
    s.add(A, ex('3', 3, 2000));
    assert.equal(s.stats.exemplarsInStorage, 3);
    assert.equal(s.stats.seriesWithExemplarsInStorage, 2);
    assert.equal(s.stats.lastExemplarsTimestampSeconds, 1);
    s.add(A, ex('4', 4, 3000)); // evicts A's '1'
    s.add(A, ex('5', 5, 4000)); // evicts B's only exemplar: B leaves the index
    assert.deepEqual(dump(s), [['{__name__="a", job="x"}', [['3', 3, 2000], ['4', 4, 3000], ['5', 5, 4000]]]]);
    assert.equal(s.stats.seriesWithExemplarsInStorage, 1);
    assert.equal(s.stats.exemplarsAppended, 5);
    assert.equal(s.stats.lastExemplarsTimestampSeconds, 2);
  });

  test('results are grouped by series, sorted by labels, filtered by time and matchers', () => {
    const s = new CircularExemplarStorage(10);
    s.add(B, ex('b1', 1, 1000));
    s.add(A, ex('a1', 1, 1000));
    s.add(A, ex('a2', 2, 5000));
    assert.deepEqual(dump(s).map((r) => r[0]), ['{__name__="a", job="x"}', '{__name__="b", job="x"}']);
    assert.deepEqual(dump(s, 2000, 6000), [['{__name__="a", job="x"}', [['a2', 2, 5000]]]]);
    assert.deepEqual(s.select(0, 1e9, [[new Matcher('=', '__name__', 'b')]]).length, 1);
    assert.deepEqual(s.select(0, 1e9, [[new Matcher('=', '__name__', 'c')]]).length, 0);
  });

  test("validation: out of order, duplicate (timestamps ignored when neither carried one), label length", () => {
    const s = new CircularExemplarStorage(10);
    s.add(A, ex('1', 1, 2000, false));
    // Same labels and value, scrape-assigned timestamps: a duplicate, silently ignored.
    s.add(A, ex('1', 1, 3000, false));
    assert.equal(s.stats.exemplarsAppended, 1);
    assert.throws(() => s.add(A, ex('2', 2, 1000)), (e: unknown) => e instanceof ExemplarError && e.message === 'out of order exemplar');
    assert.equal(s.stats.outOfOrderExemplars, 1);
    // validate() alone (the appender's check) does not count.
    assert.throws(() => s.validate(A, ex('2', 2, 2000)), /out of order exemplar/);
    assert.equal(s.stats.outOfOrderExemplars, 1);
    // 128 characters of names + values is the limit, counted in code points.
    const ok = { labels: L({ trace_id: '😀'.repeat(120) }), value: 1, ts: 9000, hasTs: true };
    s.validate(A, ok);
    const long = { labels: L({ trace_id: 'x'.repeat(121) }), value: 1, ts: 9000, hasTs: true };
    assert.throws(() => s.validate(A, long), /label length for exemplar exceeds maximum of 128 UTF-8 characters/);
  });

  test('a storage of size 0 keeps nothing', () => {
    const s = new CircularExemplarStorage(0);
    assert.throws(() => s.add(A, ex('1', 1, 1)), /exemplar storage is disabled/);
    assert.deepEqual(dump(s), []);
  });

  test('resize keeps the newest exemplars in ingestion order', () => {
    const s = new CircularExemplarStorage(4);
    for (let i = 1; i <= 6; i++) s.add(i % 2 ? A : B, ex(String(i), i, i * 1000));
    assert.equal(s.resize(2), 2);
    assert.deepEqual(dump(s), [['{__name__="a", job="x"}', [['5', 5, 5000]]], ['{__name__="b", job="x"}', [['6', 6, 6000]]]]);
    assert.equal(s.stats.maxExemplars, 2);
    assert.equal(s.stats.exemplarsAppended, 6);
    assert.equal(s.resize(5), 2);
    s.add(A, ex('7', 7, 7000));
    assert.deepEqual(dump(s)[0]![1].map((x) => x[0]), ['5', '7']);
    assert.equal(s.stats.exemplarsInStorage, 3);
    assert.equal(s.resize(0), 0);
    assert.deepEqual(dump(s), []);
    assert.equal(s.stats.seriesWithExemplarsInStorage, 0);
  });

  test('many series through a small buffer keep the index consistent', () => {
    const s = new CircularExemplarStorage(7);
    const series = Array.from({ length: 5 }, (_, i) => L({ __name__: 'm', i: String(i) }));
    const last = new Map<string, number[]>();
    for (let n = 1; n <= 200; n++) {
      const l = series[(n * 7919) % 5]!;
      s.add(l, ex(String(n), n, n));
      const k = l.toString();
      last.set(k, [...(last.get(k) ?? []), n]);
    }
    // The 7 newest appends overall are what remains.
    const kept = dump(s).flatMap((r) => r[1].map((x) => x[2])).sort((a, b) => a - b);
    assert.deepEqual(kept, [194, 195, 196, 197, 198, 199, 200]);
    assert.equal(s.stats.seriesWithExemplarsInStorage, dump(s).length);
  });
});

describe('head exemplars', () => {
  test('committed exemplars are logged to the WAL and come back on replay', async () => {
    const dir = tempDir();
    try {
      const walDir = join(dir.path, 'wal');
      const wal = WAL.open(walDir, { compress: false, segmentSize: 1 << 20 });
      const head = new Head({ chunkRange: 7200_000, wal });
      head.exemplars.resize(100);
      const app = head.appender() as HeadAppender;
      const ref = app.append(0, A, 1000, 1);
      app.appendExemplar(ref, A, ex('abc', 0.5, 1000, false));
      await app.commit();
      // A rolled back batch leaves nothing.
      const app2 = head.appender() as HeadAppender;
      app2.append(ref, A, 2000, 1);
      app2.appendExemplar(ref, A, ex('zzz', 1, 2000));
      await app2.rollback();
      // Out of order against the stored exemplar: rejected at append time.
      const app3 = head.appender() as HeadAppender;
      app3.append(ref, A, 3000, 1);
      assert.throws(() => app3.appendExemplar(ref, A, ex('old', 1, 500)), /out of order exemplar/);
      app3.appendExemplar(ref, A, ex('new', 2, 3000));
      await app3.commit();
      assert.deepEqual(dump(head.exemplars), [['{__name__="a", job="x"}', [['abc', 0.5, 1000], ['new', 2, 3000]]]]);
      wal.close();

      const wal2 = WAL.open(walDir, { compress: false, segmentSize: 1 << 20 });
      const head2 = new Head({ chunkRange: 7200_000, wal: wal2 });
      head2.exemplars.resize(100);
      await replayHead(head2, walDir, null, -Infinity, { min: 0, max: 0, current: 0, done: false }, head2.logger);
      assert.deepEqual(dump(head2.exemplars), dump(head.exemplars));
      wal2.close();

      // With the storage off, replay skips them and appends drop them.
      const wal3 = WAL.open(walDir, { compress: false, segmentSize: 1 << 20 });
      const head3 = new Head({ chunkRange: 7200_000, wal: wal3 });
      await replayHead(head3, walDir, null, -Infinity, { min: 0, max: 0, current: 0, done: false }, head3.logger);
      assert.deepEqual(dump(head3.exemplars), []);
      const app4 = head3.appender() as HeadAppender;
      app4.appendExemplar(app4.append(0, A, 5000, 1) as SeriesRef, A, ex('x', 1, 5000));
      await app4.commit();
      assert.deepEqual(dump(head3.exemplars), []);
      wal3.close();
    } finally {
      dir.cleanup();
    }
  });
});
