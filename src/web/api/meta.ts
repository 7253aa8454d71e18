/** /api/v1/series, labels, label/<name>/values, metadata, targets/metadata. */
import { compareStrings, isValidLabelName, Labels, type Matcher } from '../../model/index.js';
import type { SelectHints } from '../../storage/index.js';
import { ApiError, invalidParam } from '../errors.js';
import { respondChunks, respondData, type Ctx } from '../http.js';
import { decodePathSegment, parseTimeParam, ParamError, MIN_TIME_MS, MAX_TIME_MS } from '../params.js';
import { jsonString, labelsJson } from './encode.js';
import type { ApiContext } from './context.js';

function timeRange(ctx: Ctx): { start: number; end: number } {
  const get = (name: string, d: number) => {
    try {
      return parseTimeParam(ctx.form, name, d);
    } catch (e) {
      if (e instanceof ParamError) throw invalidParam(name, e.message);
      throw e;
    }
  };
  return { start: get('start', MIN_TIME_MS), end: get('end', MAX_TIME_MS) };
}

/** Storage failures while reading are "execution" errors in Prometheus's label/series APIs. */
function execError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('execution', e instanceof Error ? e.message : String(e));
}

export async function series(ctx: Ctx, api: ApiContext): Promise<void> {
  if (ctx.form.error) throw new ApiError('bad_data', `error parsing form values: ${ctx.form.error}`);
  const matches = ctx.form.all('match[]');
  if (matches.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const { start, end } = timeRange(ctx);
  const sets = api.matcherSets(matches, 'match[]');
  const hints: SelectHints = { start, end, func: 'series' };
  const found = new Map<string, Labels>();
  const warnings: string[] = [];
  const q = api.deps.queryable.querier(start, end);
  try {
    for (const ms of sets) {
      const ss = q.select(sets.length > 1, hints, ...ms);
      while (ss.next()) {
        const l = ss.at().labels;
        found.set(l.key(), l);
      }
      const err = ss.err();
      if (err) throw err;
      warnings.push(...ss.warnings());
    }
  } catch (e) {
    throw execError(e);
  } finally {
    q.close();
  }
  const all = [...found.values()].sort(Labels.compare);
  await respondChunks(ctx, seriesChunks(all), warnings);
}

function* seriesChunks(all: Labels[]): Iterable<string> {
  yield '[';
  for (let i = 0; i < all.length; i++) yield (i > 0 ? ',' : '') + labelsJson(all[i]!);
  yield ']';
}

export async function labelNames(ctx: Ctx, api: ApiContext): Promise<void> {
  const { start, end } = timeRange(ctx);
  const sets = api.matcherSets(ctx.form.all('match[]'));
  const q = api.deps.queryable.querier(start, end);
  let names: string[];
  const warnings: string[] = [];
  try {
    if (sets.length > 0) {
      const hints: SelectHints = { start, end, func: 'series' };
      const set = new Set<string>();
      for (const ms of sets) {
        const ss = q.select(false, hints, ...ms);
        while (ss.next()) {
          const l = ss.at().labels;
          for (let i = 0; i < l.length; i++) set.add(l.name(i));
        }
        const err = ss.err();
        if (err) throw err;
        warnings.push(...ss.warnings());
      }
      names = [...set].sort(compareStrings);
    } else {
      names = q.labelNames();
    }
  } catch (e) {
    throw execError(e);
  } finally {
    q.close();
  }
  await respondChunks(ctx, [stringArrayJson(names)], warnings);
}

export async function labelValues(ctx: Ctx, api: ApiContext): Promise<void> {
  const { text: name, quoted } = decodePathSegment(ctx.params['name'] ?? '');
  if (!isValidLabelName(name)) {
    throw new ApiError('bad_data', `invalid label name: ${quoted}`);
  }
  const { start, end } = timeRange(ctx);
  const sets = api.matcherSets(ctx.form.all('match[]'));
  const q = api.deps.queryable.querier(start, end);
  let vals: string[];
  try {
    if (sets.length > 0) {
      const set = new Set<string>();
      for (const ms of sets) for (const v of q.labelValues(name, ...ms)) set.add(v);
      vals = [...set];
    } else {
      vals = q.labelValues(name);
    }
  } catch (e) {
    throw execError(e);
  } finally {
    q.close();
  }
  // sort.Strings: byte order, which compareStrings gives (JS's default is UTF-16 order).
  vals.sort(compareStrings);
  await respondChunks(ctx, [stringArrayJson(vals)]);
}

function stringArrayJson(a: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) out += (i > 0 ? ',' : '') + jsonString(a[i]!);
  return out + ']';
}

/** Go's strconv.Atoi: optional sign, decimal digits, within int64. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

function limitParam(ctx: Ctx): number {
  const s = ctx.form.get('limit');
  if (s === '') return -1;
  const n = atoi(s);
  if (n === undefined) throw new ApiError('bad_data', 'limit must be a number');
  return n;
}

/** /api/v1/metadata: metric name -> unique {type, help, unit} across active targets. */
export async function metricMetadata(ctx: Ctx, api: ApiContext): Promise<void> {
  const limit = limitParam(ctx);
  const metric = ctx.form.get('metric');
  const byName = new Map<string, Map<string, { type: string; help: string; unit: string }>>();
  for (const t of api.deps.targetMetadata()) {
    for (const m of t.metadata) {
      if (metric !== '' && m.metric !== metric) continue;
      let set = byName.get(m.metric);
      if (!set) byName.set(m.metric, (set = new Map()));
      const entry = { type: m.type, help: m.help, unit: m.unit };
      set.set(JSON.stringify(entry), entry);
    }
  }
  // Prometheus stops at `limit` names while walking a Go map (random order); we keep the
  // first names in sorted order so the answer is deterministic.
  const names = [...byName.keys()].sort(compareStrings);
  const out: Record<string, unknown[]> = {};
  for (const n of names) {
    if (limit >= 0 && Object.keys(out).length >= limit) break;
    out[n] = [...byName.get(n)!.values()];
  }
  await respondData(ctx, out);
}

/** /api/v1/targets/metadata: per target entries, `limit` counts entries before each target. */
export async function targetMetadata(ctx: Ctx, api: ApiContext): Promise<void> {
  const limit = limitParam(ctx);
  const matchTarget = ctx.form.get('match_target');
  let matchers: Matcher[] | undefined;
  if (matchTarget !== '') {
    try {
      matchers = api.parseSelector(matchTarget);
    } catch (e) {
      throw invalidParam('match_target', e instanceof Error ? e.message : String(e));
    }
  }
  const metric = ctx.form.get('metric');
  const res: string[] = [];
  for (const t of api.deps.targetMetadata()) {
    if (limit >= 0 && res.length >= limit) break;
    if (matchers && !matchers.every((m) => m.matches(t.labels.get(m.name)))) continue;
    const target = labelsJson(t.labels);
    for (const m of t.metadata) {
      if (metric === '') {
        res.push(`{"target":${target},"metric":${jsonString(m.metric)},"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`);
      } else if (m.metric === metric) {
        res.push(`{"target":${target},"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`);
        break;
      }
    }
  }
  await respondChunks(ctx, ['[' + res.join(',') + ']']);
}
