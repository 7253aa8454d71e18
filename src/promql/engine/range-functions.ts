// Functions over range vectors (rate, *_over_time, ...). Each sees one series' window as
// index bounds [lo, hi) into its timestamp/value arrays; no per-sample objects.
import { quantile } from './quantile.js';

export interface WindowCtx {
  /** The evaluation step's timestamp (ms): enh.Ts in Prometheus. */
  stepT: number;
  /** End of the window (ms): step time with offset/@ applied. */
  rangeEnd: number;
  /** Window length (ms). */
  range: number;
  /** Scalar arguments other than the range vector, at this step, in argument order. */
  args: number[];
  /**
   * For rate and increase: resets[k] counts the counter resets (vs[m] < vs[m-1]) for m in
   * 1..k, so a window without one skips the scan. null: scan every window.
   */
  resets: Int32Array | null;
}

/** Range functions that read WindowCtx.resets. */
export const NEEDS_RESETS = new Set(['rate', 'increase']);

/** Fills resets (see WindowCtx) for the first n samples of vs. */
export function countResets(vs: Float64Array, n: number, resets: Int32Array): void {
  let r = 0;
  if (n > 0) resets[0] = 0;
  for (let k = 1; k < n; k++) {
    if (vs[k]! < vs[k - 1]!) r++;
    resets[k] = r;
  }
}

/**
 * Writes the value for step i into out[i] and returns true, or returns false for "no sample
 * at this step". Results go into the output column rather than being returned: a call that
 * V8 does not inline returns a double boxed as a heap number, one allocation per step.
 */
export type RangeFn = (ts: Float64Array, vs: Float64Array, lo: number, hi: number, c: WindowCtx, out: Float64Array, i: number) => boolean;

/** A range function whose value is a plain number of the window (never "no sample"). */
type ValueFn = (ts: Float64Array, vs: Float64Array, lo: number, hi: number, c: WindowCtx) => number;

