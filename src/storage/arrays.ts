import type { SampleIterator, Series, SeriesSet } from './index.js';

/** A SeriesSet over an array, for storages that materialise their selection. */
export class ArraySeriesSet implements SeriesSet {
  private i = -1;
  constructor(
    private readonly series: readonly Series[],
    private readonly warns: readonly string[] = [],
  ) {}
  next(): boolean {
    return ++this.i < this.series.length;
  }
  at(): Series {
    return this.series[this.i]!;
  }
  err(): Error | null {
    return null;
  }
  warnings(): readonly string[] {
    return this.warns;
  }
}

/** A SampleIterator over parallel arrays of timestamps and values. */
export class ArraySampleIterator implements SampleIterator {
  t = 0;
  v = 0;
  private i = -1;
  constructor(
    private ts: ArrayLike<number>,
    private vs: ArrayLike<number>,
    private n: number = ts.length,
  ) {}
  reset(ts: ArrayLike<number>, vs: ArrayLike<number>, n: number = ts.length): this {
    this.ts = ts;
    this.vs = vs;
    this.n = n;
    this.i = -1;
    return this;
  }
  next(): boolean {
    if (++this.i >= this.n) {
      this.i = this.n;
      return false;
    }
    this.t = this.ts[this.i]!;
    this.v = this.vs[this.i]!;
    return true;
  }
  seek(t: number): boolean {
    if (this.i >= 0 && this.i < this.n && this.t >= t) return true;
    // Binary search from the current position: seek never moves backwards.
    let lo = Math.max(this.i, 0);
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    this.i = lo - 1;
    return this.next();
  }
  err(): Error | null {
    return null;
  }
}

