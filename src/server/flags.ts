import { parseDuration, type DurationMs } from '../model/index.js';
import { UsageError, nearest } from '../cli/index.js';

/**
 * Prometheus 2.42's server flags, one table: the CLI builds its flags from it, the server
 * reads typed values from it, and /api/v1/status/flags prints it. Names and defaults are
 * Prometheus's (upstream's, not Debian's paths), except --web.listen-address, which binds
 * to loopback by default so a quick start never exposes an unauthenticated server.
 */
export type FlagKind = 'string' | 'bool' | 'duration' | 'int' | 'bytes' | 'list';

export interface ServerFlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  /** Default as Prometheus prints it in /api/v1/status/flags. */
  readonly default: string;
  readonly help: string;
  /** Hidden in --help, as Prometheus hides it. */
  readonly hidden?: boolean;
  /** Accepted for compatibility; promts has no use for it (e.g. web UI assets). */
  readonly inert?: boolean;
}

export const SERVER_FLAGS: readonly ServerFlagSpec[] = [
  { name: 'config.file', kind: 'string', default: 'prometheus.yml', help: 'Prometheus configuration file path. When it is the default and no such file exists, promts runs an embedded config that scrapes itself.' },
  { name: 'web.listen-address', kind: 'string', default: '127.0.0.1:9090', help: 'Address to listen on for the API and telemetry. Prometheus defaults to 0.0.0.0:9090; promts binds to loopback unless told otherwise.' },
  { name: 'web.config.file', kind: 'string', default: '', help: 'Path to a web config file that can enable TLS or authentication (Prometheus web-config format).' },
  { name: 'web.read-timeout', kind: 'duration', default: '5m', help: 'Maximum duration before timing out read of the request, and closing idle connections.' },
  { name: 'web.max-connections', kind: 'int', default: '512', help: 'Maximum number of simultaneous connections.' },
  { name: 'web.external-url', kind: 'string', default: '', help: 'The URL under which promts is externally reachable (e.g. behind a reverse proxy). Its path, if any, prefixes every HTTP endpoint.' },
  { name: 'web.route-prefix', kind: 'string', default: '', help: 'Prefix for the internal routes of web endpoints. Defaults to the path of --web.external-url.' },
  { name: 'web.local-assets', kind: 'string', default: '/usr/share/prometheus/web/', help: 'Accepted for compatibility; promts has no web UI (use `promts dashboard`).', inert: true },
  { name: 'web.user-assets', kind: 'string', default: '', help: 'Accepted for compatibility; promts has no web UI.', inert: true },
  { name: 'web.enable-lifecycle', kind: 'bool', default: 'false', help: 'Enable shutdown and reload via HTTP request.' },
  { name: 'web.enable-admin-api', kind: 'bool', default: 'false', help: 'Enable API endpoints for admin control actions.' },
  { name: 'web.enable-remote-write-receiver', kind: 'bool', default: 'false', help: 'Enable API endpoint accepting remote write requests.' },
  { name: 'web.console.templates', kind: 'string', default: 'consoles', help: 'Accepted for compatibility; promts has no console templates.', inert: true },
  { name: 'web.console.libraries', kind: 'string', default: 'console_libraries', help: 'Accepted for compatibility; promts has no console libraries.', inert: true },
  { name: 'web.page-title', kind: 'string', default: 'Prometheus Time Series Collection and Processing Server', help: 'Document title of the instance (shown by `promts dashboard`).' },
  { name: 'web.cors.origin', kind: 'string', default: '.*', help: "Regex for CORS origin. It is fully anchored. Example: 'https?://(domain1|domain2)\\.com'" },
  { name: 'storage.tsdb.path', kind: 'string', default: 'data/', help: 'Base path for metrics storage.' },
  { name: 'storage.tsdb.retention', kind: 'duration', default: '0s', help: '[DEPRECATED] How long to retain samples in storage. Use --storage.tsdb.retention.time.' },
  { name: 'storage.tsdb.retention.time', kind: 'duration', default: '0s', help: 'How long to retain samples in storage. If neither this nor --storage.tsdb.retention.size is set, the retention time defaults to 15d. Units: y, w, d, h, m, s, ms.' },
  { name: 'storage.tsdb.retention.size', kind: 'bytes', default: '0B', help: 'Maximum number of bytes that can be stored for blocks. A unit is required: B, KB, MB, GB, TB, PB, EB (powers of 2). Ex: "512MB".' },
  { name: 'storage.tsdb.use-lockfile', kind: 'bool', default: 'true', help: 'Create a lockfile in data directory.' },
  { name: 'storage.tsdb.no-lockfile', kind: 'bool', default: 'false', help: 'Do not create a lockfile in data directory.', hidden: true },
  { name: 'storage.tsdb.wal-compression', kind: 'bool', default: 'true', help: 'Compress the tsdb WAL.', hidden: true },
  { name: 'storage.tsdb.min-block-duration', kind: 'duration', default: '2h', help: 'Minimum duration of a data block before being persisted.', hidden: true },
  { name: 'storage.tsdb.max-block-duration', kind: 'duration', default: '0s', help: 'Maximum duration compacted blocks may span (default: 10% of the retention period, at most 31d).', hidden: true },
  { name: 'storage.tsdb.allow-overlapping-blocks', kind: 'bool', default: 'true', help: '[DEPRECATED] Overlapping blocks are always allowed.', hidden: true },
  { name: 'storage.tsdb.wal-segment-size', kind: 'bytes', default: '0B', help: 'Size at which to split the tsdb WAL segment files.', hidden: true },
  { name: 'storage.tsdb.head-chunks-write-queue-size', kind: 'int', default: '0', help: 'Size of the queue through which head chunks are written to the disk to be m-mapped.' },
  { name: 'storage.tsdb.max-block-chunk-segment-size', kind: 'bytes', default: '0B', help: 'The maximum size for a single chunk segment in a block.', hidden: true },
  { name: 'storage.agent.path', kind: 'string', default: 'data-agent/', help: 'Base path for metrics storage in agent mode.', inert: true },
  { name: 'storage.agent.wal-compression', kind: 'bool', default: 'true', help: 'Compress the agent WAL.', inert: true },
  { name: 'storage.agent.retention.min-time', kind: 'duration', default: '0s', help: 'Minimum age samples may be before being considered for deletion when the WAL is truncated (agent mode).', inert: true },
  { name: 'storage.agent.retention.max-time', kind: 'duration', default: '0s', help: 'Maximum age samples may be before being forcibly deleted when the WAL is truncated (agent mode).', inert: true },
  { name: 'storage.agent.use-lockfile', kind: 'bool', default: 'false', help: 'Create a lockfile in data directory (agent mode).', inert: true },
  { name: 'storage.remote.flush-deadline', kind: 'duration', default: '1m', help: 'How long to wait flushing samples on shutdown or config reload.' },
  { name: 'storage.remote.read-sample-limit', kind: 'int', default: '50000000', help: 'Maximum overall number of samples to return via the remote read interface, in a single query. 0 means no limit.' },
  { name: 'storage.remote.read-concurrent-limit', kind: 'int', default: '10', help: 'Maximum number of concurrent remote read calls. 0 means no limit.' },
  { name: 'storage.remote.read-max-bytes-in-frame', kind: 'int', default: '1048576', help: 'Maximum number of bytes in a single frame for streaming remote read response types.' },
  { name: 'rules.alert.for-outage-tolerance', kind: 'duration', default: '1h', help: 'Max time to tolerate an outage for restoring "for" state of alert.' },
  { name: 'rules.alert.for-grace-period', kind: 'duration', default: '10m', help: 'Minimum duration between alert and restored "for" state.' },
  { name: 'rules.alert.resend-delay', kind: 'duration', default: '1m', help: 'Minimum amount of time to wait before resending an alert to Alertmanager.' },
  { name: 'alertmanager.notification-queue-capacity', kind: 'int', default: '10000', help: 'The capacity of the queue for pending Alertmanager notifications.' },
  { name: 'alertmanager.timeout', kind: 'string', default: '', help: '[DEPRECATED] Timeout for sending alerts to Alertmanager; set timeout in the alerting config.', hidden: true },
  { name: 'query.lookback-delta', kind: 'duration', default: '5m', help: 'The maximum lookback duration for retrieving metrics during expression evaluations and federation.' },
  { name: 'query.timeout', kind: 'duration', default: '2m', help: 'Maximum time a query may take before being aborted.' },
  { name: 'query.max-concurrency', kind: 'int', default: '20', help: 'Maximum number of queries executed concurrently.' },
  { name: 'query.max-samples', kind: 'int', default: '50000000', help: 'Maximum number of samples a single query can load into memory.' },
  { name: 'scrape.adjust-timestamps', kind: 'bool', default: 'true', help: 'Adjust scrape timestamps by up to --scrape.timestamp-tolerance to align them to the intended schedule.', hidden: true },
  { name: 'scrape.timestamp-tolerance', kind: 'duration', default: '2ms', help: 'Timestamp tolerance.', hidden: true },
  { name: 'scrape.discovery-reload-interval', kind: 'duration', default: '5s', help: 'Interval used by scrape manager to throttle target groups updates.', hidden: true },
  { name: 'enable-feature', kind: 'list', default: '', help: 'Comma separated feature names to enable: exemplar-storage, expand-external-labels, memory-snapshot-on-shutdown, promql-at-modifier, promql-negative-offset, promql-per-step-stats, remote-write-receiver, extra-scrape-metrics, new-service-discovery-manager, auto-gomaxprocs, no-default-scrape-port.' },
  { name: 'log.level', kind: 'string', default: 'info', help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]' },
  { name: 'log.format', kind: 'string', default: 'logfmt', help: 'Output format of log messages. One of: [logfmt, json]' },
];

