// WAL: reading Prometheus 2.42's segments (snappy and plain), the torn-record error and its
// repair, writing segments Prometheus-style, and checkpoints.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, tempDir, copyFixture } from '../../helpers/index.js';
import { WAL, WalReader, LabelStringCache, RecordEncoder, RecordType, SampleBatch, createCheckpoint, decodeMetadata, decodeSamples, decodeSeries, lastCheckpoint, listSegments, openSegmentsReader, recordType, PAGE_SIZE } from '../../../src/tsdb/wal/index.js';
import { Labels, STALE_NAN, isStaleNaN } from '../../../src/model/index.js';

interface Torn {
  segment: string;
  size_before: number;
  size_after: number;
  last_fragment: { offset: number; type: string; snappy: boolean; data_length: number; record_type: string; samples: { ref: number; t: number; v: number | null }[] };
}
const torn = JSON.parse(readFileSync(join(fixturesDir, 'runs', 'crashed-torn.json'), 'utf8')) as Torn;

/** Reads every record of a WAL dir (checkpoint + segments); returns sample count, max t, last samples record. */
function readAll(walDir: string): { series: number; samples: number; maxT: number; lastSamples: SampleBatch; err: Error | null; firstBytes: Set<number> } {
  const b = new SampleBatch();
  const last = new SampleBatch();
  let series = 0;
  let samples = 0;
  let maxT = -Infinity;
  let err: Error | null = null;
  const cp = lastCheckpoint(walDir);
  const readers = [...(cp ? [new WalReader(cp.dir, listSegments(cp.dir))] : []), openSegmentsReader(walDir)];
  for (const r of readers) {
    while (r.next()) {
      const rec = r.record();
      if (recordType(rec) === RecordType.Series) series += decodeSeries(rec).length;
      if (recordType(rec) === RecordType.Samples) {
        decodeSamples(rec, b);
        samples += b.n;
        for (let i = 0; i < b.n; i++) maxT = Math.max(maxT, b.ts[i]!);
        decodeSamples(rec, last);
      }
    }
    err ??= r.err();
  }
  const firstBytes = new Set<number>();
  for (const s of listSegments(walDir)) if (s.size > 0) firstBytes.add(readFileSync(s.path)[0]!);
  return { series, samples, maxT, lastSamples: last, err, firstBytes };
}

