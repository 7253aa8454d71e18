// The per-target scrape cache (Prometheus's scrapeCache): raw series bytes -> series ref and
// final labels, so a steady-state scrape neither re-parses label sets nor re-runs relabeling;
// plus the series seen in the current and previous scrape, for staleness markers, and the
// HELP/TYPE/UNIT metadata the target exposed.
import type { Labels } from '../model/index.js';
import type { Metadata, MetricType, SeriesRef } from '../storage/index.js';

export interface CacheEntry {
  /**
   * The raw series text as scraped (metric name + label block), one char per byte: a
   * one-byte string costs a header plus its bytes, a Buffer several times that.
   */
  readonly text: string;
  readonly hash: number;
  /** The storage's series ref once appended (0 before); the identity staleness tracking uses. */
  ref: SeriesRef | 0;
  /** Final labels after target labels and metric relabeling; null = dropped by relabeling. */
  readonly lset: Labels | null;
  lastIter: number;
  /** Number of the last scrape that appended this series without an explicit timestamp. */
  seen: number;
  /** Next entry with the same hash (collisions are chained, then compared byte by byte). */
  next: CacheEntry | undefined;
}

export interface MetaEntry {
  type: MetricType;
  help: string;
  unit: string;
  lastIter: number;
}

/** FNV-1a over a byte range: a number key for the cache map without building a string. */
export function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193);
  }
  // 30 bits keep the key a small integer (no heap number per lookup); collisions are chained.
  return h & 0x3fffffff;
}

/** Byte equality of a cached series text with b[start:end); a JS loop beats a native call for short texts. */
function sameBytes(a: string, b: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (a.length !== n) return false;
  for (let i = n - 1; i >= 0; i--) if (a.charCodeAt(i) !== b[start + i]) return false; // label values differ at the end
  return true;
}

