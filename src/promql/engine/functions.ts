// Instant-vector and scalar functions. They run over all steps at once: element-wise
// functions map each series' column; the rest work step by step on present samples.
import { AnchoredRegex, Labels, LabelsBuilder, METRIC_NAME, isValidLabelName } from '../../model/index.js';
import { QueryError } from '../errors.js';
import type { Call, Expr } from '../parser/ast.js';
import { unwrapParens } from '../parser/ast.js';
import { daysInMonth, goDate, type GoDate } from './gotime.js';
import { bucketQuantile, compareNaNFirst, type Bucket } from './quantile.js';
import { SeriesBuilder, dropMetricName, stepTime, type EvalValue, type StepSeries, type Steps } from './types.js';

export type InstantFn = (args: EvalValue[], call: Call, steps: Steps) => EvalValue;

const vec = (a: EvalValue | undefined): StepSeries[] => (a && a.kind === 'vector' ? a.series : []);
const scal = (a: EvalValue | undefined): Float64Array => (a && a.kind === 'scalar' ? a.v : new Float64Array(0));
const str = (a: EvalValue | undefined): string => (a && a.kind === 'string' ? a.s : '');

/** Applies f to every present sample; the metric name is dropped unless keepName. */
function mapSeries(series: StepSeries[], n: number, f: (v: number, step: number) => number, keepName = false): EvalValue {
  const b = new SeriesBuilder(n);
  for (const s of series) {
    const idx = b.index(keepName ? s.metric : dropMetricName(s.metric));
    for (let i = 0; i < n; i++) if (s.p[i]) b.set(idx, i, f(s.v[i]!, i));
  }
  return { kind: 'vector', series: b.result() };
}

const simple = (f: (v: number) => number): InstantFn => (args, _c, steps) => mapSeries(vec(args[0]), steps.n, f);

/** Go's math.Pow special cases differ from JS's ** for 1 and -1 bases. */
export function goPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (Number.isNaN(y) || Number.isNaN(x)) return NaN;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

function sgn(v: number): number {
  return v < 0 ? -1 : v > 0 ? 1 : v;
}

/** A date function: fields of Go's time.Unix(int64(v), 0).UTC(); no argument means vector(time()). */
function dateFn(f: (d: GoDate) => number): InstantFn {
  return (args, _c, steps) => {
    if (args.length === 0) {
      const v = new Float64Array(steps.n);
      const p = new Uint8Array(steps.n).fill(1);
      for (let i = 0; i < steps.n; i++) v[i] = f(goDate(stepTime(steps, i) / 1000));
      return { kind: 'vector', series: [{ metric: Labels.EMPTY, v, p }] };
    }
    return mapSeries(vec(args[0]), steps.n, (x) => f(goDate(x)));
  };
}

export class FunctionError extends QueryError {
  constructor(message: string) {
    super('execution', message);
  }
}

function labelReplace(args: EvalValue[], _c: Call, steps: Steps): EvalValue {
  const dst = str(args[1]);
  const repl = str(args[2]);
  const src = str(args[3]);
  const regexStr = str(args[4]);
  let re: AnchoredRegex;
  try {
    re = new AnchoredRegex(regexStr);
  } catch {
    throw new FunctionError(`invalid regular expression in label_replace(): ${regexStr}`);
  }
  if (!isValidLabelName(dst)) throw new FunctionError(`invalid destination label name in label_replace(): ${dst}`);
  const out: StepSeries[] = [];
  for (const s of vec(args[0])) {
    const groups = re.exec(s.metric.get(src));
    let metric = s.metric;
    if (groups) {
      const res = re.expand(repl, groups);
      const lb = new LabelsBuilder(s.metric).del(dst);
      if (res !== '') lb.set(dst, res);
      metric = lb.labels();
    }
    out.push({ metric, v: s.v, p: s.p });
  }
  return { kind: 'vector', series: merge(out, steps.n) };
}

