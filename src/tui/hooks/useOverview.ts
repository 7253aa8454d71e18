/**
 * The Overview's data: one poll asks every endpoint the page needs at once. Each part may
 * fail on its own (an older server without /status/walreplay, a server still replaying its
 * WAL and answering 503, no self-scrape so no ingestion metrics); the page shows what it got.
 */
import type { ApiClient, ApiError, ApiResult, BuildInfo, QueryData, RuntimeInfo, TsdbStatus, WalReplayStatus } from '../api/index.js';
import { usePoll, type Polled } from './usePoll.js';

export interface TargetSummary {
  readonly up: number;
  readonly down: number;
  readonly unknown: number;
  readonly pools: number;
}

export interface RemoteWriteLag {
  readonly queue: string;
  readonly url: string;
  readonly lagSeconds: number;
}

export interface OverviewData {
  readonly build?: BuildInfo;
  readonly runtime?: RuntimeInfo;
  readonly wal?: WalReplayStatus;
  readonly tsdb?: TsdbStatus;
  readonly targets?: TargetSummary;
  readonly alerts?: { readonly firing: number; readonly pending: number };
  /** Samples/s over the last minutes, one point per step, oldest first (NaN where missing). */
  readonly ingestion?: readonly number[];
  readonly remoteWrite?: readonly RemoteWriteLag[];
  /** The server answered 503 somewhere: it is still starting (replaying the WAL). */
  readonly notReady: boolean;
}

export const INGESTION_QUERY = 'sum(rate(prometheus_tsdb_head_samples_appended_total[1m]))';
// The usual remote-write lag expression (Prometheus's own mixin): newest sample in the WAL
// minus the newest one each queue has sent.
export const REMOTE_WRITE_LAG_QUERY =
  'prometheus_remote_storage_highest_timestamp_in_seconds - ignoring(remote_name, url) group_right prometheus_remote_storage_queue_highest_sent_timestamp_seconds';
/** Sparkline window: 15 minutes at 15 s, 60 points. */
const INGESTION_WINDOW_S = 900;
const INGESTION_STEP_S = 15;

export async function loadOverview(api: ApiClient, signal: AbortSignal, nowMs: number): Promise<ApiResult<OverviewData>> {
  const end = Math.floor(nowMs / 1000);
  const [build, runtime, wal, tsdb, targets, alerts, ingest, rw] = await Promise.all([
    api.buildInfo(signal),
    api.runtimeInfo(signal),
    api.walReplay(signal),
    api.tsdbStatus(signal),
    api.targets(signal),
    api.alerts(signal),
    api.queryRange(INGESTION_QUERY, end - INGESTION_WINDOW_S, end, INGESTION_STEP_S, signal),
    api.query(REMOTE_WRITE_LAG_QUERY, signal),
  ]);
  const results: ApiResult<unknown>[] = [build, runtime, wal, tsdb, targets, alerts, ingest, rw];
  // Nothing reached the server: report that one error, so the status bar says "disconnected".
  const unreachable = results.find((r): r is { ok: false; error: ApiError } => !r.ok && (r.error.kind === 'network' || r.error.kind === 'timeout' || r.error.kind === 'aborted'));
  if (unreachable && results.every((r) => !r.ok)) return unreachable;
  const data: OverviewData = {
    build: build.ok ? build.data : undefined,
    runtime: runtime.ok ? runtime.data : undefined,
    wal: wal.ok ? wal.data : undefined,
    tsdb: tsdb.ok ? tsdb.data : undefined,
    targets: targets.ok ? summarizeTargets(targets.data.activeTargets) : undefined,
    alerts: alerts.ok ? { firing: alerts.data.alerts.filter((a) => a.state === 'firing').length, pending: alerts.data.alerts.filter((a) => a.state === 'pending').length } : undefined,
    ingestion: ingest.ok ? ingestionPoints(ingest.data, end - INGESTION_WINDOW_S, end, INGESTION_STEP_S) : undefined,
    remoteWrite: rw.ok ? remoteWriteLags(rw.data) : undefined,
    notReady: results.some((r) => !r.ok && r.error.kind === 'not_ready'),
  };
  return { ok: true, data };
}

function summarizeTargets(ts: readonly { health: string; scrapePool: string }[]): TargetSummary {
  const pools = new Set(ts.map((t) => t.scrapePool));
  let up = 0;
  let down = 0;
  for (const t of ts) {
    if (t.health === 'up') up++;
    else if (t.health === 'down') down++;
  }
  return { up, down, unknown: ts.length - up - down, pools: pools.size };
}

/** One value per step (NaN where the range result has none), so gaps stay visible. */
function ingestionPoints(q: QueryData, start: number, end: number, step: number): number[] {
  const n = Math.floor((end - start) / step) + 1;
  const out = new Array<number>(n).fill(NaN);
  if (q.resultType !== 'matrix' || q.result.length === 0) return out;
  for (const [t, v] of q.result[0]!.values) {
    const i = Math.round((t - start) / step);
    if (i >= 0 && i < n) out[i] = Number(v);
  }
  return out;
}

function remoteWriteLags(q: QueryData): RemoteWriteLag[] {
  if (q.resultType !== 'vector') return [];
  return q.result.map((s) => ({ queue: s.metric['remote_name'] ?? '', url: s.metric['url'] ?? '', lagSeconds: Number(s.value[1]) }));
}

export function useOverview(api: ApiClient, intervalMs: number, now: () => number): Polled<OverviewData> {
  return usePoll((signal) => loadOverview(api, signal, now()), intervalMs, now, [api]);
}
