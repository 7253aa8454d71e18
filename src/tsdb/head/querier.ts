// Reads the head over [mint, maxt]: postings pick the series, each series iterates its
// completed chunks (read from chunks_head/) and then its open chunk, clipped to the range.
import type { Labels, Matcher } from '../../model/index.js';
import { compareUtf8 } from '../index/index.js';
import type { Querier, SampleIterator, SelectHints, Series, SeriesSet } from '../../storage/index.js';
import { XORIterator } from '../chunkenc/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './series.js';

const NO_BYTES = new Uint8Array(0);
const NO_LABELS: readonly string[] = [];

type Deleted = readonly (readonly [number, number])[];

/**
 * Iterates one series' chunks in order, reading the series' chunk list as it goes (no copy
 * of it per query). Completed chunks are fetched only when reached, so a seek past them never
 * reads them from disk. Chunk i < mmCount() is completed chunk i, chunk mmCount() the open one.
 *
 * Samples come out strictly increasing even if the head cuts or truncates chunks between two
 * calls: `floor` is the smallest timestamp still wanted, and chunks ending below it are
 * skipped without being read.
 */
export class HeadSeriesIterator implements SampleIterator {
  t = 0;
  v = 0;
  private s: MemSeries | null = null;
  private ci = -1;
  private inChunk = false;
  private floor = 0;
  private readonly it = new XORIterator(NO_BYTES);
  private error: Error | null = null;

  constructor(
    private readonly head: Head,
    private mint = 0,
    private maxt = 0,
    private deleted: Deleted | undefined = undefined,
  ) {}

  reset(s: MemSeries, mint: number, maxt: number, deleted?: Deleted): this {
    this.s = s;
    this.deleted = deleted;
    this.mint = mint;
    this.maxt = maxt;
    this.floor = mint;
    this.ci = -1;
    this.inChunk = false;
    this.error = null;
    return this;
  }

  /** Opens the first chunk at index >= i that overlaps [floor, maxt]; false when none is left. */
  private openChunk(i: number): boolean {
    const s = this.s!;
    const n = s.mmCount();
    const floor = this.floor;
    while (i < n && s.mmMaxt(i) < floor) i++;
    this.ci = i;
    this.inChunk = false;
    let bytes: Uint8Array;
    if (i < n) {
      if (s.mmMint(i) > this.maxt) return false;
      try {
        bytes = this.head.chunkBytes(s.mmRef(i));
      } catch (e) {
        this.error = e instanceof Error ? e : new Error(String(e));
        return false;
      }
    } else {
      const c = s.head;
      if (i > n || c === null || c.numSamples() === 0 || s.maxt < floor || s.headMint > this.maxt) return false;
      bytes = c.bytes();
    }
    this.it.reset(bytes);
    this.inChunk = true;
    return true;
  }

  next(): boolean {
    if (this.error || this.s === null) return false;
    if (this.ci === -1 && !this.openChunk(0)) return false;
    const it = this.it;
    for (;;) {
      if (!this.inChunk) return false;
      while (it.next()) {
        const t = it.t;
        if (t < this.floor) continue;
        if (t > this.maxt) {
          this.inChunk = false;
          return false;
        }
        if (this.deleted !== undefined && isDeleted(this.deleted, t)) continue;
        this.t = t;
        this.v = it.v;
        this.floor = t + 1;
        return true;
      }
      const e = it.err();
      if (e) {
        this.error = e;
        return false;
      }
      if (!this.openChunk(this.ci + 1)) return false;
    }
  }

  seek(t: number): boolean {
    if (this.error || this.s === null) return false;
    if (this.inChunk && this.it.numRead > 0 && this.t >= t) return true;
    if (t > this.floor) {
      // Nothing before t is wanted any more: whole chunks that end before it are skipped
      // without being read.
      this.floor = t;
      const s = this.s;
      if (this.ci === -1 || !this.inChunk || (this.ci < s.mmCount() && s.mmMaxt(this.ci) < t)) {
        if (!this.openChunk(Math.max(this.ci, 0))) return false;
      }
    } else if (this.ci === -1 && !this.openChunk(0)) {
      return false;
    }
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  err(): Error | null {
    return this.error;
  }
}

/** True when t lies in one of the deleted [mint, maxt] intervals (tombstones). */
function isDeleted(iv: Deleted, t: number): boolean {
  for (let i = 0; i < iv.length; i++) if (t >= iv[i]![0] && t <= iv[i]![1]) return true;
  return false;
}

/** A view of one head series over [mint, maxt]: the series itself, nothing copied. */
class HeadSeries implements Series {
  constructor(
    private readonly head: Head,
    private readonly s: MemSeries,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  get labels(): Labels {
    return this.s.labels;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    const ts = this.head.tombstones;
    const deleted = ts.size === 0 ? undefined : ts.get(this.s.ref);
    const it = reuse instanceof HeadSeriesIterator ? reuse : new HeadSeriesIterator(this.head);
    return it.reset(this.s, this.mint, this.maxt, deleted);
  }
}

/** True when one of the series' chunks overlaps [mint, maxt]. */
function overlaps(s: MemSeries, mint: number, maxt: number): boolean {
  const c = s.head;
  // Times first: they live on the series; numSamples() reads the chunk's buffer.
  if (c !== null && s.maxt >= mint && s.headMint <= maxt && c.numSamples() > 0) return true;
  for (let i = 0, n = s.mmCount(); i < n; i++) {
    if (s.mmMint(i) > maxt) return false;
    if (s.mmMaxt(i) >= mint) return true;
  }
  return false;
}

/**
 * Series of the head matching a selection, materialised one at a time as the caller walks
 * the set: select() itself only resolves postings (and their label order), so a selector
 * matching 100k series no longer builds 100k views before the engine sees the first one.
 */
class HeadSeriesSet implements SeriesSet {
  private i = 0;
  private cur: HeadSeries | undefined;

  constructor(
    private readonly head: Head,
    private readonly refs: Uint32Array,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  next(): boolean {
    const refs = this.refs;
    while (this.i < refs.length) {
      const s = this.head.getByRef(refs[this.i++]!);
      if (s === undefined || !overlaps(s, this.mint, this.maxt)) continue;
      this.cur = new HeadSeries(this.head, s, this.mint, this.maxt);
      return true;
    }
    this.cur = undefined;
    return false;
  }

  at(): Series {
    return this.cur!;
  }

  err(): Error | null {
    return null;
  }

  warnings(): readonly string[] {
    return [];
  }
}

export class HeadQuerier implements Querier {
  /** Label sets by series ref, for ordering postings (see MemPostings.sortByLabels). */
  private readonly kvOf = (id: number): readonly string[] => this.head.getByRef(id)?.labels.kv ?? NO_LABELS;

  constructor(
    private readonly head: Head,
    readonly mint: number,
    readonly maxt: number,
  ) {
    head.readers.add(this);
  }

  select(sortSeries: boolean, _hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
    const refs = this.head.selectRefs(matchers);
    // Same order as block queriers (UTF-8 bytes), so MergeQuerier can merge head and blocks.
    const ordered = sortSeries ? this.head.postings.sortByLabels(refs, this.kvOf) : refs;
    return new HeadSeriesSet(this.head, ordered, this.mint, this.maxt);
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

  close(): void {
    this.head.readers.delete(this);
  }
}
