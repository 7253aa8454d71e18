// A small in-memory Appendable for scrape tests: committed samples per series, with the
// storage's out-of-order / duplicate rules so staleness and rollback are observable.
// Values live in a Float64Array: V8 quiets signalling NaNs stored into plain JS double
// arrays in optimised code, which would turn the staleness marker into an ordinary NaN.
import { Labels, isStaleNaN } from '../../src/model/index.js';
import { StorageError, type Appendable, type Appender, type SeriesRef, type Exemplar } from '../../src/storage/index.js';

export class MemSeries {
  readonly ts: number[] = [];
  private vals = new Float64Array(8);
  constructor(readonly labels: Labels) {}
  push(t: number, v: number): void {
    if (this.ts.length === this.vals.length) {
      const n = new Float64Array(this.vals.length * 2);
      n.set(this.vals);
      this.vals = n;
    }
    this.vals[this.ts.length] = v;
    this.ts.push(t);
  }
  value(i: number): number {
    return this.vals[i]!;
  }
  lastValue(): number {
    return this.vals[this.ts.length - 1]!;
  }
  isStale(i: number): boolean {
    return isStaleNaN(this.vals[i]!);
  }
}

export class MemStore implements Appendable {
  readonly series = new Map<string, MemSeries>();
  private readonly byRef: MemSeries[] = [];
  private readonly refOf = new Map<string, number>();
  commits = 0;
  rollbacks = 0;
  lookups = 0;
  readonly exemplars: { labels: Labels; exemplar: Exemplar }[] = [];

  appender(): Appender {
    const pending: [MemSeries, number, number][] = [];
    const ex: { labels: Labels; exemplar: Exemplar }[] = [];
    return {
      append: (ref, labels, t, v) => {
        let s: MemSeries | undefined = ref ? this.byRef[ref - 1] : undefined;
        if (!s) {
          this.lookups++;
          const k = labels.key();
          s = this.series.get(k);
          if (!s) {
            s = new MemSeries(labels);
            this.series.set(k, s);
            this.byRef.push(s);
            this.refOf.set(k, this.byRef.length);
          }
        }
        const last = s.ts.length ? s.ts[s.ts.length - 1]! : -Infinity;
        if (t < last) throw new StorageError('out_of_order', 'out of order sample');
        if (t === last && !(Object.is(v, s.lastValue()) || (isStaleNaN(v) && isStaleNaN(s.lastValue())))) throw new StorageError('duplicate_sample', 'duplicate sample for timestamp');
        pending.push([s, t, v]);
        return this.refOf.get(s.labels.key())! as SeriesRef;
      },
      appendExemplar: (_ref, labels, exemplar) => void ex.push({ labels, exemplar }),
      commit: async () => {
        for (const [s, t, v] of pending) {
          if (s.ts.length && s.ts[s.ts.length - 1] === t) continue;
          s.push(t, v);
        }
        this.exemplars.push(...ex);
        this.commits++;
      },
      rollback: async () => {
        pending.length = 0;
        this.rollbacks++;
      },
    };
  }

  /** Series whose labels include all of `match`. */
  find(match: Record<string, string>): MemSeries[] {
    return [...this.series.values()].filter((s) => s.ts.length > 0 && Object.entries(match).every(([k, v]) => s.labels.get(k) === v));
  }

  one(match: Record<string, string>): MemSeries {
    const f = this.find(match);
    if (f.length !== 1) throw new Error(`expected one series for ${JSON.stringify(match)}, found ${f.length}`);
    return f[0]!;
  }

  last(match: Record<string, string>): number {
    return this.one(match).lastValue();
  }

  lastIsStale(match: Record<string, string>): boolean {
    const s = this.one(match);
    return s.isStale(s.ts.length - 1);
  }

  /** Series with at least one committed sample. */
  committed(): MemSeries[] {
    return [...this.series.values()].filter((s) => s.ts.length > 0);
  }
}
