// Loopback load run of dashboard-style range queries against promts's HTTP API over a
// MemoryStorage, with the real PromQL engine. Bounded: a fixed number of requests at a
// fixed concurrency. Prints requests/s and latency percentiles.
//
//   node --import tsx bench/web.ts [requests=400] [concurrency=8]
//
// With Debian's prometheus installed, the same data is backfilled with `promtool tsdb
// create-blocks-from openmetrics`, prometheus is started on it (127.0.0.1, a free port, stopped
// by PID afterwards) and gets the same load; the ratio is printed. PROMTS_BENCH_NO_PROM=1 skips it.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

async function load(): Promise<{ storage: MemoryStorage; series: number; samples: number; openMetrics: () => string }> {
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
  // The same samples as OpenMetrics text, for promtool's backfill.
  const openMetrics = () => {
    const lines: string[] = [];
    for (const fam of ['http_requests', 'up']) {
      lines.push(`# TYPE ${fam} ${fam === 'up' ? 'gauge' : 'counter'}`);
      sets.forEach((l, k) => {
        const name = l.get('__name__');
        if ((fam === 'up') !== (name === 'up')) return;
        const lbl = l.without('__name__').kv;
        const ls = [];
        for (let i = 0; i < lbl.length; i += 2) ls.push(`${lbl[i]}="${lbl[i + 1]}"`);
        const head = `${name}{${ls.join(',')}} `;
        for (let t = START; t <= END; t += STEP_MS) lines.push(head + String(name === 'up' ? 1 : ((t - START) / 1000) * (1 + (k % 7))) + ' ' + t / 1000);
      });
    }
    lines.push('# EOF', '');
    return lines.join('\n');
  };
  return { storage, series: sets.length, samples, openMetrics };
}

/** Starts Debian's prometheus on a backfill of the same data; undefined when not installed. */
async function startPrometheus(openMetrics: string): Promise<{ base: string; stop: () => Promise<void> } | undefined> {
  if (process.env['PROMTS_BENCH_NO_PROM'] || !existsSync('/usr/bin/prometheus') || !existsSync('/usr/bin/promtool')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'promts-bench-web-'));
  writeFileSync(join(dir, 'in.om'), openMetrics);
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  const bf = spawnSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'in.om'), join(dir, 'data')], { encoding: 'utf8' });
  if (bf.status !== 0) throw new Error(`promtool backfill failed: ${bf.stderr}`);
  const port = await new Promise<number>((res) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const proc = spawn('/usr/bin/prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y', '--log.level=error',
  ], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) return { base, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('prometheus did not become ready');
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
  const { storage, series, samples, openMetrics } = await load();
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
    const line = (name: string, x: typeof r) => `  ${name.padEnd(10)} ${x.rps.toFixed(1).padStart(7)} req/s  p50 ${x.p50.toFixed(1)} ms  p99 ${x.p99.toFixed(1)} ms  errors ${x.errors}\n`;
    process.stdout.write(`web bench: ${series} series, ${samples} samples; ${REQUESTS} range queries (1 h at 15 s, 4 dashboard panels), concurrency ${CONCURRENCY}\n`);
    process.stdout.write(line('promts', r));
    const prom = await startPrometheus(openMetrics());
    if (prom) {
      try {
        // Same data, same queries: the answers should be the same JSON.
        let same = 0;
        for (const path of paths) {
          const [a, b] = await Promise.all([fetch(base + path).then((x) => x.text()), fetch(prom.base + path).then((x) => x.text())]);
          if (JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b))) same++;
        }
        process.stdout.write(`  answers identical to prometheus's: ${same}/${paths.length}\n`);
        await runLoad(prom.base, paths, Math.min(20, REQUESTS), 2);
        const p = await runLoad(prom.base, paths, REQUESTS, CONCURRENCY);
        process.stdout.write(line('prometheus', p));
        process.stdout.write(`  ratio (promts / prometheus): throughput ${(r.rps / p.rps).toFixed(2)}x, p50 ${(r.p50 / p.p50).toFixed(2)}x, p99 ${(r.p99 / p.p99).toFixed(2)}x\n`);
      } finally {
        await prom.stop();
      }
    }
  } finally {
    await srv.close();
  }
}

// Run only when executed, so the lead's side-by-side bench can import runLoad.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
