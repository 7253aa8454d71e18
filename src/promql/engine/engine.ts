// The public query engine: instant and range queries over any Queryable, with Prometheus's
// lookback, timeout, sample limit and result shapes.
import { Labels } from '../../model/index.js';
import { nopLogger, type Logger } from '../../log/index.js';
import type { Queryable } from '../../storage/index.js';
import { QueryError } from '../errors.js';
import { parseExpr } from '../parser/parser.js';
import { type Expr, documentedType, typeOf } from '../parser/ast.js';
import { Evaluator } from './evaluator.js';
import { makeSteps } from './types.js';

export interface EngineOptions {
  /** ms, default 5m (--query.lookback-delta). */
  lookbackDelta?: number;
  /** ms, default 2m (--query.timeout). */
  timeout?: number;
  /** default 50,000,000 (--query.max-samples). */
  maxSamples?: number;
  /** ms; resolution of subqueries written without a step. Default 1m (the evaluation interval). */
  defaultSubqueryStep?: number;
  logger?: Logger;
}

export interface RangeSeries {
  metric: Labels;
  /** ms */
  timestamps: Float64Array;
  values: Float64Array;
}
export interface InstantSample {
  metric: Labels;
  t: number;
  v: number;
}
export type Value =
  | { type: 'matrix'; series: RangeSeries[] }
  | { type: 'vector'; samples: InstantSample[] }
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string };

export interface QueryResult {
  value: Value;
  warnings: string[];
}

export class Engine {
  private readonly lookbackDelta: number;
  private readonly timeout: number;
  private readonly maxSamples: number;
  private readonly defaultSubqueryStep: number;
  readonly logger: Logger;

  constructor(opts: EngineOptions = {}) {
    this.lookbackDelta = opts.lookbackDelta ?? 5 * 60_000;
    this.timeout = opts.timeout ?? 120_000;
    this.maxSamples = opts.maxSamples ?? 50_000_000;
    this.defaultSubqueryStep = opts.defaultSubqueryStep ?? 60_000;
    this.logger = opts.logger ?? nopLogger;
  }

  private evaluator(q: Queryable, start: number, end: number, signal?: AbortSignal): Evaluator {
    return new Evaluator({
      queryable: q,
      lookbackDelta: this.lookbackDelta,
      maxSamples: this.maxSamples,
      deadline: performance.now() + this.timeout,
      signal,
      defaultSubqueryStep: this.defaultSubqueryStep,
      queryStart: start,
      queryEnd: end,
    });
  }

  async instantQuery(q: Queryable, query: string | Expr, timeMs: number, signal?: AbortSignal): Promise<QueryResult> {
    const expr = typeof query === 'string' ? parseExpr(query) : query;
    const ev = this.evaluator(q, timeMs, timeMs, signal);
    const steps = makeSteps(timeMs, timeMs, 1);
    const v = await ev.eval(expr, steps);
    let value: Value;
    switch (v.kind) {
      case 'scalar': value = { type: 'scalar', t: timeMs, v: v.v[0]! }; break;
      case 'string': value = { type: 'string', t: timeMs, v: v.s }; break;
      case 'vector':
        value = { type: 'vector', samples: v.series.filter((s) => s.p[0]).map((s) => ({ metric: s.metric, t: timeMs, v: s.v[0]! })) };
        break;
      case 'matrix':
        value = { type: 'matrix', series: v.series.map((s) => ({ metric: s.metric, timestamps: s.ts, values: s.vs })) };
        break;
    }
    return { value, warnings: ev.warnings };
  }

  async rangeQuery(q: Queryable, query: string | Expr, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<QueryResult> {
    const expr = typeof query === 'string' ? parseExpr(query) : query;
    const t = typeOf(expr);
    if (t !== 'scalar' && t !== 'vector') {
      throw new QueryError('bad_data', `invalid expression type ${JSON.stringify(documentedType(t))} for range query, must be Scalar or instant Vector`);
    }
    if (!(stepMs > 0)) throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
    const ev = this.evaluator(q, startMs, endMs, signal);
    const steps = makeSteps(startMs, endMs, stepMs);
    const v = await ev.eval(expr, steps);
    const series: RangeSeries[] = [];
    if (v.kind === 'scalar') {
      const timestamps = new Float64Array(steps.n);
      for (let i = 0; i < steps.n; i++) timestamps[i] = startMs + i * stepMs;
      series.push({ metric: Labels.EMPTY, timestamps, values: Float64Array.from(v.v) });
    } else if (v.kind === 'vector') {
      for (const s of v.series) {
        let n = 0;
        for (let i = 0; i < steps.n; i++) n += s.p[i]!;
        if (n === 0) continue;
        const timestamps = new Float64Array(n);
        const values = new Float64Array(n);
        let k = 0;
        for (let i = 0; i < steps.n; i++) {
          if (!s.p[i]) continue;
          timestamps[k] = startMs + i * stepMs;
          values[k++] = s.v[i]!;
        }
        series.push({ metric: s.metric, timestamps, values });
      }
      series.sort((a, b) => Labels.compare(a.metric, b.metric));
    }
    return { value: { type: 'matrix', series }, warnings: ev.warnings };
  }
}
