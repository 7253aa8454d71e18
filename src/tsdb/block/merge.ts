// Merging the series of several sorted sources (blocks, and later the head): series with
// equal labels become one, whose samples are merged by timestamp (first source wins a tie).
import type { Labels, Matcher } from '../../model/index.js';
import type { Querier, SampleIterator, SelectHints, Series, SeriesSet } from '../../storage/index.js';
import { compareLabelKv, compareUtf8 } from '../index/index.js';

export class MergeQuerier implements Querier {
  constructor(private readonly queriers: readonly Querier[]) {}

  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
    if (this.queriers.length === 1) return this.queriers[0]!.select(sortSeries, hints, ...matchers);
    // Merging needs every source sorted, whatever the caller asked for.
    return new MergeSeriesSet(this.queriers.map((q) => q.select(true, hints, ...matchers)));
  }

  labelValues(name: string, ...matchers: Matcher[]): string[] {
    const s = new Set<string>();
    for (const q of this.queriers) for (const v of q.labelValues(name, ...matchers)) s.add(v);
    return [...s].sort(compareUtf8);
  }

  labelNames(...matchers: Matcher[]): string[] {
    const s = new Set<string>();
    for (const q of this.queriers) for (const v of q.labelNames(...matchers)) s.add(v);
    return [...s].sort(compareUtf8);
  }

  close(): void {
    for (const q of this.queriers) q.close();
  }
}

export class MergeSeriesSet implements SeriesSet {
  private readonly heads: (Series | undefined)[];
  private cur: Series | undefined;
  private error: Error | null = null;

  constructor(private readonly sets: readonly SeriesSet[]) {
    this.heads = sets.map((s) => (s.next() ? s.at() : undefined));
    this.checkErrors();
  }

  private checkErrors(): void {
    for (const s of this.sets) if (!this.error && s.err()) this.error = s.err();
  }

  next(): boolean {
    if (this.error) return false;
    let min: Series | undefined;
    for (const h of this.heads) if (h && (!min || compareLabelKv(h.labels.kv, min.labels.kv) < 0)) min = h;
    if (!min) return false;
    const same: Series[] = [];
    for (let i = 0; i < this.heads.length; i++) {
      const h = this.heads[i];
      if (h && (h === min || compareLabelKv(h.labels.kv, min.labels.kv) === 0)) {
        same.push(h);
        this.heads[i] = this.sets[i]!.next() ? this.sets[i]!.at() : undefined;
      }
    }
    this.checkErrors();
    if (this.error) return false;
    this.cur = same.length === 1 ? same[0]! : new ChainSeries(min.labels, same);
    return true;
  }

  at(): Series {
    return this.cur!;
  }

  err(): Error | null {
    return this.error;
  }

  warnings(): readonly string[] {
    const w: string[] = [];
    for (const s of this.sets) w.push(...s.warnings());
    return w;
  }
}

class ChainSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: readonly Series[],
  ) {}

  iterator(): SampleIterator {
    return new ChainIterator(this.parts.map((p) => p.iterator()));
  }
}

/** k-way merge of sample iterators by timestamp; k is the number of blocks, so a scan is fine. */
class ChainIterator implements SampleIterator {
  t = 0;
  v = 0;
  private readonly has: boolean[];
  private started = false;
  private error: Error | null = null;

  constructor(private readonly its: readonly SampleIterator[]) {
    this.has = its.map(() => false);
  }

  private pick(): boolean {
    let best = -1;
    for (let i = 0; i < this.its.length; i++) if (this.has[i] && (best < 0 || this.its[i]!.t < this.its[best]!.t)) best = i;
    if (best < 0) {
      for (const it of this.its) if (!this.error && it.err()) this.error = it.err();
      return false;
    }
    const t = this.its[best]!.t;
    this.t = t;
    this.v = this.its[best]!.v;
    // Drop duplicates of this timestamp from the other sources.
    for (let i = 0; i < this.its.length; i++) {
      if (i !== best && this.has[i] && this.its[i]!.t === t) this.has[i] = this.its[i]!.next();
    }
    this.has[best] = this.its[best]!.next();
    return true;
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) this.has[i] = this.its[i]!.next();
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.started && this.t >= t) return true;
    this.started = true;
    for (let i = 0; i < this.its.length; i++) this.has[i] = this.its[i]!.seek(t);
    return this.pick();
  }

  err(): Error | null {
    return this.error;
  }
}