export const KNOWN_FEATURES = [
  'agent', 'exemplar-storage', 'expand-external-labels', 'memory-snapshot-on-shutdown', 'promql-at-modifier',
  'promql-negative-offset', 'promql-per-step-stats', 'remote-write-receiver', 'extra-scrape-metrics',
  'new-service-discovery-manager', 'auto-gomaxprocs', 'no-default-scrape-port', 'native-histograms',
];

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };

/** Parses Prometheus's byte sizes ("512MB", "1GB", powers of 2, unit required). */
export function parseBytes(s: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB|PB|EB)$/i.exec(s.trim());
  if (!m) throw new Error(`invalid size "${s}": a number with a unit is required (B, KB, MB, GB, TB, PB, EB), e.g. 512MB`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]!);
}

/** The typed server options, derived from the raw flag strings. */
export interface ServerOptions {
  readonly configFile: string;
  /** True when --config.file was given explicitly (a missing file is then an error). */
  readonly configFileExplicit: boolean;
  readonly listenAddress: { host: string; port: number };
  readonly webConfigFile: string;
  readonly readTimeout: DurationMs;
  readonly maxConnections: number;
  readonly externalUrl: string;
  readonly routePrefix: string;
  readonly enableLifecycle: boolean;
  readonly enableAdminApi: boolean;
  readonly enableRemoteWriteReceiver: boolean;
  readonly corsOrigin: string;
  readonly pageTitle: string;
  readonly tsdb: {
    readonly path: string;
    readonly retentionTime: DurationMs;
    readonly retentionSize: number;
    readonly useLockfile: boolean;
    readonly walCompression: boolean;
    readonly minBlockDuration: DurationMs;
    readonly maxBlockDuration: DurationMs;
  };
  readonly rules: { readonly outageTolerance: DurationMs; readonly gracePeriod: DurationMs; readonly resendDelay: DurationMs };
  readonly notificationQueueCapacity: number;
  readonly query: { readonly lookbackDelta: DurationMs; readonly timeout: DurationMs; readonly maxConcurrency: number; readonly maxSamples: number };
  readonly remoteFlushDeadline: DurationMs;
  readonly features: ReadonlySet<string>;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logFormat: 'logfmt' | 'json';
  /** Every flag's effective value as a string, for /api/v1/status/flags. */
  readonly raw: Readonly<Record<string, string>>;
}