describe('reading Prometheus 2.42 WALs', () => {
  test('snappy (live/) and plain (crashed/) segments decode; the data ends where the fixture README says', () => {
    const live = readAll(join(fixturesDir, 'live', 'wal'));
    assert.equal(live.err, null);
    assert.deepEqual([...live.firstBytes], [0x09], 'live/ records are full+snappy fragments');
    assert.equal(live.maxT, 1795573630508);
    const crashed = readAll(join(fixturesDir, 'crashed', 'wal'));
    assert.equal(crashed.err, null);
    assert.deepEqual([...crashed.firstBytes], [0x01], 'crashed/ records are plain full fragments');
    assert.equal(crashed.maxT, 1795573569760);
    assert.ok(crashed.series > 0 && crashed.samples > 0);
  });

  test("crashed/'s last samples record is the one runs/crashed-torn.json describes, value for value", () => {
    const { lastSamples: b } = readAll(join(fixturesDir, 'crashed', 'wal'));
    const want = torn.last_fragment.samples;
    assert.equal(b.n, want.length);
    for (let i = 0; i < b.n; i++) {
      assert.equal(b.refs[i], want[i]!.ref);
      assert.equal(b.ts[i], want[i]!.t);
      if (want[i]!.v === null) assert.ok(Number.isNaN(b.vs[i]));
      else assert.equal(b.vs[i], want[i]!.v);
    }
  });

  test('the torn record reads as the checksum error Prometheus logged, at the same offset', () => {
    const r = readAll(join(fixturesDir, 'crashed-torn', 'wal'));
    const log = readFileSync(join(fixturesDir, 'recovery', 'crashed-torn.notable.log'), 'utf8');
    const m = /corruption in segment \S+\/wal\/(\d+) at (\d+): ([^"]+)"/.exec(log);
    assert.ok(m, 'the recovery log names the corruption');
    assert.ok(r.err);
    assert.equal(r.err.message, `corruption in segment ${join(fixturesDir, 'crashed-torn', 'wal', m[1]!)} at ${m[2]}: ${m[3]}`);
    const whole = readAll(join(fixturesDir, 'crashed', 'wal'));
    assert.equal(whole.samples - r.samples, torn.last_fragment.samples.length, 'exactly the torn record is lost');
    assert.equal(r.maxT, 1795573569573);
  });
});

describe('repair', () => {
  test('truncates at the last good record, deletes newer segments, and leaves a WAL that reads cleanly', () => {
    const d = copyFixture('crashed-torn');
    try {
      const walDir = join(d.path, 'wal');
      const before = readAll(walDir);
      const w = WAL.open(walDir, { compress: false });
      assert.equal(w.currentSegment(), 5, 'writing starts in a new segment after the last one');
      w.repair(before.err as never);
      w.log(new RecordEncoder().samples([5], [1795573570000], new Float64Array([1]), 1));
      w.close();
      const after = readAll(walDir);
      assert.equal(after.err, null);
      assert.equal(after.samples, before.samples + 1);
      // Everything before the torn record is kept byte for byte; the rest is page padding.
      const seg4 = readFileSync(join(walDir, '00000004'));
      const orig = readFileSync(join(fixturesDir, 'crashed-torn', 'wal', '00000004'));
      assert.equal(seg4.length % PAGE_SIZE, 0);
      assert.ok(seg4.subarray(0, torn.last_fragment.offset).equals(orig.subarray(0, torn.last_fragment.offset)));
      assert.ok(seg4.subarray(torn.last_fragment.offset).every((x) => x === 0));
    } finally {
      d.cleanup();
    }
  });

  test('a segment cut inside a multi-page record reports "last record is torn" and repairs to the record before', () => {
    const d = tempDir('promts-wal-');
    try {
      const w = WAL.open(d.path, { compress: false });
      const enc = new RecordEncoder();
      const big = new Float64Array(5000).fill(1.5);
      const refs = new Float64Array(5000).map((_, i) => i + 1);
      const ts = new Float64Array(5000).fill(1000);
      w.log(enc.samples([1], [500], new Float64Array([2]), 1));
      w.log(enc.samples(refs, ts, big, 5000)); // ~55 KB: first + middle + last fragments
      w.close();
      truncateSync(join(d.path, '00000000'), PAGE_SIZE + 100);
      const r = openSegmentsReader(d.path);
      let n = 0;
      while (r.next()) n++;
      assert.equal(n, 1);
      assert.match(r.err()!.message, /corruption in segment .*00000000 at \d+: (last record is torn|unexpected checksum|unexpected EOF)/);
      const w2 = WAL.open(d.path, { compress: false });
      w2.repair(r.err()!);
      w2.close();
      const r2 = openSegmentsReader(d.path);
      let m = 0;
      while (r2.next()) m++;
      assert.equal(r2.err(), null);
      assert.equal(m, 1);
    } finally {
      d.cleanup();
    }
  });
});

describe('writing', () => {
  for (const compress of [true, false]) {
    test(`records round-trip bit-exactly (compression ${compress ? 'on' : 'off'}), across pages and segments`, () => {
      const d = tempDir('promts-wal-');
      try {
        const w = WAL.open(d.path, { compress, segmentSize: 4 * PAGE_SIZE });
        const enc = new RecordEncoder();
        const series = [
          { ref: 1, labels: Labels.fromObject({ __name__: 'up', job: 'a', 'unicode': 'Zürich 東京 🚀' }) },
          { ref: 2, labels: Labels.fromObject({ __name__: 'x', v: 'a\nb"c\\' }) },
        ];
        w.log(enc.series(series));
        w.log(enc.metadata([{ ref: 1, type: 'gauge', unit: 'seconds', help: 'Help text.' }]));
        const n = 3000;
        const refs = new Float64Array(n).map((_, i) => 1 + (i % 2));
        const ts = new Float64Array(n).map((_, i) => 1795573272736 + i * 15000 - (i % 2));
        const vs = new Float64Array(n).map((_, i) => Math.sin(i) * 1e6);
        vs[7] = STALE_NAN;
        vs[8] = NaN;
        vs[9] = -0;
        for (let k = 0; k < 10; k++) w.log(enc.samples(refs, ts, vs, n));
        w.close();
        assert.ok(listSegments(d.path).length > 3, 'a 128 KiB segment size forces several segments');
        for (const s of listSegments(d.path)) assert.ok(s.size <= 4 * PAGE_SIZE && s.size % PAGE_SIZE === 0);
        const r = openSegmentsReader(d.path);
        const b = new SampleBatch();
        let k = 0;
        assert.ok(r.next());
        assert.deepEqual(decodeSeries(r.record()).map((s) => s.labels.toString()), series.map((s) => s.labels.toString()));
        assert.ok(r.next());
        assert.deepEqual(decodeMetadata(r.record()), [{ ref: 1, type: 'gauge', unit: 'seconds', help: 'Help text.' }]);
        while (r.next()) {
          decodeSamples(r.record(), b);
          assert.equal(b.n, n);
          assert.deepEqual(Buffer.from(b.vs.buffer, 0, n * 8), Buffer.from(vs.buffer), 'values are bit-exact');
          assert.deepEqual(b.ts.subarray(0, n), ts);
          assert.deepEqual(b.refs.subarray(0, n), refs);
          assert.ok(isStaleNaN(b.vs[7]!) && !isStaleNaN(b.vs[8]!));
          k++;
        }
        assert.equal(r.err(), null);
        assert.equal(k, 10);
      } finally {
        d.cleanup();
      }
    });
  }
});

test('a segment bigger than the reader window (4 MiB) reads back whole, multi-page records included', () => {
  const d = tempDir('promts-wal-');
  try {
    const w = WAL.open(d.path, { compress: false });
    const enc = new RecordEncoder();
    const n = 4000; // ~44 KB per record: spans two pages
    const refs = new Float64Array(n).map((_, i) => i + 1);
    const vs = new Float64Array(n).map((_, i) => i / 3);
    for (let k = 0; k < 200; k++) w.log(enc.samples(refs, new Float64Array(n).fill(k), vs, n));
    w.close();
    assert.ok(listSegments(d.path)[0]!.size > 8 * 1024 * 1024);
    const r = openSegmentsReader(d.path);
    const b = new SampleBatch();
    let k = 0;
    while (r.next()) {
      decodeSamples(r.record(), b);
      assert.equal(b.n, n);
      assert.equal(b.ts[0], k);
      assert.equal(b.vs[n - 1], vs[n - 1]);
      k++;
    }
    assert.equal(r.err(), null);
    assert.equal(k, 200);
  } finally {
    d.cleanup();
  }
});

describe('checkpoints', () => {
  test('keep the series asked for and only samples at or after mint; segments up to it can go', async () => {
    const d = copyFixture('crashed');
    try {
      const walDir = join(d.path, 'wal');
      // Pick mint inside the range of segments 2-3 and count what a checkpoint must keep.
      const src = openSegmentsReader(walDir, 2, 3);
      const sb = new SampleBatch();
      const all: number[] = [];
      while (src.next()) {
        if (recordType(src.record()) !== RecordType.Samples) continue;
        decodeSamples(src.record(), sb);
        for (let i = 0; i < sb.n; i++) all.push(sb.ts[i]!);
      }
      const mint = Math.max(...all) - 10_000;
      const wantSamples = all.filter((t) => t >= mint).length;
      const keep = new Set<number>();
      for (let ref = 1; ref <= 500; ref++) keep.add(ref);
      await createCheckpoint(walDir, 2, 3, (ref) => keep.has(ref), mint, { compress: true });
      const cp = lastCheckpoint(walDir)!;
      assert.equal(cp.index, 3);
      const r = new WalReader(cp.dir, listSegments(cp.dir));
      const b = new SampleBatch();
      let series = 0;
      let samples = 0;
      while (r.next()) {
        const rec = r.record();
        if (recordType(rec) === RecordType.Series) for (const s of decodeSeries(rec)) (series++, assert.ok(keep.has(s.ref)));
        if (recordType(rec) === RecordType.Samples) {
          decodeSamples(rec, b);
          for (let i = 0; i < b.n; i++) assert.ok(b.ts[i]! >= mint);
          samples += b.n;
        }
      }
      assert.equal(r.err(), null);
      assert.equal(series, 500);
      assert.ok(wantSamples > 0 && wantSamples < all.length);
      assert.equal(samples, wantSamples);
      assert.equal(readFileSync(join(cp.dir, '00000000'))[0]! & 0x08, 0x08, 'checkpoint records are snappy-compressed');
    } finally {
      d.cleanup();
    }
  });
});

test('series records decode to the same label sets through the replay\'s label-string cache', () => {
  const enc = new RecordEncoder();
  // 20k distinct values (far more than the cache's slots, so slots collide and are replaced),
  // repeated names and values, non-ASCII and long values (decoded without the cache).
  const long = 'x'.repeat(200);
  const series = Array.from({ length: 20_000 }, (_, i) => ({
    ref: i + 1,
    labels: Labels.fromObject({ __name__: `m_${i % 37}`, instance: `host-${i % 500}:9100`, series: String(i), ...(i % 7 === 0 ? { city: 'Zürich', note: long } : {}) }),
  }));
  const cache = new LabelStringCache();
  const got: string[] = [];
  for (let i = 0; i < series.length; i += 1000) {
    for (const s of decodeSeries(enc.series(series.slice(i, i + 1000)), cache)) got.push(`${s.ref} ${s.labels.toString()}`);
  }
  assert.deepEqual(got, series.map((s) => `${s.ref} ${s.labels.toString()}`));
});