function extrapolatedRate(isCounter: boolean, isRate: boolean): RangeFn {
  return (ts, vs, lo, hi, c, out, step) => {
    const n = hi - lo;
    if (n < 2) return false;
    const rangeStart = c.rangeEnd - c.range;
    const first = vs[lo]!;
    let result = vs[hi - 1]! - first;
    if (isCounter && (c.resets === null || c.resets[hi - 1] !== c.resets[lo])) {
      let prev = first;
      for (let i = lo + 1; i < hi; i++) {
        const cur = vs[i]!;
        if (cur < prev) result += prev;
        prev = cur;
      }
    }
    let durationToStart = (ts[lo]! - rangeStart) / 1000;
    const durationToEnd = (c.rangeEnd - ts[hi - 1]!) / 1000;
    const sampledInterval = (ts[hi - 1]! - ts[lo]!) / 1000;
    const avgBetween = sampledInterval / (n - 1);
    if (isCounter && result > 0 && first >= 0) {
      // Counters cannot go below zero: do not extrapolate past the counter's zero point.
      const durationToZero = sampledInterval * (first / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    const threshold = avgBetween * 1.1;
    let extrapolateTo = sampledInterval;
    extrapolateTo += durationToStart < threshold ? durationToStart : avgBetween / 2;
    extrapolateTo += durationToEnd < threshold ? durationToEnd : avgBetween / 2;
    let factor = extrapolateTo / sampledInterval;
    if (isRate) factor /= c.range / 1000;
    out[step] = result * factor;
    return true;
  };
}

function instantValue(isRate: boolean): RangeFn {
  return (ts, vs, lo, hi, _c, out, step) => {
    if (hi - lo < 2) return false;
    const last = vs[hi - 1]!;
    const prev = vs[hi - 2]!;
    const result = isRate && last < prev ? last : last - prev;
    const dt = ts[hi - 1]! - ts[hi - 2]!;
    if (dt === 0) return false;
    out[step] = isRate ? result / (dt / 1000) : result;
    return true;
  };
}

/** Least-squares fit of the window, x in seconds relative to interceptTime. */
export function linearRegression(ts: Float64Array, vs: Float64Array, lo: number, hi: number, interceptTime: number): [number, number] {
  const sX = new Kahan(), sY = new Kahan(), sXY = new Kahan(), sX2 = new Kahan();
  let n = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = vs[i]!;
    if (constY && i > lo && y !== initY) constY = false;
    n++;
    const x = (ts[i]! - interceptTime) / 1000;
    sX.add(x);
    sY.add(y);
    sXY.add(x * y);
    sX2.add(x * x);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  const sumX = sX.value(), sumY = sY.value(), sumXY = sXY.value(), sumX2 = sX2.value();
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

/** Kahan-Babuska compensated sum, as Prometheus's kahanSumInc, without tuple allocations. */
class Kahan {
  sum = 0;
  c = 0;
  add(inc: number): void {
    const t = this.sum + inc;
    if (Math.abs(this.sum) >= Math.abs(inc)) this.c += this.sum - t + inc;
    else this.c += inc - t + this.sum;
    this.sum = t;
  }
  value(): number {
    return this.sum + this.c;
  }
}


export class FunctionArgError extends Error {}

const holtWinters: RangeFn = (_ts, vs, lo, hi, c, out, step) => {
  const [sf, tf] = c.args as [number, number];
  if (!(sf > 0 && sf < 1)) throw new FunctionArgError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goF(sf)}`);
  if (!(tf > 0 && tf < 1)) throw new FunctionArgError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goF(tf)}`);
  const l = hi - lo;
  if (l < 2) return false;
  let s0 = 0;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * vs[lo + i]!;
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  out[step] = s1;
  return true;
};

/** Adapts a function that always has a value for a non-empty window. */
function always(f: ValueFn): RangeFn {
  return (ts, vs, lo, hi, c, out, step) => {
    out[step] = f(ts, vs, lo, hi, c);
    return true;
  };
}

function goF(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  return x.toFixed(6);
}

export const RANGE_FUNCTIONS: Record<string, RangeFn> = {
  rate: extrapolatedRate(true, true),
  increase: extrapolatedRate(true, false),
  delta: extrapolatedRate(false, false),
  irate: instantValue(true),
  idelta: instantValue(false),
  deriv: (ts, vs, lo, hi, _c, out, step) => {
    if (hi - lo < 2) return false;
    out[step] = linearRegression(ts, vs, lo, hi, ts[lo]!)[0];
    return true;
  },
  predict_linear: (ts, vs, lo, hi, c, out, step) => {
    if (hi - lo < 2) return false;
    const [slope, intercept] = linearRegression(ts, vs, lo, hi, c.stepT);
    out[step] = slope * c.args[0]! + intercept;
    return true;
  },
  holt_winters: holtWinters,
  changes: always((_ts, vs, lo, hi) => {
    let changes = 0;
    let prev = vs[lo]!;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i]!;
      if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
      prev = cur;
    }
    return changes;
  }),
  resets: always((_ts, vs, lo, hi) => {
    let resets = 0;
    let prev = vs[lo]!;
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i]!;
      if (cur < prev) resets++;
      prev = cur;
    }
    return resets;
  }),
  avg_over_time: (_ts, vs, lo, hi, _c, out, step) => {
    let mean = 0;
    let c = 0;
    let count = 0;
    for (let i = lo; i < hi; i++) {
      const v = vs[i]!;
      count++;
      if (mean === Infinity || mean === -Infinity) {
        // Inf + x - Inf would turn a correct infinite mean into NaN.
        if ((v === Infinity || v === -Infinity) && mean > 0 === v > 0) continue;
        if (Number.isFinite(v)) continue;
      }
      const inc = v / count - mean / count;
      const t = mean + inc;
      if (Math.abs(mean) >= Math.abs(inc)) c += mean - t + inc;
      else c += inc - t + mean;
      mean = t;
    }
    out[step] = mean === Infinity || mean === -Infinity ? mean : mean + c;
    return true;
  },
  count_over_time: (_ts, _vs, lo, hi, _c, out, step) => {
    out[step] = hi - lo;
    return true;
  },
  sum_over_time: (_ts, vs, lo, hi, _c, out, step) => {
    // Compensated (Kahan) summation, as 2.42 does: plain += differs in the last digits.
    const k = new Kahan();
    for (let i = lo; i < hi; i++) k.add(vs[i]!);
    out[step] = k.sum === Infinity || k.sum === -Infinity ? k.sum : k.value();
    return true;
  },
  max_over_time: (_ts, vs, lo, hi, _c, out, step) => {
    let max = vs[lo]!;
    for (let i = lo; i < hi; i++) if (vs[i]! > max || Number.isNaN(max)) max = vs[i]!;
    out[step] = max;
    return true;
  },
  min_over_time: (_ts, vs, lo, hi, _c, out, step) => {
    let min = vs[lo]!;
    for (let i = lo; i < hi; i++) if (vs[i]! < min || Number.isNaN(min)) min = vs[i]!;
    out[step] = min;
    return true;
  },
  quantile_over_time: always((_ts, vs, lo, hi, c) => quantile(c.args[0]!, Array.from(vs.subarray(lo, hi)))),
  stddev_over_time: always((_ts, vs, lo, hi) => Math.sqrt(variance(vs, lo, hi))),
  stdvar_over_time: always((_ts, vs, lo, hi) => variance(vs, lo, hi)),
  last_over_time: (_ts, vs, _lo, hi, _c, out, step) => {
    out[step] = vs[hi - 1]!;
    return true;
  },
  present_over_time: always(() => 1),
  absent_over_time: always(() => 1),
};

function variance(vs: Float64Array, lo: number, hi: number): number {
  let count = 0;
  const mean = new Kahan();
  const aux = new Kahan();
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    const delta = v - mean.value();
    mean.add(delta / count);
    aux.add(delta * (v - mean.value()));
  }
  return aux.value() / count;
}
