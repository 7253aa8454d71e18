// What tests compare before and after a compaction, snapshot or rewrite: every series of a
// Queryable with a digest of its samples (timestamps and the exact value bits).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Labels } from '../../../src/model/index.js';
import type { Queryable } from '../../../src/storage/index.js';
import { writeBlock, type Block, type BlockSeriesInput, type WrittenBlock } from '../../../src/tsdb/block/index.js';

export interface SeriesDigest {
  samples: number;
  first: number;
  last: number;
  sha1: string;
}

/** labels text -> digest of all its samples; NaN payloads count (stale markers stay distinct). */
export function digestAll(db: Queryable, mint = -8.64e15, maxt = 8.64e15): Map<string, SeriesDigest> {
  const out = new Map<string, SeriesDigest>();
  const q = db.querier(mint, maxt);
  const ss = q.select(true, undefined);
  const buf = new Float64Array(2);
  while (ss.next()) {
    const s = ss.at();
    const h = createHash('sha1');
    const it = s.iterator();
    let n = 0;
    let first = 0;
    let last = 0;
    while (it.next()) {
      buf[0] = it.t;
      buf[1] = it.v;
      h.update(new Uint8Array(buf.buffer));
      if (n === 0) first = it.t;
      last = it.t;
      n++;
    }
    assert.equal(it.err(), null);
    out.set(s.labels.toString(), { samples: n, first, last, sha1: h.digest('hex') });
  }
  assert.equal(ss.err(), null);
  q.close();
  return out;
}

export function totalSamples(d: Map<string, SeriesDigest>): number {
  let n = 0;
  for (const v of d.values()) n += v.samples;
  return n;
}

/** A block of `nSeries` series `name{i="…"}` with one sample every 15 s in [t0, t1). */
export function smallBlock(dir: string, name: string, nSeries: number, t0: number, t1: number): WrittenBlock {
  const series = [];
  for (let i = 0; i < nSeries; i++) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let t = t0; t < t1; t += 15_000) {
      ts.push(t);
      vs.push(i * 1000 + (t - t0) / 15_000);
    }
    series.push({ labels: Labels.fromObject({ __name__: name, i: String(i) }), ts, vs });
  }
  return writeBlock(dir, series)!;
}

/** All series of a block with their samples, as a block writer input. */
export function seriesOf(b: Block): BlockSeriesInput[] {
  const out: BlockSeriesInput[] = [];
  const ss = b.select(-8.64e15, 8.64e15);
  while (ss.next()) {
    const s = ss.at();
    const ts: number[] = [];
    // Values stay in a Float64Array so NaN payloads (staleness markers) survive.
    let vs = new Float64Array(256);
    const it = s.iterator();
    while (it.next()) {
      if (ts.length === vs.length) {
        const nv = new Float64Array(vs.length * 2);
        nv.set(vs);
        vs = nv;
      }
      vs[ts.length] = it.v;
      ts.push(it.t);
    }
    out.push({ labels: s.labels, ts, vs, n: ts.length });
  }
  return out;
}