/** The bytes b[start:end) as a one-byte (latin1) string. */
function byteString(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/** What staleness handling needs of a series that went away. */
export interface StaleSeries {
  readonly ref: SeriesRef | 0;
  readonly lset: Labels;
}

export class ScrapeCache {
  /** Incremented after each successful scrape; entries not seen in the last one are evicted. */
  iter = 0;
  private readonly table = new Map<number, CacheEntry>();
  private size = 0;
  /** Entries stamped with the current iter; when it equals size nothing needs evicting. */
  private seenThisIter = 0;
  private successfulCount = 0;
  /**
   * Staleness tracking without a map operation per sample: entries appended in the current
   * and the previous scrape, and their `seen` stamp. An entry of the previous scrape whose
   * stamp is not the current scrape's disappeared (unless the same label set came back
   * under other raw text, checked only when there are candidates).
   */
  private scrapeNo = 1;
  private cur: CacheEntry[] = [];
  private prev: CacheEntry[] = [];
  readonly metadata = new Map<string, MetaEntry>();

  /**
   * Entries in the order the previous scrape looked them up, and this scrape's so far.
   * Targets expose their series in the same order every time, so the entry at the same
   * position is tried first: a byte comparison, no hashing.
   */
  private prevOrder: CacheEntry[] = [];
  private curOrder: CacheEntry[] = [];
  /** Hash of the text the last lookup missed (add() takes it from here). */
  private missHash = 0;

  /** Looks up the raw series text b[start:end). */
  get(b: Uint8Array, start: number, end: number): CacheEntry | undefined {
    const k = this.curOrder.length;
    let found: CacheEntry | undefined;
    const guess = this.prevOrder[k];
    if (guess !== undefined && sameBytes(guess.text, b, start, end)) found = guess;
    else {
      const hash = hashBytes(b, start, end);
      for (let e = this.table.get(hash); e; e = e.next) {
        if (sameBytes(e.text, b, start, end)) {
          found = e;
          break;
        }
      }
      if (found === undefined) {
        this.missHash = hash;
        return undefined;
      }
    }
    if (found.lastIter !== this.iter) {
      found.lastIter = this.iter;
      this.seenThisIter++;
    }
    this.curOrder.push(found);
    return found;
  }

  /** Adds the text of the last get() miss. */
  add(b: Uint8Array, start: number, end: number, ref: SeriesRef | 0, lset: Labels | null): CacheEntry {
    const hash = this.missHash;
    const e: CacheEntry = {
      text: byteString(b, start, end),
      hash, ref, lset,
      lastIter: this.iter,
      seen: 0,
      next: this.table.get(hash),
    };
    this.table.set(hash, e);
    this.size++;
    this.seenThisIter++;
    this.curOrder.push(e);
    return e;
  }

  /** This series was appended (without an explicit timestamp) in the current scrape. */
  trackStaleness(e: CacheEntry): void {
    if (e.seen === this.scrapeNo) return;
    e.seen = this.scrapeNo;
    this.cur.push(e);
  }

  /**
   * Series present in the previous scrape but not in this one. Two raw texts can name the
   * same series (e.g. labels in another order); the storage ref tells them apart.
   */
  forEachStale(fn: (s: StaleSeries) => boolean): void {
    let present: Set<number> | undefined;
    const emitted = new Set<number>();
    for (const e of this.prev) {
      if (e.seen === this.scrapeNo || e.lset === null) continue;
      present ??= new Set(this.cur.map((c) => c.ref));
      if (present.has(e.ref) || emitted.has(e.ref)) continue;
      emitted.add(e.ref);
      if (!fn(e as StaleSeries)) break;
    }
  }

  /** Every series of the last scrape (for end-of-run staleness). */
  *lastSeries(): IterableIterator<StaleSeries> {
    const refs = new Set<number>();
    for (const e of this.prev) {
      if (e.lset === null || refs.has(e.ref)) continue;
      refs.add(e.ref);
      yield e as StaleSeries;
    }
  }

  setMetadata(name: string, f: (m: MetaEntry) => void): void {
    let m = this.metadata.get(name);
    if (!m) {
      m = { type: 'unknown', help: '', unit: '', lastIter: this.iter };
      this.metadata.set(name, m);
    }
    m.lastIter = this.iter;
    f(m);
  }

  getMetadata(name: string): Metadata | undefined {
    const m = this.metadata.get(name);
    return m && { type: m.type, help: m.help, unit: m.unit };
  }

  /**
   * Ends a scrape. `flush` (a non-empty scrape) evicts entries not seen in it. A cache that
   * doubled since the last successful scrape is flushed anyway, so failing scrapes with
   * changing labels cannot grow it without bound (as Prometheus does).
   */
  iterDone(flush: boolean): void {
    const count = this.size + this.metadata.size;
    if (flush) this.successfulCount = count;
    else if (count > this.successfulCount * 2 + 1000) flush = true;
    if (flush && this.seenThisIter < this.size) {
      // Evicted entries must not come back through a positional guess.
      this.prevOrder.length = 0;
      for (const [h, head] of this.table) {
        let first: CacheEntry | undefined;
        let last: CacheEntry | undefined;
        for (let e: CacheEntry | undefined = head; e; e = e.next) {
          if (e.lastIter !== this.iter) {
            this.size--;
            continue;
          }
          if (last) last.next = e;
          else first = e;
          last = e;
        }
        if (last) last.next = undefined;
        if (first) this.table.set(h, first);
        else this.table.delete(h);
      }
    }
    if (flush) {
      // Metadata outlives its series by 10 scrapes.
      for (const [k, m] of this.metadata) if (this.iter - m.lastIter > 10) this.metadata.delete(k);
      this.iter++;
      this.seenThisIter = 0;
    }
    const t = this.prev;
    this.prev = this.cur;
    this.cur = t;
    this.cur.length = 0;
    // An empty (failed) scrape keeps the order of the last one that had series.
    if (this.curOrder.length > 0) {
      const o = this.prevOrder;
      this.prevOrder = this.curOrder;
      this.curOrder = o;
    }
    this.curOrder.length = 0;
    this.scrapeNo++;
  }
}
