import { Labels, type Matcher } from '../model/index.js';
import { ArraySampleIterator, ArraySeriesSet } from './arrays.js';
import { errDuplicateSample, errOutOfOrderSample } from './errors.js';
import type {
  Appender,
  Querier,
  SampleIterator,
  SelectHints,
  Series,
  SeriesRef,
  SeriesSet,
  Storage,
} from './index.js';

/** One series of a MemoryStorage: samples in growable typed arrays, ordered by time. */
class MemSeries {
  ts = new Float64Array(16);
  vs = new Float64Array(16);
  n = 0;
  constructor(
    readonly ref: SeriesRef,
    readonly labels: Labels,
  ) {}
  push(t: number, v: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }
}

/**
 * A simple in-memory Storage: for PromQL test scripts, `promts test rules`, and unit tests of
 * areas that need a store but not durability. Same append rules as the head: samples must
 * arrive in time order per series; same timestamp with a different value is rejected.
 */
export class MemoryStorage implements Storage {
  private readonly byKey = new Map<string, MemSeries>();
  private readonly byRef: MemSeries[] = [];

  appender(): Appender {
    const pending: { s: MemSeries | undefined; labels: Labels; t: number; v: number }[] = [];
    let done = false;
    const use = () => {
      if (done) throw new Error('appender already committed or rolled back');
    };
    return {
      append: (ref, labels, t, v) => {
        use();
        let s = ref ? this.byRef[ref - 1] : this.byKey.get(labels.key());
        // Check against stored and pending samples of the same series.
        const last = pending.findLast((p) => (s ? p.s === s : p.labels.equals(labels)));
        const lastT = last ? last.t : s && s.n > 0 ? s.ts[s.n - 1]! : -Infinity;
        const lastV = last ? last.v : s && s.n > 0 ? s.vs[s.n - 1]! : NaN;
        if (t < lastT) throw errOutOfOrderSample();
        if (t === lastT && !Object.is(v, lastV) && !(Number.isNaN(v) && Number.isNaN(lastV))) throw errDuplicateSample();
        if (!s) s = this.getOrCreate(labels);
        pending.push({ s, labels, t, v });
        return s.ref;
      },
      commit: async () => {
        use();
        done = true;
        for (const p of pending) {
          const s = p.s!;
          if (s.n > 0 && s.ts[s.n - 1] === p.t) continue;
          s.push(p.t, p.v);
        }
      },
      rollback: async () => {
        done = true;
      },
    };
  }

  private getOrCreate(labels: Labels): MemSeries {
    const k = labels.key();
    let s = this.byKey.get(k);
    if (!s) {
      s = new MemSeries((this.byRef.length + 1) as SeriesRef, labels);
      this.byRef.push(s);
      this.byKey.set(k, s);
    }
    return s;
  }

  /** Drops every series (the `clear` command of PromQL test scripts). */
  clear(): void {
    this.byKey.clear();
    this.byRef.length = 0;
  }

  querier(mint: number, maxt: number): Querier {
    const all = this.byRef;
    const matching = (ms: Matcher[]): MemSeries[] =>
      all.filter((s) => s.n > 0 && ms.every((m) => m.matches(s.labels.get(m.name))) && hasSampleIn(s, mint, maxt));
    return {
      select(sortSeries: boolean, _hints: SelectHints | undefined, ...ms: Matcher[]): SeriesSet {
        const found = matching(ms);
        if (sortSeries) found.sort((a, b) => Labels.compare(a.labels, b.labels));
        return new ArraySeriesSet(found.map((s) => windowed(s, mint, maxt)));
      },
      labelValues(name: string, ...ms: Matcher[]): string[] {
        const set = new Set<string>();
        for (const s of matching(ms)) {
          const v = s.labels.get(name);
          if (v !== '') set.add(v);
        }
        return [...set].sort();
      },
      labelNames(...ms: Matcher[]): string[] {
        const set = new Set<string>();
        for (const s of matching(ms)) for (let i = 0; i < s.labels.length; i++) set.add(s.labels.name(i));
        return [...set].sort();
      },
      close() {},
    };
  }

  async close(): Promise<void> {}
}

function lowerBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function hasSampleIn(s: MemSeries, mint: number, maxt: number): boolean {
  const i = lowerBound(s.ts, s.n, mint);
  return i < s.n && s.ts[i]! <= maxt;
}

function windowed(s: MemSeries, mint: number, maxt: number): Series {
  const from = lowerBound(s.ts, s.n, mint);
  const to = lowerBound(s.ts, s.n, maxt + 1);
  const ts = s.ts.subarray(from, to);
  const vs = s.vs.subarray(from, to);
  return {
    labels: s.labels,
    iterator(reuse?: SampleIterator): SampleIterator {
      return reuse instanceof ArraySampleIterator ? reuse.reset(ts, vs) : new ArraySampleIterator(ts, vs);
    },
  };
}
