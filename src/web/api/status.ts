/** Targets, rules, alerts, Alertmanagers and /api/v1/status/*. */
import { compareStrings } from '../../model/index.js';
import { invalidParam } from '../errors.js';
import { respondData, sendBody, successChunks, type Ctx } from '../http.js';
import { goJson } from '../format.js';
import { Form } from '../params.js';
import type { ApiContext } from './context.js';
import type { RuleGroupInfo } from '../types.js';

/** state/scrapePool/type are read from the URL only (r.URL.Query() in Prometheus). */
function urlParam(ctx: Ctx, name: string): string {
  return Form.parse(ctx.query).get(name);
}

export async function targets(ctx: Ctx, api: ApiContext): Promise<void> {
  const state = urlParam(ctx, 'state').toLowerCase();
  const pool = urlParam(ctx, 'scrapePool');
  const showActive = state === '' || state === 'any' || state === 'active';
  const showDropped = state === '' || state === 'any' || state === 'dropped';
  const t = api.deps.targets();
  const inPool = (labels: Record<string, string>, p?: string) => pool === '' || (p ?? labels['job']) === pool;
  await respondData(ctx, {
    activeTargets: showActive ? t.activeTargets.filter((a) => inPool(a.labels, a.scrapePool)) : [],
    droppedTargets: showDropped ? t.droppedTargets.filter((d) => inPool(d.discoveredLabels)) : [],
  });
}

export async function rules(ctx: Ctx, api: ApiContext): Promise<void> {
  const typ = urlParam(ctx, 'type').toLowerCase();
  if (typ !== '' && typ !== 'alert' && typ !== 'record') throw invalidParam('type', `not supported value "${typ}"`);
  // Rebuilt in Prometheus's field order whatever order the provider used.
  const groups: RuleGroupInfo[] = api.deps.rules().map((g) => ({
    name: g.name,
    file: g.file,
    rules: typ === '' ? g.rules : g.rules.filter((r) => (typ === 'alert' ? r.type === 'alerting' : r.type === 'recording')),
    interval: g.interval,
    limit: g.limit,
    evaluationTime: g.evaluationTime,
    lastEvaluation: g.lastEvaluation,
  }));
  await respondData(ctx, { groups });
}

export async function alerts(ctx: Ctx, api: ApiContext): Promise<void> {
  await respondData(ctx, { alerts: api.deps.alerts() });
}

export async function alertmanagers(ctx: Ctx, api: ApiContext): Promise<void> {
  await respondData(ctx, api.deps.alertmanagers());
}

export async function statusConfig(ctx: Ctx, api: ApiContext): Promise<void> {
  await respondData(ctx, { yaml: api.deps.config().yaml });
}

/** A Go map: keys in sorted order. */
export async function statusFlags(ctx: Ctx, api: ApiContext): Promise<void> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(api.deps.flags).sort(compareStrings)) out[k] = api.deps.flags[k]!;
  await respondData(ctx, out);
}

export async function statusRuntimeInfo(ctx: Ctx, api: ApiContext): Promise<void> {
  await respondData(ctx, api.deps.runtimeInfo());
}

export async function statusBuildInfo(ctx: Ctx, api: ApiContext): Promise<void> {
  const b = api.deps.buildInfo;
  await respondData(ctx, { version: b.version, revision: b.revision, branch: b.branch, buildUser: b.buildUser, buildDate: b.buildDate, goVersion: b.goVersion });
}

export async function statusTsdb(ctx: Ctx, api: ApiContext): Promise<void> {
  const s = api.deps.tsdbStatus();
  await respondData(ctx, {
    headStats: s.headStats,
    seriesCountByMetricName: s.seriesCountByMetricName,
    labelValueCountByLabelName: s.labelValueCountByLabelName,
    memoryInBytesByLabelName: s.memoryInBytesByLabelName,
    seriesCountByLabelValuePair: s.seriesCountByLabelValuePair,
  });
}

export async function statusWalReplay(ctx: Ctx, api: ApiContext): Promise<void> {
  const w = api.deps.walReplay();
  // Registered outside Prometheus's API wrapper: no compression (and no CORS).
  await sendBody(ctx, 200, 'application/json', successChunks([goJson({ min: w.min, max: w.max, current: w.current })], undefined), false);
}
