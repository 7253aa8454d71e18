// Merging chunk series of several blocks (vertical and leveled compaction), as Prometheus's
// compactChunkSeriesMerger: chunks that overlap no other chunk of the series are passed on as
// they are; each run of overlapping chunks is decoded, merged by timestamp (a timestamp
// present in several parents is kept once, from the first parent), and re-encoded into
// chunks of at most 120 samples. Byte-identical overlapping chunks are kept once unread.
import type { Labels } from '../../model/index.js';
import { SAMPLES_PER_CHUNK, XORChunk, XORIterator, type XORAppender } from '../chunkenc/index.js';
import { compareLabelKv } from '../index/index.js';
import type { ChunkSeriesSet, EncodedChunk } from './chunk_series.js';

export class MergeChunkSeriesSet implements ChunkSeriesSet {
  private readonly has: boolean[];
  /** Sets whose current series was consumed by the last next(); moved on at the next one. */
  private readonly taken: boolean[];
  private curLabels: Labels | undefined;
  private curChunks: readonly EncodedChunk[] = [];
  private readonly parts: (readonly EncodedChunk[])[] = [];
  private readonly merger = new ChunkMerger();
  private error: Error | null = null;

  constructor(private readonly sets: readonly ChunkSeriesSet[]) {
    this.has = sets.map(() => false);
    this.taken = sets.map(() => true);
  }

  next(): boolean {
    if (this.error) return false;
    const { sets, has, taken } = this;
    // Advanced only now: the chunks handed out last time are views that a set's next() ends.
    for (let i = 0; i < sets.length; i++) {
      if (!taken[i]) continue;
      taken[i] = false;
      has[i] = sets[i]!.next();
      const e = sets[i]!.err();
      if (e) {
        this.error = e;
        return false;
      }
    }
    let min = -1;
    for (let i = 0; i < sets.length; i++) if (has[i] && (min < 0 || compareLabelKv(sets[i]!.labels().kv, sets[min]!.labels().kv) < 0)) min = i;
    if (min < 0) return false;
    const kv = sets[min]!.labels().kv;
    this.parts.length = 0;
    for (let i = min; i < sets.length; i++) {
      if (has[i] && (i === min || compareLabelKv(sets[i]!.labels().kv, kv) === 0)) {
        this.parts.push(sets[i]!.chunks());
        taken[i] = true;
      }
    }
    this.curLabels = sets[min]!.labels();
    try {
      this.curChunks = this.merger.merge(this.parts);
    } catch (e) {
      this.error = new Error(`merge overlapping chunks of series ${this.curLabels.toString()}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    return true;
  }

  labels(): Labels {
    return this.curLabels!;
  }

  chunks(): readonly EncodedChunk[] {
    return this.curChunks;
  }

  err(): Error | null {
    return this.error;
  }
}

/**
 * Merges the chunk lists of one series from several sources (earlier sources win a
 * timestamp tie). Scratch arrays are kept between calls and grow to the longest overlapping
 * run seen: memory is one series' samples, and only where chunks overlap.
 */
export class ChunkMerger {
  private all: EncodedChunk[] = [];
  private src: number[] = [];
  private order: number[] = [];
  private ts = new Float64Array(1024);
  private vs = new Float64Array(1024);
  private readonly it = new XORIterator(new Uint8Array(0));

  merge(parts: readonly (readonly EncodedChunk[])[]): readonly EncodedChunk[] {
    if (parts.length === 1 && !selfOverlapping(parts[0]!)) return parts[0]!;
    const { all, src, order } = this;
    all.length = src.length = order.length = 0;
    for (let p = 0; p < parts.length; p++) {
      for (const c of parts[p]!) {
        order.push(all.length);
        all.push(c);
        src.push(p);
      }
    }
    // By min time, then max time (Prometheus's chunk heap order), then source.
    order.sort((a, b) => all[a]!.mint - all[b]!.mint || all[a]!.maxt - all[b]!.maxt || src[a]! - src[b]! || a - b);
    const out: EncodedChunk[] = [];
    const group: number[] = [];
    let i = 0;
    while (i < order.length) {
      const first = all[order[i]!]!;
      group.length = 0;
      group.push(order[i]!);
      let oMaxt = first.maxt;
      let prev = first;
      let j = i + 1;
      for (; j < order.length && all[order[j]!]!.mint <= oMaxt; j++) {
        const c = all[order[j]!]!;
        // A 1:1 duplicate (the same chunk in two parents) is dropped without decoding.
        if (c.mint === prev.mint && c.maxt === prev.maxt && bytesEqual(c.data, prev.data)) continue;
        group.push(order[j]!);
        if (c.maxt > oMaxt) oMaxt = c.maxt;
        prev = c;
      }
      if (group.length === 1) out.push(first);
      else this.mergeGroup(group, out);
      i = j;
    }
    return out;
  }

  /** Decodes the chunks of `group`, merges their samples and appends the re-encoded chunks. */
  private mergeGroup(group: readonly number[], out: EncodedChunk[]): void {
    const { all, src } = this;
    // Decode each chunk into its own stretch of ts/vs; starts[k]..starts[k+1] is chunk k.
    const starts: number[] = [0];
    let n = 0;
    for (const g of group) {
      const it = this.it.reset(all[g]!.data);
      while (it.next()) {
        if (n === this.ts.length) this.grow();
        this.ts[n] = it.t;
        this.vs[n] = it.v;
        n++;
      }
      const e = it.err();
      if (e) throw e;
      starts.push(n);
    }
    const { ts, vs } = this;
    const pos = starts.slice(0, group.length);
    let c: XORChunk | null = null;
    let app: XORAppender | null = null;
    let cMint = 0;
    let cMaxt = 0;
    let count = 0;
    for (;;) {
      // k-way pick: lowest timestamp, then the earliest source (k is the few overlapping chunks).
      let best = -1;
      for (let k = 0; k < group.length; k++) {
        if (pos[k]! >= starts[k + 1]!) continue;
        if (best < 0 || ts[pos[k]!]! < ts[pos[best]!]! || (ts[pos[k]!]! === ts[pos[best]!]! && src[group[k]!]! < src[group[best]!]!)) best = k;
      }
      if (best < 0) break;
      const t = ts[pos[best]!]!;
      const v = vs[pos[best]!]!;
      for (let k = 0; k < group.length; k++) while (pos[k]! < starts[k + 1]! && ts[pos[k]!]! <= t) pos[k]!++;
      if (c === null || count === SAMPLES_PER_CHUNK) {
        if (c !== null) out.push({ mint: cMint, maxt: cMaxt, data: c.bytes() });
        c = new XORChunk();
        app = c.appender();
        cMint = t;
        count = 0;
      }
      app!.append(t, v);
      cMaxt = t;
      count++;
    }
    if (c !== null) out.push({ mint: cMint, maxt: cMaxt, data: c.bytes() });
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    ts.set(this.ts);
    this.ts = ts;
    const vs = new Float64Array(this.vs.length * 2);
    vs.set(this.vs);
    this.vs = vs;
  }
}

function selfOverlapping(cs: readonly EncodedChunk[]): boolean {
  for (let i = 1; i < cs.length; i++) if (cs[i]!.mint <= cs[i - 1]!.maxt) return true;
  return false;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