const DEFAULT_RETENTION = parseDuration('15d');

/**
 * Turns raw flag values (name → string, absent = default) into ServerOptions, validating
 * each with an error that names the flag and what to write instead.
 */
export function resolveServerOptions(given: Readonly<Record<string, string | undefined>>): ServerOptions {
  const raw: Record<string, string> = {};
  for (const f of SERVER_FLAGS) raw[f.name] = given[f.name] ?? f.default;
  const dur = (name: string): DurationMs => {
    try {
      return parseDuration(raw[name]!);
    } catch {
      throw new UsageError(`invalid value "${raw[name]}" for flag --${name}: not a valid duration`, `use a Prometheus duration such as 30s, 5m, 2h or 15d`);
    }
  };
  const int = (name: string): number => {
    const n = Number(raw[name]);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`invalid value "${raw[name]}" for flag --${name}: expected a non-negative integer`);
    return n;
  };
  const bytes = (name: string): number => {
    try {
      return parseBytes(raw[name]!);
    } catch (e) {
      throw new UsageError(`invalid value for flag --${name}: ${(e as Error).message}`);
    }
  };
  const bool = (name: string): boolean => raw[name] === 'true';

  const logLevel = raw['log.level']!;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new UsageError(`invalid value "${logLevel}" for flag --log.level`, 'use one of: debug, info, warn, error');
  }
  const logFormat = raw['log.format']!;
  if (logFormat !== 'logfmt' && logFormat !== 'json') {
    throw new UsageError(`invalid value "${logFormat}" for flag --log.format`, 'use one of: logfmt, json');
  }
  const features = new Set(raw['enable-feature']!.split(',').map((s) => s.trim()).filter(Boolean));
  for (const f of features) {
    if (!KNOWN_FEATURES.includes(f)) {
      const near = nearest(f, KNOWN_FEATURES);
      throw new UsageError(`unknown feature "${f}" in --enable-feature`, near ? `did you mean "${near}"?` : `known features: ${KNOWN_FEATURES.join(', ')}`);
    }
  }
  if (features.has('agent')) throw new UsageError('agent mode (--enable-feature=agent) is not supported by promts', 'run promts as a full server and use remote_write to forward samples');

  let retentionTime = dur('storage.tsdb.retention.time');
  if (retentionTime === 0) retentionTime = dur('storage.tsdb.retention');
  const retentionSize = bytes('storage.tsdb.retention.size');
  if (retentionTime === 0 && retentionSize === 0) retentionTime = DEFAULT_RETENTION;
  raw['storage.tsdb.retention.time'] = given['storage.tsdb.retention.time'] ?? (retentionTime === DEFAULT_RETENTION ? '15d' : raw['storage.tsdb.retention.time']!);
  const minBlock = dur('storage.tsdb.min-block-duration');
  let maxBlock = dur('storage.tsdb.max-block-duration');
  if (maxBlock === 0) {
    // Prometheus: 10% of the retention, capped at 31d, never below the min block duration.
    const tenth = retentionTime > 0 ? retentionTime / 10 : parseDuration('31d');
    maxBlock = Math.max(minBlock, Math.min(tenth, parseDuration('31d'))) as DurationMs;
  }

  const externalUrl = raw['web.external-url']!;
  let routePrefix = raw['web.route-prefix']!;
  if (routePrefix === '') {
    try {
      routePrefix = externalUrl ? new URL(externalUrl).pathname : '/';
    } catch {
      throw new UsageError(`invalid value "${externalUrl}" for flag --web.external-url: not a URL`, 'give an absolute URL such as http://prometheus.example.com:9090/prometheus');
    }
  }
  routePrefix = '/' + routePrefix.replace(/^\/+|\/+$/g, '');
  raw['web.route-prefix'] = routePrefix;

  return {
    configFile: raw['config.file']!,
    configFileExplicit: given['config.file'] !== undefined,
    listenAddress: parseListenAddress(raw['web.listen-address']!),
    webConfigFile: raw['web.config.file']!,
    readTimeout: dur('web.read-timeout'),
    maxConnections: int('web.max-connections'),
    externalUrl,
    routePrefix,
    enableLifecycle: bool('web.enable-lifecycle'),
    enableAdminApi: bool('web.enable-admin-api'),
    enableRemoteWriteReceiver: bool('web.enable-remote-write-receiver') || features.has('remote-write-receiver'),
    corsOrigin: raw['web.cors.origin']!,
    pageTitle: raw['web.page-title']!,
    tsdb: {
      path: raw['storage.tsdb.path']!,
      retentionTime,
      retentionSize,
      useLockfile: bool('storage.tsdb.use-lockfile') && !bool('storage.tsdb.no-lockfile'),
      walCompression: bool('storage.tsdb.wal-compression'),
      minBlockDuration: minBlock,
      maxBlockDuration: maxBlock,
    },
    rules: { outageTolerance: dur('rules.alert.for-outage-tolerance'), gracePeriod: dur('rules.alert.for-grace-period'), resendDelay: dur('rules.alert.resend-delay') },
    notificationQueueCapacity: int('alertmanager.notification-queue-capacity'),
    query: { lookbackDelta: dur('query.lookback-delta'), timeout: dur('query.timeout'), maxConcurrency: int('query.max-concurrency'), maxSamples: int('query.max-samples') },
    remoteFlushDeadline: dur('storage.remote.flush-deadline'),
    features,
    logLevel: logLevel as ServerOptions['logLevel'],
    logFormat,
    raw,
  };
}

export function parseListenAddress(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):([0-9]+)$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(`invalid value "${s}" for flag --web.listen-address: expected host:port`, 'use e.g. 127.0.0.1:9090, 0.0.0.0:9090 or :9090');
  }
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** Rejects leftover argv tokens (unknown flags, stray arguments) with the nearest real flag. */
export function rejectUnknownArgs(argv: readonly string[]): void {
  for (const tok of argv) {
    if (!tok.startsWith('-')) throw new UsageError(`unexpected argument "${tok}"`, 'promts server takes flags only; see promts server --help');
    const name = tok.replace(/^-+/, '').replace(/=.*$/, '').replace(/^no-/, '');
    const near = nearest(name, SERVER_FLAGS.map((f) => f.name));
    throw new UsageError(`unknown flag --${name}`, near ? `did you mean --${near}?` : 'see promts server --help for the flags');
  }
}
