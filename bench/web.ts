// Loopback load run of dashboard-style range queries against promts's HTTP API over a
// MemoryStorage, with the real PromQL engine. Bounded: a fixed number of requests at a
// fixed concurrency. Prints requests/s and latency percentiles.
//
//   node --import tsx bench/web.ts [requests=400] [concurrency=8]
//
// The side-by-side run against Debian's prometheus (same queries on the same data) is the
// lead's next step: point `runLoad` at the other server's base URL.
import { performance } from 'node:perf_hooks';
import { Labels } from '../src/model/index.js';
import { MemoryStorage } from '../src/storage/index.js';
import { nopLogger } from '../src/log/index.js';
import * as promql from '../src/promql/index.js';
import { startWebServer, type QueryEngine, type WebDeps } from '../src/web/index.js';

const REQUESTS = Number(process.argv[2] ?? 400);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const STEP_MS = 15_000;
const HOURS = 6;
const END = Date.UTC(2023, 1, 1, 6);
const START = END - HOURS * 3600_000;

async function load(): Promise<{ storage: MemoryStorage; series: number; samples: number }> {
  const storage = new MemoryStorage();
  const app = storage.appender();
  const sets: Labels[] = [];
  for (let i = 0; i < 40; i++) {
    for (const code of ['200', '500']) {
      for (const handler of ['/api', '/metrics']) {
        sets.push(Labels.fromObject({ __name__: 'http_requests_total', job: i % 2 ? 'api' : 'web', instance: `10.0.0.${i}:8080`, code, handler }));
      }
    }
    sets.push(Labels.fromObject({ __name__: 'up', job: i % 2 ? 'api' : 'web', instance: `10.0.0.${i}:8080` }));
  }
  let samples = 0;
  for (let t = START; t <= END; t += STEP_MS) {
    sets.forEach((l, k) => {
      app.append(0, l, t, l.get('__name__') === 'up' ? 1 : ((t - START) / 1000) * (1 + (k % 7)));
      samples++;
    });
  }
  await app.commit();
  return { storage, series: sets.length, samples };
}

/** The panels of a typical dashboard refresh, over the last hour at 15 s. */
function dashboardQueries(): string[] {
  const qs = ['sum by (job) (rate(http_requests_total[5m]))', 'sum by (code) (rate(http_requests_total{job="api"}[5m]))', 'count by (job) (up)', 'topk(5, rate(http_requests_total[5m]))'];
  const start = (END - 3600_000) / 1000;
  const end = END / 1000;
  return qs.map((q) => `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start}&end=${end}&step=15`);
}

export async function runLoad(base: string, paths: string[], requests: number, concurrency: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const lat: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const s = performance.now();
      const r = await fetch(base + paths[i % paths.length]);
      const body = await r.text();
      if (r.status !== 200 || !body.startsWith('{"status":"success"')) errors++;
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return { rps: requests / secs, p50: pct(50), p99: pct(99), errors };
}

async function main(): Promise<void> {
  const { storage, series, samples } = await load();
  const engine = new promql.Engine({ logger: nopLogger }) as unknown as QueryEngine;
  const deps: WebDeps = {
    queryable: storage, engine, config: () => ({ yaml: '' }), flags: {}, logger: nopLogger, ready: () => true,
    buildInfo: { version: 'bench', revision: '', branch: '', buildUser: '', buildDate: '', goVersion: '' },
    runtimeInfo: () => ({ startTime: '', CWD: '', reloadConfigSuccess: true, lastConfigTime: '', corruptionCount: 0, goroutineCount: 0, GOMAXPROCS: 1, GOGC: '', GODEBUG: '', storageRetention: '' }),
    tsdbStatus: () => ({ headStats: { numSeries: 0, numLabelPairs: 0, chunkCount: 0, minTime: 0, maxTime: 0 }, seriesCountByMetricName: [], labelValueCountByLabelName: [], memoryInBytesByLabelName: [], seriesCountByLabelValuePair: [] }),
    walReplay: () => ({ min: 0, max: 0, current: 0 }),
    targets: () => ({ activeTargets: [], droppedTargets: [] }), targetMetadata: () => [], rules: () => [], alerts: () => [],
    alertmanagers: () => ({ activeAlertmanagers: [], droppedAlertmanagers: [] }),
    reload: async () => {}, quit: () => {}, metrics: async () => ({ contentType: 'text/plain', body: '' }),
  };
  const srv = await startWebServer({ listenAddress: '127.0.0.1:0' }, deps);
  const base = `http://127.0.0.1:${srv.port}`;
  try {
    const paths = dashboardQueries();
    await runLoad(base, paths, Math.min(20, REQUESTS), 2); // warm-up
    const r = await runLoad(base, paths, REQUESTS, CONCURRENCY);
    process.stdout.write(
      `promts web bench: ${series} series, ${samples} samples; ${REQUESTS} range queries (1 h at 15 s, 4 dashboard panels), concurrency ${CONCURRENCY}\n` +
        `  promts: ${r.rps.toFixed(1)} req/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}\n`,
    );
  } finally {
    await srv.close();
  }
}

await main();
