// Values by series ref. Refs are handed out in increasing order and never reused, so a table of
// fixed-size pages indexed by ref beats a Map<number, ...> (one hash probe per sample was a
// tenth of steady-state ingest CPU in the head). A page is dropped once all its entries are
// gone, so series churn does not leave a growing trail of empty slots.
const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

interface Page<T> {
  readonly slots: (T | undefined)[];
  live: number;
}

export class RefTable<T> {
  private pages: (Page<T> | undefined)[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  get(ref: number): T | undefined {
    const p = this.pages[ref >>> PAGE_BITS];
    return p === undefined ? undefined : p.slots[ref & PAGE_MASK];
  }

  set(ref: number, v: T): void {
    const pi = ref >>> PAGE_BITS;
    let p = this.pages[pi];
    if (p === undefined) {
      while (this.pages.length < pi) this.pages.push(undefined); // keep the page array dense (no holes)
      p = { slots: new Array<T | undefined>(PAGE_SIZE).fill(undefined), live: 0 };
      this.pages[pi] = p;
    }
    if (p.slots[ref & PAGE_MASK] === undefined) {
      p.live++;
      this.n++;
    }
    p.slots[ref & PAGE_MASK] = v;
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

  /** Calls fn for every entry in ascending ref order; fn may delete the entry it is given. */
  forEach(fn: (v: T, ref: number) => void): void {
    for (let pi = 0; pi < this.pages.length; pi++) {
      const p = this.pages[pi];
      if (p === undefined) continue;
      for (let i = 0; i < PAGE_SIZE; i++) {
        const v = p.slots[i];
        if (v !== undefined) fn(v, (pi << PAGE_BITS) | i);
      }
    }
  }

  /** Values in ascending ref order. */
  *values(): IterableIterator<T> {
    for (const p of this.pages) {
      if (p === undefined) continue;
      for (const v of p.slots) if (v !== undefined) yield v;
    }
  }
}
