// The head's series by ref. Refs are handed out in increasing order and never reused, so a
// table of fixed-size pages indexed by ref beats a Map<number, ...> (one hash probe per
// sample of every scrape was a tenth of steady-state ingest CPU). A page is dropped once all
// its series are gone, so churn does not leave a growing trail of empty slots.
import type { MemSeries } from './series.js';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

interface Page {
  readonly slots: (MemSeries | undefined)[];
  live: number;
}

export class SeriesTable {
  private pages: (Page | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  get(ref: number): MemSeries | undefined {
    const p = this.pages[ref >>> PAGE_BITS];
    return p === undefined ? undefined : p.slots[ref & PAGE_MASK];
  }

  set(ref: number, s: MemSeries): void {
    const pi = ref >>> PAGE_BITS;
    let p = this.pages[pi];
    if (p === undefined) {
      while (this.pages.length < pi) this.pages.push(undefined); // keep the page array dense (no holes)
      p = { slots: new Array<MemSeries | undefined>(PAGE_SIZE).fill(undefined), live: 0 };
      this.pages[pi] = p;
    }
    if (p.slots[ref & PAGE_MASK] === undefined) {
      p.live++;
      this.n++;
    }
    p.slots[ref & PAGE_MASK] = s;
  }

  delete(ref: number): boolean {
    const pi = ref >>> PAGE_BITS;
    const p = this.pages[pi];
    if (p === undefined || p.slots[ref & PAGE_MASK] === undefined) return false;
    p.slots[ref & PAGE_MASK] = undefined;
    this.n--;
    if (--p.live === 0) this.pages[pi] = undefined;
    return true;
  }

  /** Series in ascending ref order. */
  *values(): IterableIterator<MemSeries> {
    for (const p of this.pages) {
      if (p === undefined) continue;
      for (const s of p.slots) if (s !== undefined) yield s;
    }
  }

  /** Refs in ascending order. */
  *keys(): IterableIterator<number> {
    for (const s of this.values()) yield s.ref;
  }
}