function labelJoin(args: EvalValue[], _c: Call, steps: Steps): EvalValue {
  const dst = str(args[1]);
  const sep = str(args[2]);
  const srcs: string[] = [];
  for (let i = 3; i < args.length; i++) {
    const src = str(args[i]);
    if (!isValidLabelName(src)) throw new FunctionError(`invalid source label name in label_join(): ${src}`);
    srcs.push(src);
  }
  if (!isValidLabelName(dst)) throw new FunctionError(`invalid destination label name in label_join(): ${dst}`);
  const out: StepSeries[] = [];
  for (const s of vec(args[0])) {
    const val = srcs.map((l) => s.metric.get(l)).join(sep);
    out.push({ metric: s.metric.with(dst, val), v: s.v, p: s.p });
  }
  return { kind: 'vector', series: merge(out, steps.n) };
}

/** Merges series with equal labels (error if they collide at a step). */
export function merge(series: StepSeries[], n: number): StepSeries[] {
  const b = new SeriesBuilder(n);
  for (const s of series) {
    const idx = b.index(s.metric);
    for (let i = 0; i < n; i++) if (s.p[i]) b.set(idx, i, s.v[i]!);
  }
  return b.result();
}

/** Labels absent()/absent_over_time() give their result: the argument's equality matchers. */
export function labelsForAbsent(arg: Expr): Labels {
  const e = unwrapParens(arg);
  let matchers;
  if (e.kind === 'VectorSelector') matchers = e.matchers;
  else if (e.kind === 'MatrixSelector' && e.vectorSelector.kind === 'VectorSelector') matchers = e.vectorSelector.matchers;
  else return Labels.EMPTY;
  const b = new LabelsBuilder();
  const has = new Set<string>();
  const empty: string[] = [];
  for (const m of matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !has.has(m.name)) {
      b.set(m.name, m.value);
      has.add(m.name);
    } else empty.push(m.name);
  }
  b.del(...empty);
  return b.labels();
}

/** strconv.ParseFloat for `le` values: decimal, exponent, (+/-)Inf, NaN. */
function parseBound(s: string): number | undefined {
  const l = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(l)) return l.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(l)) return NaN;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s) || /^[+-]?0[xX][0-9a-fA-F]+(\.[0-9a-fA-F]*)?[pP][+-]?[0-9]+$/.test(s)) {
    const f = Number(s);
    return Number.isNaN(f) ? undefined : f;
  }
  return undefined;
}

function histogramQuantile(args: EvalValue[], _c: Call, steps: Steps): EvalValue {
  const q = scal(args[0]);
  // Group the bucket series once: by all labels except `le` (the name stays in the key).
  const groups = new Map<string, { metric: Labels; members: { s: StepSeries; le: number }[] }>();
  for (const s of vec(args[1])) {
    const le = parseBound(s.metric.get('le'));
    if (le === undefined) continue;
    const key = s.metric.without('le').key();
    let g = groups.get(key);
    if (!g) {
      g = { metric: s.metric.without(METRIC_NAME, 'le'), members: [] };
      groups.set(key, g);
    }
    g.members.push({ s, le });
  }
  const b = new SeriesBuilder(steps.n);
  for (const g of groups.values()) {
    const idx = b.index(g.metric);
    for (let i = 0; i < steps.n; i++) {
      const buckets: Bucket[] = [];
      for (const m of g.members) if (m.s.p[i]) buckets.push({ upperBound: m.le, count: m.s.v[i]! });
      if (buckets.length > 0) b.set(idx, i, bucketQuantile(q[i]!, buckets));
    }
  }
  return { kind: 'vector', series: b.result() };
}

function sortFn(desc: boolean): InstantFn {
  return (args, _c, steps) => {
    const series = [...vec(args[0])];
    // Only the instant case has an observable order; range results get sorted by labels.
    if (steps.n === 1) {
      series.sort((a, b) => {
        const x = a.v[0]!;
        const y = b.v[0]!;
        // NaN goes last either way, as in 2.42's results.
        if (Number.isNaN(x) || Number.isNaN(y)) return compareNaNFirst(y, x);
        return desc ? y - x : x - y;
      });
    }
    return { kind: 'vector', series };
  };
}

