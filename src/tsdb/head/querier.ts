// Reads the head over [mint, maxt]: postings pick the series, each series iterates its
// completed chunks (read from chunks_head/) and then its open chunk, clipped to the range.
import type { Labels, Matcher } from '../../model/index.js';
import { compareLabelKv, compareUtf8 } from '../index/index.js';
import type { Querier, SampleIterator, SelectHints, Series, SeriesSet } from '../../storage/index.js';
import { ArraySeriesSet } from '../../storage/index.js';
import { XORIterator, type XORChunk } from '../chunkenc/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './series.js';

const NO_BYTES = new Uint8Array(0);

/**
 * Iterates one series' chunks in order. Completed chunks are fetched only when reached, so
 * a seek past them never reads them from disk.
 */
export class HeadSeriesIterator implements SampleIterator {
  t = 0;
  v = 0;
  private ci = -1;
  private inChunk = false;
  private readonly it = new XORIterator(NO_BYTES);
  private error: Error | null = null;

  constructor(
    private readonly head: Head,
    private refs: number[],
    private mints: number[],
    private maxts: number[],
    private open: XORChunk | null,
    private mint: number,
    private maxt: number,
    private deleted: readonly (readonly [number, number])[] | undefined = undefined,
  ) {}

  reset(refs: number[], mints: number[], maxts: number[], open: XORChunk | null, mint: number, maxt: number, deleted?: readonly (readonly [number, number])[]): this {
    this.deleted = deleted;
    this.refs = refs;
    this.mints = mints;
    this.maxts = maxts;
    this.open = open;
    this.mint = mint;
    this.maxt = maxt;
    this.ci = -1;
    this.inChunk = false;
    this.error = null;
    return this;
  }

  private numChunks(): number {
    return this.refs.length + (this.open ? 1 : 0);
  }

  /** Opens chunk i; false past the last. */
  private openChunk(i: number): boolean {
    this.ci = i;
    if (i >= this.numChunks()) {
      this.inChunk = false;
      return false;
    }
    try {
      const bytes = i < this.refs.length ? this.head.chunkBytes(this.refs[i]!) : this.open!.bytes();
      this.it.reset(bytes);
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.inChunk = false;
      return false;
    }
    this.inChunk = true;
    return true;
  }

  next(): boolean {
    if (this.error) return false;
    if (this.ci === -1 && !this.openChunk(0)) return false;
    for (;;) {
      if (!this.inChunk) return false;
      while (this.it.next()) {
        const t = this.it.t;
        if (t < this.mint) continue;
        if (this.deleted !== undefined && isDeleted(this.deleted, t)) continue;
        if (t > this.maxt) {
          this.inChunk = false;
          this.ci = this.numChunks();
          return false;
        }
        this.t = t;
        this.v = this.it.v;
        return true;
      }
      const e = this.it.err();
      if (e) {
        this.error = e;
        return false;
      }
      if (!this.openChunk(this.ci + 1)) return false;
    }
  }

  seek(t: number): boolean {
    if (this.error) return false;
    if (t < this.mint) t = this.mint;
    if (this.inChunk && this.it.numRead > 0 && this.t >= t) return true;
    // Skip whole completed chunks that end before t without reading them.
    let i = Math.max(this.ci, 0);
    while (i < this.refs.length && this.maxts[i]! < t) i++;
    if (i !== this.ci || !this.inChunk) {
      if (!this.openChunk(i)) return false;
    }
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  err(): Error | null {
    return this.error;
  }
}

/** True when t lies in one of the deleted [mint, maxt] intervals (tombstones). */
function isDeleted(iv: readonly (readonly [number, number])[], t: number): boolean {
  for (let i = 0; i < iv.length; i++) if (t >= iv[i]![0] && t <= iv[i]![1]) return true;
  return false;
}

class HeadSeries implements Series {
  constructor(
    private readonly head: Head,
    readonly labels: Labels,
    private readonly refs: number[],
    private readonly mints: number[],
    private readonly maxts: number[],
    private readonly open: XORChunk | null,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: readonly (readonly [number, number])[] | undefined,
  ) {}
  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof HeadSeriesIterator) return reuse.reset(this.refs, this.mints, this.maxts, this.open, this.mint, this.maxt, this.deleted);
    return new HeadSeriesIterator(this.head, this.refs, this.mints, this.maxts, this.open, this.mint, this.maxt, this.deleted);
  }
}

/** Snapshot of a series' chunks overlapping [mint, maxt], or null when none do. */
function seriesView(head: Head, s: MemSeries, mint: number, maxt: number): HeadSeries | null {
  const refs: number[] = [];
  const mints: number[] = [];
  const maxts: number[] = [];
  for (let i = 0, n = s.mmCount(); i < n; i++) {
    if (s.mmMaxt(i) < mint || s.mmMint(i) > maxt) continue;
    refs.push(s.mmRef(i));
    mints.push(s.mmMint(i));
    maxts.push(s.mmMaxt(i));
  }
  let open: XORChunk | null = null;
  if (s.head && s.head.numSamples() > 0 && s.maxt >= mint && s.headMint <= maxt) open = s.head;
  if (refs.length === 0 && open === null) return null;
  return new HeadSeries(head, s.labels, refs, mints, maxts, open, mint, maxt, head.tombstones.get(s.ref));
}

export class HeadQuerier implements Querier {
  constructor(
    private readonly head: Head,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  select(sortSeries: boolean, _hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
    const refs = this.head.selectRefs(matchers);
    const ss: MemSeries[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.head.getByRef(refs[i]!);
      if (s) ss.push(s);
    }
    // Same order as block queriers (UTF-8 bytes), so MergeQuerier can merge head and blocks.
    if (sortSeries) ss.sort((a, b) => compareLabelKv(a.labels.kv, b.labels.kv));
    const out: Series[] = [];
    for (const s of ss) {
      const v = seriesView(this.head, s, this.mint, this.maxt);
      if (v) out.push(v);
    }
    return new ArraySeriesSet(out);
  }

  labelValues(name: string, ...matchers: Matcher[]): string[] {
    if (matchers.length === 0) return this.head.postings.values(name).sort(compareUtf8);
    const set = new Set<string>();
    const refs = this.head.selectRefs(matchers);
    for (let i = 0; i < refs.length; i++) {
      const v = this.head.getByRef(refs[i]!)?.labels.get(name);
      if (v) set.add(v);
    }
    return [...set].sort(compareUtf8);
  }

  labelNames(...matchers: Matcher[]): string[] {
    if (matchers.length === 0) return this.head.postings.names().sort(compareUtf8);
    const set = new Set<string>();
    const refs = this.head.selectRefs(matchers);
    for (let i = 0; i < refs.length; i++) {
      const kv = this.head.getByRef(refs[i]!)?.labels.kv;
      if (kv) for (let j = 0; j < kv.length; j += 2) set.add(kv[j]!);
    }
    return [...set].sort(compareUtf8);
  }

  close(): void {}
}
