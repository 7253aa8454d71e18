import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, type Logger } from '../log/index.js';
import { loadConfigFile, parseConfig, DEFAULT_CONFIG_YAML, type Config } from '../config/index.js';
import { openDB, type DB, type ReplayProgress } from '../tsdb/index.js';
import { Engine } from '../promql/index.js';
import { startWebServer, type WebServer } from '../web/index.js';
import { DiscoveryManager } from '../discovery/index.js';
import { ScrapeManager } from '../scrape/index.js';
import type { ServerOptions } from './flags.js';
import { createSelfMetrics, type SelfMetrics } from './metrics.js';
import { buildWebDeps } from './deps.js';
import { PROMTS_VERSION } from './version.js';
import { registerStorageMetrics } from './storage-metrics.js';
import { startAlerting, type Alerting } from './alerting.js';
import { ReadStorage, WriteStorage, registerRemoteWriteMetrics } from '../storage/remote/index.js';

/** Where the running config came from: a file, or the embedded default. */
export interface ConfigSource {
  readonly path: string | undefined;
  load(): Config;
}

export function configSource(opts: ServerOptions): ConfigSource {
  // Prometheus refuses to start without its default prometheus.yml; promts falls back to an
  // embedded config that scrapes itself, so `npm start` works on a fresh checkout.
  if (!opts.configFileExplicit && !existsSync(opts.configFile)) {
    return { path: undefined, load: () => parseConfig(DEFAULT_CONFIG_YAML.replaceAll('localhost:9090', selfTarget(opts)), '<embedded default config>') };
  }
  const path = resolve(opts.configFile);
  const expandExternalLabels = opts.features.has('expand-external-labels');
  return { path, load: () => loadConfigFile(path, { expandExternalLabels }) };
}