export const INSTANT_FUNCTIONS: Record<string, InstantFn> = {
  abs: simple(Math.abs), ceil: simple(Math.ceil), floor: simple(Math.floor), exp: simple(Math.exp), sqrt: simple(Math.sqrt),
  ln: simple(Math.log), log2: simple(Math.log2), log10: simple(Math.log10),
  sin: simple(Math.sin), cos: simple(Math.cos), tan: simple(Math.tan), asin: simple(Math.asin), acos: simple(Math.acos), atan: simple(Math.atan),
  sinh: simple(Math.sinh), cosh: simple(Math.cosh), tanh: simple(Math.tanh), asinh: simple(Math.asinh), acosh: simple(Math.acosh), atanh: simple(Math.atanh),
  deg: simple((v) => (v * 180) / Math.PI), rad: simple((v) => (v * Math.PI) / 180), sgn: simple(sgn),
  round: (args, _c, steps) => {
    const to = args.length >= 2 ? scal(args[1]) : null;
    return mapSeries(vec(args[0]), steps.n, (v, i) => {
      const inv = 1 / (to ? to[i]! : 1);
      return Math.floor(v * inv + 0.5) / inv;
    });
  },
  clamp: (args, _c, steps) => {
    const min = scal(args[1]);
    const max = scal(args[2]);
    const b = new SeriesBuilder(steps.n);
    for (const s of vec(args[0])) {
      const idx = b.index(dropMetricName(s.metric));
      for (let i = 0; i < steps.n; i++) {
        if (!s.p[i] || max[i]! < min[i]!) continue;
        b.set(idx, i, goMax(min[i]!, goMin(max[i]!, s.v[i]!)));
      }
    }
    return { kind: 'vector', series: b.result() };
  },
  clamp_max: (args, _c, steps) => {
    const max = scal(args[1]);
    return mapSeries(vec(args[0]), steps.n, (v, i) => goMin(max[i]!, v));
  },
  clamp_min: (args, _c, steps) => {
    const min = scal(args[1]);
    return mapSeries(vec(args[0]), steps.n, (v, i) => goMax(min[i]!, v));
  },
  // timestamp(): the evaluator passes sample timestamps (s) for a plain selector argument.
  timestamp: (args, _c, steps) => mapSeries(vec(args[0]), steps.n, (v) => v),
  vector: (args, _c, steps) => {
    const v = Float64Array.from(scal(args[0]));
    return { kind: 'vector', series: [{ metric: Labels.EMPTY, v, p: new Uint8Array(steps.n).fill(1) }] };
  },
  scalar: (args, _c, steps) => {
    const out = new Float64Array(steps.n).fill(NaN);
    const series = vec(args[0]);
    for (let i = 0; i < steps.n; i++) {
      let count = 0;
      let val = NaN;
      for (const s of series) {
        if (s.p[i]) {
          count++;
          val = s.v[i]!;
        }
      }
      if (count === 1) out[i] = val;
    }
    return { kind: 'scalar', v: out };
  },
  time: (_a, _c, steps) => {
    const v = new Float64Array(steps.n);
    for (let i = 0; i < steps.n; i++) v[i] = stepTime(steps, i) / 1000;
    return { kind: 'scalar', v };
  },
  pi: (_a, _c, steps) => ({ kind: 'scalar', v: new Float64Array(steps.n).fill(Math.PI) }),
  absent: (args, call, steps) => {
    const series = vec(args[0]);
    const v = new Float64Array(steps.n).fill(1);
    const p = new Uint8Array(steps.n).fill(1);
    for (const s of series) for (let i = 0; i < steps.n; i++) if (s.p[i]) p[i] = 0;
    const out = { metric: labelsForAbsent(call.args[0]!), v, p };
    return { kind: 'vector', series: p.includes(1) ? [out] : [] };
  },
  sort: sortFn(false),
  sort_desc: sortFn(true),
  label_replace: labelReplace,
  label_join: labelJoin,
  histogram_quantile: histogramQuantile,
  // Native-histogram functions: float samples carry no histogram, so they yield nothing.
  histogram_count: () => ({ kind: 'vector', series: [] }),
  histogram_sum: () => ({ kind: 'vector', series: [] }),
  histogram_fraction: () => ({ kind: 'vector', series: [] }),
  days_in_month: dateFn((d) => daysInMonth(d.year, d.month)),
  day_of_month: dateFn((d) => d.day),
  day_of_week: dateFn((d) => d.weekday),
  day_of_year: dateFn((d) => d.yearDay),
  hour: dateFn((d) => d.hour),
  minute: dateFn((d) => d.minute),
  month: dateFn((d) => d.month),
  year: dateFn((d) => d.year),
};

/** Go's math.Max/Min: NaN wins, and -0 < +0. */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return Math.max(a, b);
}
function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  return Math.min(a, b);
}
