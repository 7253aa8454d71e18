// WAL series ref -> pre-encoded labels for a remote-write queue. The head hands out refs
// sequentially, so a paged array beats a Map: the lookup runs once per sample sent, and two
// array loads cost less than hashing a float key. Pages of 4096 refs are dropped when their
// last series goes, so series churn does not grow memory past the live refs' pages.
const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;

interface Page {
  /** undefined: unknown ref; null: known but dropped by write_relabel_configs. */
  readonly labels: (Buffer | null | undefined)[];
  /** WAL segment the series record was last read from; -1 for a free slot. */
  readonly segment: Int32Array;
  count: number;
}

export class SeriesTable {
  private pages: (Page | undefined)[] = [];
  private live = 0;

  get size(): number {
    return this.live;
  }

  /** Labels of ref; undefined when no series record was read for it. */
  get(ref: number): Buffer | null | undefined {
    const p = this.pages[Math.floor(ref / PAGE)];
    return p === undefined ? undefined : p.labels[ref % PAGE];
  }

  set(ref: number, labels: Buffer | null, segment: number): void {
    const pi = Math.floor(ref / PAGE);
    let p = this.pages[pi];
    if (p === undefined) {
      p = { labels: new Array<Buffer | null | undefined>(PAGE).fill(undefined), segment: new Int32Array(PAGE).fill(-1), count: 0 };
      this.pages[pi] = p;
    }
    const i = ref % PAGE;
    if (p.segment[i] === -1) {
      p.count++;
      this.live++;
    }
    p.labels[i] = labels;
    p.segment[i] = segment;
  }

  /** Forgets series last seen in a segment before `segment` (Prometheus's SeriesReset). */
  resetBefore(segment: number): void {
    for (let pi = 0; pi < this.pages.length; pi++) {
      const p = this.pages[pi];
      if (p === undefined) continue;
      for (let i = 0; i < PAGE; i++) {
        const s = p.segment[i]!;
        if (s === -1 || s >= segment) continue;
        p.segment[i] = -1;
        p.labels[i] = undefined;
        p.count--;
        this.live--;
      }
      if (p.count === 0) this.pages[pi] = undefined;
    }
  }
}