/** The address the embedded config scrapes: our own listen address, as a client reaches it. */
function selfTarget(opts: ServerOptions): string {
  const { host, port } = opts.listenAddress;
  const h = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${h}:${port}`;
}

/** The running server's parts; reload swaps the config in place. */
export interface Running {
  readonly opts: ServerOptions;
  readonly logger: Logger;
  readonly metrics: SelfMetrics;
  readonly source: ConfigSource;
  config: Config;
  configLoadedAt: Date;
  reloadSuccess: boolean;
  readonly startedAt: Date;
  db: DB | undefined;
  /** Filled in by the TSDB while it replays the WAL (for /api/v1/status/walreplay). */
  readonly replayProgress: ReplayProgress;
  readonly engine: Engine;
  readonly discovery: DiscoveryManager;
  scrape: ScrapeManager | undefined;
  alerting: Alerting | undefined;
  remoteWrite: WriteStorage | undefined;
  /** remote_read endpoints, consulted by API queries and rules (see ReadStorage.engine). */
  readonly remoteRead: ReadStorage;
  ready: boolean;
}

export async function run(opts: ServerOptions): Promise<number> {
  const logger = createLogger({ level: opts.logLevel, format: opts.logFormat });
  logger.info('Starting promts', { version: PROMTS_VERSION, node: process.version, pid: process.pid });
  if (opts.features.has('exemplar-storage')) logger.info('Experimental in-memory exemplar storage enabled');
  const source = configSource(opts);

  // Validate the config before anything else touches the disk or the network.
  let config: Config;
  try {
    config = source.load();
  } catch (err) {
    logger.error('Error loading config', { file: source.path ?? '<embedded>', ...errFields(err) });
    return 1;
  }
  logger.info(source.path ? 'Loaded configuration file' : 'No prometheus.yml here: running the embedded default config (it scrapes promts itself)', { file: source.path ?? '<embedded>' });

  const metrics = createSelfMetrics();
  const r: Running = {
    opts,
    logger,
    metrics,
    source,
    config,
    configLoadedAt: new Date(),
    reloadSuccess: true,
    startedAt: new Date(),
    db: undefined,
    replayProgress: { min: -1, max: -1, current: -1, done: false },
    engine: new Engine({ lookbackDelta: opts.query.lookbackDelta, timeout: opts.query.timeout, maxSamples: opts.query.maxSamples, logger: logger.with({ component: 'query engine' }) }),
    discovery: new DiscoveryManager({ logger: logger.with({ component: 'discovery manager scrape' }), userAgent: `promts/${PROMTS_VERSION}` }),
    scrape: undefined,
    alerting: undefined,
    remoteWrite: undefined,
    remoteRead: new ReadStorage(logger.with({ component: 'remote' }), () => r.db?.timeRange().minTime ?? Infinity, opts.query.lookbackDelta),
    ready: false,
  };
  metrics.configReloadSuccess.set(1);
  metrics.configReloadTimestamp.set(r.configLoadedAt.getTime() / 1000);

  let stop!: (code: number) => void;
  const stopped = new Promise<number>((res) => (stop = res));

  // Listen first: a port in use fails in one line before the WAL replay, and /-/ready answers
  // 503 while the storage opens.
  let web: WebServer;
  try {
    web = await startWebServer(
      {
        listenAddress: `${opts.listenAddress.host.includes(':') ? `[${opts.listenAddress.host}]` : opts.listenAddress.host}:${opts.listenAddress.port}`,
        externalUrl: opts.externalUrl || undefined,
        routePrefix: opts.routePrefix,
        corsOrigin: opts.corsOrigin,
        enableLifecycle: opts.enableLifecycle,
        enableAdminApi: opts.enableAdminApi,
        maxConnections: opts.maxConnections,
        readTimeoutMs: opts.readTimeout,
        webConfigFile: opts.webConfigFile || undefined,
        lookbackDeltaMs: opts.query.lookbackDelta,
      },
      buildWebDeps(r, { reload: () => reload(r), quit: () => stop(0) }),
    );
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || /address already in use/i.test(e.message)) {
      logger.error(`Cannot listen on ${opts.raw['web.listen-address']}: the address is already in use. Stop the other process or pass --web.listen-address=HOST:PORT with a free port.`);
    } else {
      logger.error('Error starting the web server', errFields(err));
    }
    metrics.close();
    return 1;
  }
  logger.info('Listening', { address: web.address, tls: web.tls });

  // From here on a signal stops (or reloads) cleanly, also while the WAL replays.
  const onSignal = (sig: NodeJS.Signals) => {
    logger.warn(`Received ${sig}, exiting gracefully...`);
    stop(0);
  };
  const onHup = () => {
    // A failed reload is logged by reload() and keeps the running config.
    reload(r).catch(() => undefined);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHup);

  try {
    r.db = await openDB(
      opts.tsdb.path,
      {
        retentionTime: opts.tsdb.retentionTime,
        retentionSize: opts.tsdb.retentionSize,
        walCompression: opts.tsdb.walCompression,
        minBlockDuration: opts.tsdb.minBlockDuration,
        maxBlockDuration: opts.tsdb.maxBlockDuration,
        noLockfile: !opts.tsdb.useLockfile,
        replayProgress: r.replayProgress,
        maxExemplars: maxExemplars(opts.features, config), // exemplar-storage
      },
      logger.with({ component: 'tsdb' }),
    );
  } catch (err) {
    logger.error('Opening storage failed', { dir: opts.tsdb.path, ...errFields(err) });
    await shutdown(r, web);
    return 1;
  }
  registerStorageMetrics(metrics, r.db);
  r.remoteWrite = new WriteStorage({ dataDir: opts.tsdb.path, logger: logger.with({ component: 'remote' }), flushDeadlineMs: opts.remoteFlushDeadline, metadata: () => r.scrape?.metadata() ?? [] });
  registerRemoteWriteMetrics(metrics.registry, r.remoteWrite);
  r.scrape = new ScrapeManager({ appendable: r.db, logger, userAgent: `promts/${PROMTS_VERSION}` });
  r.discovery.subscribe((groups) => r.scrape?.sync(groups));
  // Rules query through remote_read too, as Prometheus's rules use its fanout storage.
  r.alerting = startAlerting(opts, r.db, r.remoteRead.engine(r.engine), logger, metrics);
  try {
    await applyConfig(r, config);
  } catch (err) {
    logger.error('Error loading rules', errFields(err));
    await shutdown(r, web);
    return 1;
  }
  r.ready = true;
  logger.info('Server is ready to receive web requests.');

  const code = await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  process.off('SIGHUP', onHup);
  await shutdown(r, web);
  logger.info('See you next time!');
  return code;
}

/** Order matters: stop scraping (writes staleness markers) and rules, then stop answering, then flush. */
async function shutdown(r: Running, web: WebServer): Promise<void> {
  r.ready = false;
  r.discovery.stop();
  await r.scrape?.stop();
  await r.alerting?.stop();
  // Reads the WAL to its end (so the staleness markers go out), then flushes within the deadline.
  await r.remoteWrite?.close();
  await r.remoteRead.close();
  await web.close();
  await r.db?.close();
  r.metrics.close();
}

/** The exemplar buffer size: storage.exemplars.max_exemplars (default 100000) with the feature on, else 0. */
function maxExemplars(features: ReadonlySet<string>, cfg: Config): number {
  return features.has('exemplar-storage') ? (cfg.storage?.exemplars?.max_exemplars ?? 100000) : 0;
}

async function applyConfig(r: Running, cfg: Config): Promise<void> {
  // Rules first: a bad rule file fails the reload before anything else changes.
  await r.alerting?.apply(cfg);
  // Then storage (Prometheus's first reloader): a changed max_exemplars resizes the buffer.
  if (r.opts.features.has('exemplar-storage')) r.db?.setMaxExemplars(maxExemplars(r.opts.features, cfg));
  // Before scraping: a queue sends only samples written after it started.
  await r.remoteWrite?.applyConfig(cfg);
  await r.remoteRead.applyConfig(cfg);
  await r.scrape?.applyConfig(cfg.scrape_configs);
  const sd: Record<string, unknown> = {};
  for (const sc of cfg.scrape_configs) sd[sc.job_name] = sc;
  r.discovery.applyConfig(sd as Parameters<DiscoveryManager['applyConfig']>[0]);
}

/**
 * Reloads the config (SIGHUP, /-/reload). A bad config keeps the old one running and is
 * reported in the log with its position and in prometheus_config_last_reload_successful.
 */
export async function reload(r: Running): Promise<void> {
  r.logger.info('Loading configuration file', { filename: r.source.path ?? '<embedded>' });
  let cfg: Config;
  try {
    cfg = r.source.load();
    await applyConfig(r, cfg);
  } catch (err) {
    r.reloadSuccess = false;
    r.metrics.configReloadSuccess.set(0);
    r.logger.error('Error reloading config; the previous configuration stays in effect', errFields(err));
    throw err;
  }
  r.config = cfg;
  r.reloadSuccess = true;
  r.configLoadedAt = new Date();
  r.metrics.configReloadSuccess.set(1);
  r.metrics.configReloadTimestamp.set(r.configLoadedAt.getTime() / 1000);
  r.logger.info('Completed loading of configuration file', { filename: r.source.path ?? '<embedded>' });
}

/** Log fields for an error: the message, where it is (file:line:col) and what to do. */
function errFields(err: unknown): Record<string, string | undefined> {
  if (!(err instanceof Error)) return { err: String(err) };
  const e = err as Error & { hint?: string; where?: () => string | undefined };
  return { position: typeof e.where === 'function' ? e.where() : undefined, err: e.message, hint: e.hint };
}
