// The evaluator: walks the AST once per query, evaluating every node for all steps at once.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Labels } from '../../model/index.js';
import { isStaleNaN } from '../../model/index.js';
import type { Queryable, SampleIterator } from '../../storage/index.js';
import { QueryError, errCanceled, errTimeout, errTooManySamples } from '../errors.js';
import type { AggregateExpr, BinaryExpr, Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from '../parser/ast.js';
import { typeOf, unwrapParens } from '../parser/ast.js';
import { aggregate } from './aggregations.js';
import { scalarScalar, vectorScalar, vectorVector } from './binary.js';
import { FunctionError, INSTANT_FUNCTIONS, labelsForAbsent, merge } from './functions.js';
import { FunctionArgError, NEEDS_RESETS, RANGE_FUNCTIONS, countResets, type RangeFn, type WindowCtx } from './range-functions.js';
import { ColumnSlab, SeriesBuilder, countPoints, setCountLimitHint, dropMetricName, errSameLabelset, makeSteps, stepTime, type EvalValue, type PointSeries, type StepSeries, type Steps } from './types.js';

export interface EvaluatorOptions {
  queryable: Queryable;
  lookbackDelta: number;
  maxSamples: number;
  /** Absolute deadline (performance.now() ms). */
  deadline: number;
  signal?: AbortSignal;
  /** Resolution of subqueries without a step (`[5m:]`). */
  defaultSubqueryStep: number;
  /** The query's own start and end, for `@ start()` / `@ end()`. */
  queryStart: number;
  queryEnd: number;
}

/** Matrix data for a range-vector argument: points per series plus the window geometry. */
interface MatrixArg {
  series: PointSeries[];
  range: number;
  /** Window end per step (ms). */
  ends: Float64Array;
}

export class Evaluator {
  private lastYield = performance.now();
  /** Sample buffers of load(), shared by all selectors of the query (sized for a 2 h chunk range at 15 s). */
  private scratchT = new Float64Array(512);
  private scratchV = new Float64Array(512);
  private scratchResets = new Int32Array(512);
  warnings: string[] = [];

  constructor(private readonly o: EvaluatorOptions) {}

  /** Checks timeout and cancellation, and lets the event loop breathe now and then. */
  async tick(): Promise<void> {
    const now = performance.now();
    if (this.o.signal?.aborted) throw errCanceled('expression evaluation');
    if (now > this.o.deadline) throw errTimeout('expression evaluation');
    if (now - this.lastYield > 20) {
      // Twice: an immediate queued from the timers or poll phase runs in this loop turn's
      // check phase, before any timer; the second is queued from the check phase, so the
      // loop passes through timers (scrapes, timeouts) and I/O before we continue.
      await yieldToLoop();
      await yieldToLoop();
      this.lastYield = performance.now();
      if (this.o.signal?.aborted) throw errCanceled('expression evaluation');
    }
  }

  /**
   * tick() without a promise when there is nothing to wait for: true when the caller should
   * `await this.tick()` (time to yield). Per-series loops over 100k series use this, so they
   * do not create a promise and a microtask per series.
   */
  private dueForTick(): boolean {
    const now = performance.now();
    if (this.o.signal?.aborted) throw errCanceled('expression evaluation');
    if (now > this.o.deadline) throw errTimeout('expression evaluation');
    return now - this.lastYield > 20;
  }

  /** The synchronous part of tick(): long loops inside one node call this between steps. */
  readonly checkSync = (): void => {
    if (this.o.signal?.aborted) throw errCanceled('expression evaluation');
    if (performance.now() > this.o.deadline) throw errTimeout('expression evaluation');
  };

  private checkSamples(v: EvalValue): EvalValue {
    setCountLimitHint(this.o.maxSamples);
    if (countPoints(v) > this.o.maxSamples) throw errTooManySamples('query execution');
    return v;
  }

  async eval(e: Expr, steps: Steps): Promise<EvalValue> {
    await this.tick();
    switch (e.kind) {
      case 'NumberLiteral':
        return { kind: 'scalar', v: new Float64Array(steps.n).fill(e.val) };
      case 'StringLiteral':
        return { kind: 'string', s: e.val };
      case 'ParenExpr':
        return this.eval(e.expr, steps);
      case 'UnaryExpr': {
        const v = await this.eval(e.expr, steps);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', v: v.v.map((x) => -x) };
        if (v.kind !== 'vector') return v;
        const out = v.series.map((s) => ({ metric: dropMetricName(s.metric), v: s.v.map((x) => -x), p: s.p }));
        return { kind: 'vector', series: mergeStrict(out, steps.n) };
      }
      case 'VectorSelector':
        return this.checkSamples({ kind: 'vector', series: await this.selectVector(e, steps, false) });
      case 'MatrixSelector':
      case 'SubqueryExpr': {
        // A bare range vector only occurs at the top of an instant query.
        const m = await this.matrixArg(e, steps);
        return this.checkSamples({ kind: 'matrix', series: windowAt(m, 0) });
      }
      case 'BinaryExpr':
        return this.checkSamples(await this.evalBinary(e, steps));
      case 'AggregateExpr':
        return this.checkSamples(await this.evalAggregate(e, steps));
      case 'Call':
        return this.checkSamples(await this.evalCall(e, steps));
    }
  }

  // ---- selectors ----------------------------------------------------------------------------

  /** The time each step reads at: `@` pins it, offset shifts it. */
  private refTimes(ts: number | null, se: 'start' | 'end' | null, offset: number, steps: Steps): Float64Array {
    const out = new Float64Array(steps.n);
    const pinned = ts !== null ? ts : se === 'start' ? this.o.queryStart : se === 'end' ? this.o.queryEnd : null;
    for (let i = 0; i < steps.n; i++) out[i] = (pinned ?? stepTime(steps, i)) - offset;
    return out;
  }

  /**
   * Calls each(metric, ts, vs, n) for every series matching vs, with its samples in
   * [mint, maxt] in ts[0..n) / vs[0..n). The arrays are scratch buffers reused for the next
   * series: each must not keep them (copy with slice). Streaming keeps a query over thousands
   * of series from holding all their raw samples at once.
   */
  private async load(vs: VectorSelector, mint: number, maxt: number, dropStale: boolean, each: (metric: Labels, ts: Float64Array, vs: Float64Array, n: number) => void): Promise<void> {
    const q = this.o.queryable.querier(mint, maxt);
    try {
      const set = q.select(true, { start: mint, end: maxt }, ...vs.matchers);
      let it: SampleIterator | undefined;
      let ts = this.scratchT;
      let vals = this.scratchV;
      while (set.next()) {
        const s = set.at();
        it = s.iterator(it);
        let n = 0;
        if (it.seek(mint)) {
          do {
            const t = it.t;
            if (t > maxt) break;
            const v = it.v;
            if (dropStale && isStaleNaN(v)) continue;
            if (n === ts.length) {
              // Grown in steps of two and kept for the next series and the next selector.
              const nt = new Float64Array(n * 2);
              nt.set(ts);
              ts = this.scratchT = nt;
              const nv = new Float64Array(n * 2);
              nv.set(vals);
              vals = this.scratchV = nv;
            }
            ts[n] = t;
            vals[n] = v;
            n++;
          } while (it.next());
        }
        const err = it.err();
        if (err) throw new QueryError('execution', err.message);
        each(s.labels, ts, vals, n);
        if (this.dueForTick()) await this.tick();
      }
      const err = set.err();
      if (err) throw new QueryError('execution', err.message);
      this.warnings.push(...set.warnings());
    } finally {
      q.close();
    }
  }

  /** load(), keeping a copy of every series' samples. */
  private async loadAll(vs: VectorSelector, mint: number, maxt: number, dropStale: boolean): Promise<PointSeries[]> {
    const out: PointSeries[] = [];
    await this.load(vs, mint, maxt, dropStale, (metric, ts, vals, n) => out.push({ metric, ts: ts.slice(0, n), vs: vals.slice(0, n) }));
    return out;
  }

  /**
   * An instant-vector selector: at each step the newest sample within the lookback window,
   * unless that sample is a staleness marker. withTimestamps returns sample times (s) as
   * values, for timestamp().
   */
  async selectVector(vs: VectorSelector, steps: Steps, withTimestamps: boolean): Promise<StepSeries[]> {
    const refs = this.refTimes(vs.timestamp, vs.startOrEnd, vs.originalOffset, steps);
    if (steps.n === 0) return [];
    const minRef = Math.min(refs[0]!, refs[steps.n - 1]!);
    const maxRef = Math.max(refs[0]!, refs[steps.n - 1]!);
    const lookback = this.o.lookbackDelta;
    const out: StepSeries[] = [];
    const slab = new ColumnSlab(steps.n);
    await this.load(vs, minRef - lookback, maxRef, false, (metric, ts, vals, n) => {
      const cols = slab.take();
      const { v, p } = cols;
      let j = -1; // index of the newest sample <= ref
      let any = false;
      for (let i = 0; i < steps.n; i++) {
        const ref = refs[i]!;
        if (j >= 0 && ts[j]! > ref) j = -1; // refs only decrease with @ pinning (constant), never in practice
        while (j + 1 < n && ts[j + 1]! <= ref) j++;
        if (j < 0) continue;
        const t = ts[j]!;
        if (t < ref - lookback) continue;
        const x = vals[j]!;
        if (isStaleNaN(x)) continue;
        v[i] = withTimestamps ? t / 1000 : x;
        p[i] = 1;
        any = true;
      }
      if (any) out.push({ metric, v, p });
      else slab.giveBack(cols);
    });
    return out;
  }

  /** Evaluates a range-vector expression (matrix selector or subquery) for all steps. */
  private async matrixArg(e: MatrixSelector | SubqueryExpr, steps: Steps): Promise<MatrixArg> {
    if (e.kind === 'MatrixSelector') {
      const vs = e.vectorSelector as VectorSelector;
      const ends = this.refTimes(vs.timestamp, vs.startOrEnd, vs.originalOffset, steps);
      if (steps.n === 0) return { series: [], range: e.range, ends };
      const minEnd = Math.min(ends[0]!, ends[steps.n - 1]!);
      const maxEnd = Math.max(ends[0]!, ends[steps.n - 1]!);
      const series = await this.loadAll(vs, minEnd - e.range, maxEnd, true);
      return { series, range: e.range, ends };
    }
    const ends = this.refTimes(e.timestamp, e.startOrEnd, e.originalOffset, steps);
    if (steps.n === 0) return { series: [], range: e.range, ends };
    const minEnd = Math.min(ends[0]!, ends[steps.n - 1]!);
    const maxEnd = Math.max(ends[0]!, ends[steps.n - 1]!);
    const interval = e.step || this.o.defaultSubqueryStep;
    // The first step-aligned time at or after the earliest window start (Go's truncating division).
    const from = minEnd - e.range;
    let start = Math.trunc(from / interval) * interval;
    if (start < from) start += interval;
    const inner = makeSteps(start, maxEnd, interval);
    const v = await this.eval(e.expr, inner);
    const series: PointSeries[] = [];
    if (v.kind === 'vector') {
      for (const s of v.series) {
        let n = 0;
        for (let i = 0; i < inner.n; i++) n += s.p[i]!;
        const ts = new Float64Array(n);
        const vals = new Float64Array(n);
        let k = 0;
        for (let i = 0; i < inner.n; i++) {
          if (!s.p[i]) continue;
          ts[k] = stepTime(inner, i);
          vals[k++] = s.v[i]!;
        }
        series.push({ metric: s.metric, ts, vs: vals });
      }
    }
    return { series, range: e.range, ends };
  }

  // ---- calls ----------------------------------------------------------------------------------

  private async evalCall(e: Call, steps: Steps): Promise<EvalValue> {
    const name = e.func.name;
    if (name === 'timestamp') {
      const a = unwrapParens(e.args[0]!);
      if (a.kind === 'VectorSelector') {
        const series = await this.selectVector(a, steps, true);
        return INSTANT_FUNCTIONS.timestamp!([{ kind: 'vector', series }], e, steps);
      }
      // Any other argument: its samples carry the evaluation time.
      const v = await this.eval(e.args[0]!, steps);
      const series = v.kind === 'vector' ? v.series.map((s) => ({ metric: s.metric, v: stepTimesSeconds(steps), p: s.p })) : [];
      return INSTANT_FUNCTIONS.timestamp!([{ kind: 'vector', series }], e, steps);
    }
    const matrixIdx = e.args.findIndex((a) => typeOf(a) === 'matrix');
    if (matrixIdx < 0) {
      const args: EvalValue[] = [];
      for (const a of e.args) args.push(await this.eval(a, steps));
      const fn = INSTANT_FUNCTIONS[name];
      if (!fn) throw new QueryError('execution', `function "${name}" is not supported`);
      try {
        return fn(args, e, steps);
      } catch (err) {
        if (err instanceof FunctionArgError) throw new FunctionError(err.message);
        throw err;
      }
    }
    const fn = RANGE_FUNCTIONS[name];
    if (!fn) throw new QueryError('execution', `function "${name}" is not supported`);
    const scalars: Float64Array[] = [];
    for (let i = 0; i < e.args.length; i++) {
      if (i === matrixIdx) continue;
      const v = await this.eval(e.args[i]!, steps);
      scalars.push(v.kind === 'scalar' ? v.v : new Float64Array(steps.n));
    }
    const arg = unwrapParens(e.args[matrixIdx]!) as MatrixSelector | SubqueryExpr;
    const keepName = name === 'last_over_time';
    const ctx: WindowCtx = { stepT: 0, rangeEnd: 0, range: arg.range, args: new Array<number>(scalars.length).fill(0), resets: null };
    const out: StepSeries[] = [];
    // Like Prometheus: samples held = output points so far + the current window.
    const held = { n: 0 };
    const slab = new ColumnSlab(steps.n);
    // Input series are distinct; dropping __name__ can only make two of them equal when they
    // had different names, so the duplicate check below runs only then.
    let firstName: string | undefined | null = null;
    let oneName = true;
    const one = (metric: Labels, ts: Float64Array, vs: Float64Array, n: number, ends: Float64Array) => {
      if (!keepName && oneName) {
        const nm = metric.get('__name__');
        if (firstName === null) firstName = nm;
        else if (nm !== firstName) oneName = false;
      }
      if (NEEDS_RESETS.has(name)) {
        if (this.scratchResets.length < n) this.scratchResets = new Int32Array(Math.max(n, this.scratchT.length));
        countResets(vs, n, this.scratchResets);
        ctx.resets = this.scratchResets;
      }
      const cols = slab.take();
      if (this.windows(fn, ts, vs, n, ends, arg.range, scalars, ctx, steps, held, cols.v, cols.p)) out.push({ metric: keepName ? metric : dropMetricName(metric), v: cols.v, p: cols.p });
      else slab.giveBack(cols);
    };
    if (arg.kind === 'MatrixSelector') {
      // Streamed: each series' samples are turned into output columns and dropped.
      const vs = arg.vectorSelector as VectorSelector;
      const ends = this.refTimes(vs.timestamp, vs.startOrEnd, vs.originalOffset, steps);
      if (steps.n > 0) {
        const minEnd = Math.min(ends[0]!, ends[steps.n - 1]!);
        const maxEnd = Math.max(ends[0]!, ends[steps.n - 1]!);
        await this.load(vs, minEnd - arg.range, maxEnd, true, (metric, ts, vals, n) => one(metric, ts, vals, n, ends));
      }
    } else {
      const m = await this.matrixArg(arg, steps);
      for (const s of m.series) {
        await this.tick();
        one(s.metric, s.ts, s.vs, s.ts.length, m.ends);
      }
    }
    if (name === 'absent_over_time') {
      const v = new Float64Array(steps.n).fill(1);
      const p = new Uint8Array(steps.n).fill(1);
      for (const s of out) for (let i = 0; i < steps.n; i++) if (s.p[i]) p[i] = 0;
      return { kind: 'vector', series: p.includes(1) ? [{ metric: labelsForAbsent(e.args[matrixIdx]!), v, p }] : [] };
    }
    // Output series of a range function must have distinct label sets (over the whole range).
    if (!keepName && !oneName) {
      const seen = new Set<string>();
      for (const s of out) {
        const k = s.metric.key();
        if (seen.has(k)) throw errSameLabelset();
        seen.add(k);
      }
    }
    return { kind: 'vector', series: out };
  }

  /**
   * One series' output column of a range function: the window [end - range, end] (closed on
   * both sides in 2.42) slides over ts[0..n) by index, into the zeroed columns v and p.
   * False when no step has a value.
   */
  private windows(fn: RangeFn, ts: Float64Array, vs: Float64Array, n: number, ends: Float64Array, range: number, scalars: Float64Array[], ctx: WindowCtx, steps: Steps, held: { n: number }, v: Float64Array, p: Uint8Array): boolean {
    let lo = 0;
    let hi = 0;
    let any = false;
    const maxSamples = this.o.maxSamples;
    for (let i = 0; i < steps.n; i++) {
      const end = ends[i]!;
      const start = end - range;
      if (i > 0 && end < ends[i - 1]!) {
        lo = 0;
        hi = 0;
      }
      while (lo < n && ts[lo]! < start) lo++;
      if (hi < lo) hi = lo;
      while (hi < n && ts[hi]! <= end) hi++;
      if (hi <= lo) continue;
      if (held.n + hi - lo > maxSamples) throw errTooManySamples('query execution');
      ctx.stepT = stepTime(steps, i);
      ctx.rangeEnd = end;
      for (let k = 0; k < scalars.length; k++) ctx.args[k] = scalars[k]![i]!;
      let ok: boolean;
      try {
        ok = fn(ts, vs, lo, hi, ctx, v, i);
      } catch (err) {
        if (err instanceof FunctionArgError) throw new FunctionError(err.message);
        throw err;
      }
      if (!ok) continue;
      p[i] = 1;
      held.n++;
      any = true;
    }
    return any;
  }

  // ---- operators --------------------------------------------------------------------------------

  private async evalBinary(e: BinaryExpr, steps: Steps): Promise<EvalValue> {
    const l = await this.eval(e.lhs, steps);
    const r = await this.eval(e.rhs, steps);
    if (l.kind === 'scalar' && r.kind === 'scalar') return { kind: 'scalar', v: scalarScalar(e.op, l.v, r.v, steps.n) };
    if (l.kind === 'vector' && r.kind === 'scalar') return { kind: 'vector', series: vectorScalar(e, l.series, r.v, false, steps) };
    if (l.kind === 'scalar' && r.kind === 'vector') return { kind: 'vector', series: vectorScalar(e, r.series, l.v, true, steps) };
    if (l.kind === 'vector' && r.kind === 'vector') return { kind: 'vector', series: vectorVector(e, l.series, r.series, steps, this.checkSync) };
    throw new QueryError('execution', 'binary expression must contain only scalar and instant vector types');
  }

  private async evalAggregate(e: AggregateExpr, steps: Steps): Promise<EvalValue> {
    const param = e.param ? await this.eval(e.param, steps) : null;
    const v = await this.eval(e.expr, steps);
    const series = v.kind === 'vector' ? v.series : [];
    return { kind: 'vector', series: aggregate(e, series, param, steps, this.checkSync) };
  }
}

/** Points of each series inside the window of step i (for a bare range vector). */
function windowAt(m: MatrixArg, i: number): PointSeries[] {
  const end = m.ends[i]!;
  const start = end - m.range;
  const out: PointSeries[] = [];
  for (const s of m.series) {
    let lo = 0;
    while (lo < s.ts.length && s.ts[lo]! < start) lo++;
    let hi = lo;
    while (hi < s.ts.length && s.ts[hi]! <= end) hi++;
    if (hi > lo) out.push({ metric: s.metric, ts: s.ts.slice(lo, hi), vs: s.vs.slice(lo, hi) });
  }
  return out;
}

function stepTimesSeconds(steps: Steps): Float64Array {
  const v = new Float64Array(steps.n);
  for (let i = 0; i < steps.n; i++) v[i] = stepTime(steps, i) / 1000;
  return v;
}

function mergeStrict(series: StepSeries[], n: number): StepSeries[] {
  const b = new SeriesBuilder(n);
  for (const s of series) {
    const idx = b.index(s.metric);
    for (let i = 0; i < n; i++) if (s.p[i]) b.set(idx, i, s.v[i]!);
  }
  return b.result();
}

export type { Labels };
export { merge };
