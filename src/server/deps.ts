import { cwd } from 'node:process';
import { join } from 'node:path';
import { snapshotName } from '../tsdb/index.js';
import { Labels, PromtsError, formatDuration } from '../model/index.js';
import { renderConfigYaml } from '../config/index.js';
import { parseExpr, prettyExpr, walk } from '../promql/index.js';
import type { Matcher } from '../model/index.js';
import type { WebDeps } from '../web/index.js';
import { remoteReadHandler, remoteWriteHandler } from '../storage/remote/index.js';
import type { Running } from './run.js';
import { PROMTS_VERSION } from './version.js';
import { targetsInfo, targetMetadata } from './targets.js';

/** Implements the web layer's providers over the running server's parts. */
export function buildWebDeps(r: Running, lifecycle: { reload: () => Promise<void>; quit: () => void }): WebDeps {
  const empty = { numSeries: 0, numLabelPairs: 0, chunkCount: 0, minTime: 0, maxTime: 0 };
  return {
    // Until the storage is open the API answers 503 (ready() is false), so this is never read empty.
    queryable: { querier: (mint, maxt) => r.db!.querier(mint, maxt) },
    engine: r.remoteRead.engine(r.engine),
    config: () => ({ yaml: renderConfigYaml(r.config) }),
    externalLabels: () => labelsOf(r.config.global.external_labels),
    flags: r.opts.raw,
    buildInfo: {
      version: PROMTS_VERSION,
      revision: '',
      branch: '',
      buildUser: 'promts',
      buildDate: '',
      goVersion: `node${process.versions.node}`,
    },
    runtimeInfo: () => ({
      startTime: r.startedAt.toISOString(),
      CWD: cwd(),
      reloadConfigSuccess: r.reloadSuccess,
      lastConfigTime: r.configLoadedAt.toISOString(),
      corruptionCount: r.db?.headStats().walCorruptions ?? 0,
      goroutineCount: 0,
      GOMAXPROCS: 1,
      GOGC: '',
      GODEBUG: '',
      storageRetention: retentionText(r),
    }),
    tsdbStatus: () => {
      const c = r.db?.headCardinality(10);
      if (!c) return { headStats: empty, seriesCountByMetricName: [], labelValueCountByLabelName: [], memoryInBytesByLabelName: [], seriesCountByLabelValuePair: [] };
      return {
        headStats: { numSeries: c.numSeries, numLabelPairs: c.numLabelPairs, chunkCount: c.chunkCount, minTime: c.minTime, maxTime: c.maxTime },
        seriesCountByMetricName: c.seriesCountByMetricName,
        labelValueCountByLabelName: c.labelValueCountByLabelName,
        memoryInBytesByLabelName: c.memoryInBytesByLabelName,
        seriesCountByLabelValuePair: c.seriesCountByLabelValuePair,
      };
    },
    walReplay: () => {
      const p = r.replayProgress;
      return { min: p.min, max: p.max, current: p.current };
    },
    ready: () => r.ready,
    targets: () => targetsInfo(r),
    targetMetadata: () => targetMetadata(r),
    rules: () => r.alerting?.rules.rules() ?? [],
    alerts: () => r.alerting?.rules.alerts() ?? [],
    alertmanagers: () => r.alerting?.notifier.alertmanagers() ?? { activeAlertmanagers: [], droppedAlertmanagers: [] },
    reload: lifecycle.reload,
    quit: lifecycle.quit,
    metrics: async () => ({ contentType: r.metrics.registry.contentType, body: await r.metrics.registry.metrics() }),
    remoteRead: remoteReadHandler(
      { querier: (a, b) => r.db!.querier(a, b) },
      { logger: r.logger, externalLabels: () => r.config.global.external_labels, sampleLimit: Number(r.opts.raw['storage.remote.read-sample-limit']) },
    ),
    remoteWrite: r.opts.enableRemoteWriteReceiver ? remoteWriteHandler({ appender: () => r.db!.appender() }, r.logger) : undefined,
    parseExpr,
    exemplarSelectors,
    // Empty unless --enable-feature=exemplar-storage sized the buffer.
    exemplars: (start, end, sets) => r.db?.queryExemplars(start, end, sets) ?? [],
    formatQuery: (q) => prettyExpr(parseExpr(q)),
    admin: {
      deleteSeries: async (mint, maxt, sets) => {
        for (const ms of sets) await r.db?.delete(mint, maxt, ms);
      },
      cleanTombstones: async () => {
        await r.db?.cleanTombstones();
      },
      snapshot: async (skipHead) => {
        if (!r.db) throw new PromtsError('not_ready', 'the TSDB is not open yet', 'retry once /-/ready answers 200');
        // Prometheus's layout: <data>/snapshots/<name>, the name being what the API returns.
        const name = snapshotName();
        await r.db.snapshot(join(r.opts.tsdb.path, 'snapshots', name), !skipHead);
        return name;
      },
    },
    logger: r.logger,
  };
}

/** Prometheus's parser.ExtractSelectors: the matchers of every vector selector in the query. */
function exemplarSelectors(q: string): Matcher[][] {
  const sets: Matcher[][] = [];
  walk(parseExpr(q), (e) => {
    if (e.kind === 'VectorSelector') sets.push(e.matchers);
  });
  return sets;
}

function labelsOf(o: Readonly<Record<string, string>>) {
  return Labels.fromObject(o);
}

function retentionText(r: Running): string {
  const parts: string[] = [];
  if (r.opts.tsdb.retentionTime > 0) parts.push(formatDuration(r.opts.tsdb.retentionTime));
  if (r.opts.tsdb.retentionSize > 0) parts.push(r.opts.raw['storage.tsdb.retention.size']!);
  return parts.join(' or ');
}
