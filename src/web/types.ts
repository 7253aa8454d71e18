/**
 * What the web layer needs from the rest of the server, as small provider interfaces the
 * server implements (README of the contract: every provider is called per request, so it
 * must be cheap or cache itself; none may block the event loop). Providers whose area does
 * not exist yet return the empty shapes shown in the comments; the API stays correct.
 *
 * JSON-shaped providers (targets, rules, alerts, ...) return objects whose field names and
 * order are Prometheus 2.42's, because the web layer serialises them as given (after
 * filtering). The interfaces below list the fields in the order Prometheus writes them.
 */
import type { Labels, Matcher } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import type { Logger } from '../log/index.js';

// ---------------------------------------------------------------------------------------
// The PromQL engine, structurally identical to src/promql/API.md, so src/web compiles and
// tests without importing the engine module (the server passes `new Engine(...)`).
// ---------------------------------------------------------------------------------------

export interface RangeSeries {
  readonly metric: Labels;
  /** Milliseconds. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}
export interface InstantSample {
  readonly metric: Labels;
  readonly t: number;
  readonly v: number;
}
export type QueryValue =
  | { type: 'matrix'; series: RangeSeries[] }
  | { type: 'vector'; samples: InstantSample[] }
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string };
export interface QueryResult {
  value: QueryValue;
  warnings: string[];
}
/**
 * The engine. Errors it throws carry `code` 'bad_data' (parse/validation errors: Prometheus
 * raises those before evaluation), 'execution', 'timeout' or 'canceled', and Prometheus's text.
 */
export interface QueryEngine {
  instantQuery(q: Queryable, query: string, timeMs: number, signal?: AbortSignal): Promise<QueryResult>;
  rangeQuery(q: Queryable, query: string, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<QueryResult>;
}

// ---------------------------------------------------------------------------------------
// Status providers (shapes of api.md / Prometheus 2.42 answers)
// ---------------------------------------------------------------------------------------

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

/** /api/v1/status/runtimeinfo; times are RFC 3339 strings (Go's time.Time JSON form). */
export interface RuntimeInfo {
  startTime: string;
  CWD: string;
  reloadConfigSuccess: boolean;
  lastConfigTime: string;
  corruptionCount: number;
  goroutineCount: number;
  GOMAXPROCS: number;
  GOGC: string;
  GODEBUG: string;
  storageRetention: string;
}

export interface NameCount {
  name: string;
  value: number;
}

/** /api/v1/status/tsdb: head stats and top-10 lists (empty arrays, not null, when none). */
export interface TsdbStatus {
  headStats: { numSeries: number; numLabelPairs: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: NameCount[];
  labelValueCountByLabelName: NameCount[];
  memoryInBytesByLabelName: NameCount[];
  seriesCountByLabelValuePair: NameCount[];
}

export interface WalReplayStatus {
  min: number;
  max: number;
  current: number;
}

export interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  /** RFC 3339 with nanoseconds, e.g. "2026-11-25T02:52:28.268263693Z". */
  lastScrape: string;
  /** Seconds. */
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}
export interface DroppedTarget {
  discoveredLabels: Record<string, string>;
}
export interface TargetsInfo {
  /** Grouped by scrape pool in pool-name order, as Prometheus lists them. */
  activeTargets: ActiveTarget[];
  droppedTargets: DroppedTarget[];
}

export interface MetricMetadata {
  type: string;
  help: string;
  unit: string;
}
/** One target's metadata entries (what the scrape cache learnt from HELP/TYPE/UNIT lines). */
export interface TargetMetadataSource {
  /** The target's labels after relabeling. */
  labels: Labels;
  metadata: { metric: string; type: string; help: string; unit: string }[];
}

export interface AlertInfo {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  /** Go's strconv.FormatFloat(v, 'e', -1, 64), e.g. "1e+00" (formatGoFloatE in format.ts). */
  value: string;
}
export interface AlertingRuleInfo {
  state: 'inactive' | 'pending' | 'firing';
  name: string;
  query: string;
  /** Seconds. */
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: AlertInfo[];
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}
export interface RecordingRuleInfo {
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'recording';
}
export interface RuleGroupInfo {
  name: string;
  file: string;
  rules: (AlertingRuleInfo | RecordingRuleInfo)[];
  /** Seconds. */
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

export interface AlertmanagersInfo {
  activeAlertmanagers: { url: string }[];
  droppedAlertmanagers: { url: string }[];
}

/** TSDB admin operations (only reachable with --web.enable-admin-api). */
export interface AdminProvider {
  /** Tombstones samples in [mintMs, maxtMs] of series matching any matcher set. */
  deleteSeries(mintMs: number, maxtMs: number, matcherSets: Matcher[][]): Promise<void>;
  cleanTombstones(): Promise<void>;
  /** Writes a snapshot under <data>/snapshots and returns its directory name. */
  snapshot(skipHead: boolean): Promise<string>;
}

/** Everything the HTTP layer reads from the server. */
export interface WebDeps {
  queryable: Queryable;
  engine: QueryEngine;
  /** The loaded config rendered as YAML (Prometheus's config.String()). */
  config: () => { yaml: string };
  /** External labels of the loaded config, for /federate. */
  externalLabels?: () => Labels;
  /** Every server flag with its value as text (/api/v1/status/flags). */
  flags: Record<string, string>;
  buildInfo: BuildInfo;
  runtimeInfo: () => RuntimeInfo;
  tsdbStatus: () => TsdbStatus;
  walReplay: () => WalReplayStatus;
  /** False until storage is open and the first config is applied; API answers 503 meanwhile. */
  ready: () => boolean;
  targets: () => TargetsInfo;
  /** Active targets with their metadata (/api/v1/targets/metadata, /api/v1/metadata). */
  targetMetadata: () => TargetMetadataSource[];
  rules: () => RuleGroupInfo[];
  alerts: () => AlertInfo[];
  alertmanagers: () => AlertmanagersInfo;
  /** Reloads config; rejects with the reason (answered as 500 "failed to reload config: ..."). */
  reload: () => Promise<void>;
  /** Starts a graceful shutdown. */
  quit: () => void;
  admin?: AdminProvider;
  /** The server's own metrics in text exposition format. */
  metrics: () => Promise<{ contentType: string; body: string | Buffer }>;
  /**
   * Parses a `match[]` selector into matchers. Defaults to src/web's own metric-selector parser
   * (which keeps Prometheus's parse-error wording); the server may pass PromQL's.
   */
  parseMetricSelector?: (input: string) => Matcher[];
  /**
   * Remote read (POST /api/v1/read: snappy-framed protobuf) and the remote write receiver
   * (POST /api/v1/write, only when enabled), as plain node:http handlers from storage/remote.
   * Without remoteWrite the endpoint answers Prometheus's 404 "needs to be enabled" text.
   */
  remoteRead?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void | Promise<void>;
  remoteWrite?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void | Promise<void>;
  /** PromQL's parseExpr (throws a QueryError); used to validate /api/v1/query_exemplars. */
  parseExpr?: (input: string) => unknown;
  /**
   * The matchers of each vector selector of a PromQL query (Prometheus's ExtractSelectors);
   * throws the parse error. /api/v1/query_exemplars answers 204 when there are none.
   */
  exemplarSelectors?: (query: string) => Matcher[][];
  /**
   * Exemplars with timestamps in [startMs, endMs] of series matching any matcher set, sorted
   * by series labels. Without it /api/v1/query_exemplars answers an empty list.
   */
  exemplars?: (startMs: number, endMs: number, matcherSets: Matcher[][]) => readonly ExemplarSeries[];
  /** Pretty-prints a PromQL expression (/api/v1/format_query); the endpoint is 404 without it. */
  formatQuery?: (query: string) => string;
  logger: Logger;
  /** Clock, injectable for tests. Milliseconds. */
  now?: () => number;
}

/** One series' exemplars, oldest first, as parallel arrays (timestamps in ms). */
export interface ExemplarSeries {
  readonly seriesLabels: Labels;
  readonly labels: readonly Labels[];
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

/** Flag-driven behaviour of the HTTP layer (the --web.* flags). */
export interface WebOptions {
  /** --web.listen-address, e.g. "0.0.0.0:9090" or ":9090". */
  listenAddress: string;
  /** --web.external-url; its path is the default route prefix. */
  externalUrl?: string;
  /** --web.route-prefix; defaults to the external URL's path. */
  routePrefix?: string;
  /** --web.cors.origin, an anchored regex; default ".*". */
  corsOrigin?: string;
  /** --web.enable-lifecycle */
  enableLifecycle?: boolean;
  /** --web.enable-admin-api */
  enableAdminApi?: boolean;
  /** --web.max-connections (default 512; 0 = unlimited). */
  maxConnections?: number;
  /** --web.read-timeout in ms (default 5m). */
  readTimeoutMs?: number;
  /** --web.config.file: TLS, basic auth and headers (exporter-toolkit format). */
  webConfigFile?: string;
  /** --query.lookback-delta in ms, for /federate (default 5m). */
  lookbackDeltaMs?: number;
  /** Largest accepted request body (form posts); default 16 MiB. */
  maxBodyBytes?: number;
}
