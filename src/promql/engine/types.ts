// Evaluation values. A range query is evaluated for all steps at once: every instant-vector
// series is a dense column over the steps (value + presence), so each series is decoded once
// and windows slide by index instead of re-running the query per step.
import { Labels } from '../../model/index.js';
import { QueryError } from '../errors.js';

/** One series of an instant-vector expression over all steps. */
export interface StepSeries {
  metric: Labels;
  v: Float64Array;
  /** 1 where the series has a sample at that step. */
  p: Uint8Array;
}

/** Raw points of one series (a range-vector value), ms timestamps. */
export interface PointSeries {
  metric: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export type EvalValue =
  | { kind: 'vector'; series: StepSeries[] }
  | { kind: 'scalar'; v: Float64Array }
  | { kind: 'string'; s: string }
  /** Only at the top of an instant query (`foo[5m]`, `foo[5m:1m]`): points of the single step. */
  | { kind: 'matrix'; series: PointSeries[] };

/** The steps an expression is evaluated at: start, start+interval, ..., end (ms). */
export interface Steps {
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  readonly n: number;
}

export function makeSteps(start: number, end: number, interval: number): Steps {
  const n = end < start ? 0 : Math.floor((end - start) / interval) + 1;
  return { start, end, interval, n };
}

export const stepTime = (s: Steps, i: number): number => s.start + i * s.interval;

/**
 * Hands out step columns (values + presence) for many series as views into shared buffers.
 * A typed array of its own per series costs an ArrayBuffer each (a malloc, and GC work to free
 * it): on selectors over 100k series that was most of the query's time. A view only costs the
 * small typed-array object. Each view is the series' own (views never overlap).
 */
export class ColumnSlab {
  private vals = new Float64Array(0);
  private pres = new Uint8Array(0);
  private used = 0;
  constructor(private readonly n: number) {}

  /** Zeroed columns of length n. */
  take(): { v: Float64Array; p: Uint8Array } {
    const n = this.n;
    if (this.used + n > this.vals.length) {
      // 64k steps' worth per slab (512 KiB of values): 181 series of a 6 h range at 60 s step.
      const size = Math.max(n, 1 << 16);
      this.vals = new Float64Array(size);
      this.pres = new Uint8Array(size);
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return { v: this.vals.subarray(at, at + n), p: this.pres.subarray(at, at + n) };
  }

  /** Returns the columns last handed out (a series without any sample), zeroed for reuse. */
  giveBack(c: { v: Float64Array; p: Uint8Array }): void {
    if (c.v.buffer !== this.vals.buffer || c.v.byteOffset !== (this.used - this.n) * 8) return;
    c.v.fill(0);
    c.p.fill(0);
    this.used -= this.n;
  }
}

/**
 * Collects output series by label set. Two inputs that end up with the same labels merge
 * into one output series; if both have a sample at the same step, that is Prometheus's
 * "vector cannot contain metrics with the same labelset" error.
 */
export class SeriesBuilder {
  readonly out: StepSeries[] = [];
  private readonly byKey = new Map<string, number>();
  constructor(private readonly n: number) {}

  index(metric: Labels): number {
    const k = metric.key();
    let i = this.byKey.get(k);
    if (i === undefined) {
      i = this.out.length;
      this.out.push({ metric, v: new Float64Array(this.n), p: new Uint8Array(this.n) });
      this.byKey.set(k, i);
    }
    return i;
  }

  set(idx: number, step: number, v: number): void {
    const s = this.out[idx]!;
    if (s.p[step]) throw errSameLabelset();
    s.p[step] = 1;
    s.v[step] = v;
  }

  /** Output series that have at least one sample. */
  result(): StepSeries[] {
    return this.out.filter((s) => s.p.includes(1));
  }
}

export const errSameLabelset = (): QueryError => new QueryError('execution', 'vector cannot contain metrics with the same labelset');

export function dropMetricName(l: Labels): Labels {
  return l.has('__name__') ? l.without('__name__') : l;
}

/** countPoints only needs exact counts above this many points. */
let limitHint = 0;
export function setCountLimitHint(n: number): void {
  limitHint = n;
}

/** Points held by a value, or a lower bound when that cannot exceed the limit hint. */
export function countPoints(v: EvalValue): number {
  switch (v.kind) {
    case 'vector': {
      if (v.series.length === 0) return 0;
      // Cheap bound first: most results are far below any limit.
      if (v.series.length * v.series[0]!.p.length <= limitHint) return v.series.length;
      let n = 0;
      for (const s of v.series) for (let i = 0; i < s.p.length; i++) n += s.p[i]!;
      return n;
    }
    case 'scalar': return v.v.length;
    case 'string': return 1;
    case 'matrix': {
      let n = 0;
      for (const s of v.series) n += s.ts.length;
      return n;
    }
  }
}
