/** /api/v1/query, query_range, query_exemplars, format_query. */
import { performance } from 'node:perf_hooks';
import { ApiError, invalidParam } from '../errors.js';
import { respondChunks, respondData, respondNoContent, type Ctx } from '../http.js';
import { parseDurationParam, parseTime, parseTimeParam, ParamError, MIN_TIME_MS, MAX_TIME_MS } from '../params.js';
import { goFloatJson } from '../format.js';
import { exemplarDataChunks, queryDataChunks } from './encode.js';
import type { ApiContext } from './context.js';
import type { QueryResult } from '../types.js';

/** Prometheus's cap: 60 s resolution for a week, or 1 h for a year. */
const MAX_POINTS = 11_000;

function param<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParamError) throw invalidParam(name, e.message);
    throw e;
  }
}

/** The `timeout` parameter, or undefined when absent. */
function timeoutParam(ctx: Ctx): number | undefined {
  const to = ctx.form.get('timeout');
  if (to === '') return undefined;
  return param('timeout', () => parseDurationParam(to));
}

/**
 * Runs a query with the request's abort signal plus the `timeout` parameter, mapping engine
 * errors onto Prometheus's error types. `parseErrorAsParam`: /query reports parse errors as
 * `invalid parameter "query": ...`, /query_range reports them bare.
 */
async function runQuery(ctx: Ctx, api: ApiContext, timeoutMs: number | undefined, parseErrorAsParam: boolean, run: (signal: AbortSignal) => Promise<QueryResult>): Promise<void> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = timeoutMs !== undefined
    ? setTimeout(() => {
        timedOut = true;
        ac.abort(new Error('query timeout'));
      }, Math.max(0, timeoutMs))
    : undefined;
  const t0 = performance.now();
  let result: QueryResult;
  try {
    result = await run(ac.signal);
  } catch (e) {
    throw toApiError(e, parseErrorAsParam, timedOut);
  } finally {
    if (timer) clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const stats = ctx.form.get('stats') !== '' ? statsJson(elapsed) : undefined;
  await respondChunks(ctx, queryDataChunks(result.value, stats), result.warnings);
}

const STORAGE_CODES = new Set(['out_of_order', 'duplicate_sample', 'out_of_bounds', 'too_old', 'not_found', 'closed', 'corrupt']);

function toApiError(e: unknown, parseErrorAsParam: boolean, timedOut: boolean): unknown {
  if (e instanceof ApiError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'bad_data') return parseErrorAsParam ? invalidParam('query', msg) : new ApiError('bad_data', msg);
  if (code === 'timeout') return new ApiError('timeout', msg);
  if (code === 'canceled') {
    return timedOut ? new ApiError('timeout', 'query timed out in expression evaluation') : new ApiError('canceled', msg);
  }
  if (typeof code === 'string' && STORAGE_CODES.has(code)) return new ApiError('internal', msg);
  return new ApiError('execution', msg);
}

/**
 * `stats=<anything>`: Prometheus adds engine timings. The engine API has no per-phase
 * timings, so the whole evaluation is reported as eval/exec time and the rest as 0.
 */
function statsJson(seconds: number): string {
  const s = goFloatJson(seconds);
  return `{"timings":{"evalTotalTime":${s},"resultSortTime":0,"queryPreparationTime":0,"innerEvalTime":${s},"execQueueTime":0,"execTotalTime":${s}},"samples":{"totalQueryableSamples":0,"peakSamples":0}}`;
}

export async function query(ctx: Ctx, api: ApiContext): Promise<void> {
  const now = api.now();
  const ts = param('time', () => parseTimeParam(ctx.form, 'time', now));
  const timeoutMs = timeoutParam(ctx);
  const q = ctx.form.get('query');
  await runQuery(ctx, api, timeoutMs, true, (signal) => api.deps.engine.instantQuery(api.deps.queryable, q, ts, signal));
}

export async function queryRange(ctx: Ctx, api: ApiContext): Promise<void> {
  const start = param('start', () => parseTime(ctx.form.get('start')));
  const end = param('end', () => parseTime(ctx.form.get('end')));
  if (end < start) throw invalidParam('end', 'end timestamp must not be before start time');
  const step = param('step', () => parseDurationParam(ctx.form.get('step')));
  // Steps under a millisecond pass Prometheus's check but evaluate with a 0 ms interval;
  // refuse them here rather than loop.
  if (step <= 0 || Math.trunc(step) <= 0) {
    throw invalidParam('step', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
  }
  if (Math.floor((end - start) / step) > MAX_POINTS) {
    throw new ApiError('bad_data', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const timeoutMs = timeoutParam(ctx);
  const q = ctx.form.get('query');
  await runQuery(ctx, api, timeoutMs, false, (signal) => api.deps.engine.rangeQuery(api.deps.queryable, q, start, end, Math.trunc(step), signal));
}

/** A query made only of a number or string literal has no selectors: Prometheus answers 204. */
const LITERAL_ONLY = /^\s*(?:[-+]?\s*(?:\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F]+|inf|nan)|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)\s*$/i;

/**
 * Exemplars of the series the query's vector selectors select. Without exemplar storage valid
 * queries answer an empty list, as 2.42 does with the feature off.
 */
export async function queryExemplars(ctx: Ctx, api: ApiContext): Promise<void> {
  const start = param('start', () => parseTimeParam(ctx.form, 'start', MIN_TIME_MS));
  const end = param('end', () => parseTimeParam(ctx.form, 'end', MAX_TIME_MS));
  if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
  const q = ctx.form.get('query');
  if (q.trim() === '') throw new ApiError('bad_data', '1:1: parse error: no expression found in input');
  const { exemplarSelectors, exemplars } = api.deps;
  if (exemplarSelectors) {
    let sets: ReturnType<typeof exemplarSelectors>;
    try {
      sets = exemplarSelectors(q);
    } catch (e) {
      throw new ApiError('bad_data', e instanceof Error ? e.message : String(e));
    }
    // No selectors (a literal, time(), 1+1): Prometheus's handler returns no data, hence 204.
    if (sets.length === 0) {
      respondNoContent(ctx);
      return;
    }
    await respondChunks(ctx, exemplarDataChunks(exemplars ? exemplars(start, end, sets) : []));
    return;
  }
  if (api.deps.parseExpr) {
    try {
      api.deps.parseExpr(q);
    } catch (e) {
      throw new ApiError('bad_data', e instanceof Error ? e.message : String(e));
    }
  }
  if (LITERAL_ONLY.test(q)) {
    respondNoContent(ctx);
    return;
  }
  await respondData(ctx, []);
}

export async function formatQuery(ctx: Ctx, api: ApiContext): Promise<void> {
  const fmt = api.deps.formatQuery!;
  let out: string;
  try {
    out = fmt(ctx.form.get('query'));
  } catch (e) {
    throw invalidParam('query', e instanceof Error ? e.message : String(e));
  }
  await respondData(ctx, out);
}
