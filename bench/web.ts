// HTTP API under load while ingesting (issue 6): promts (from source) and Debian's prometheus
// scrape the same synthetic farm (bench/farm.ts; default 50 targets × 2,000 series = 100k
// active series every 15 s) at the same time; meanwhile dashboard-style query_range requests
// (POST, last 10 min at 15 s, a mix of panels over one target and over all series) hit one
// server at a time from `concurrency` clients for a fixed time, alternating between the two.
// Prints requests/s, p50/p99 latency, errors and server CPU per request side by side, then
// checks from each server's own series that no scrape failed or was skipped during the run
// (min up == 1, scrapes counted per target, max scrape_duration_seconds < the interval).
//
//   node --import tsx bench/web.ts [targets=50] [seriesPerTarget=2000] [seconds=120] [concurrency=4]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../test/helpers/index.js';
import { farmConfig, startFarm } from './farm.js';
import { percentile, printRows, procStats, prometheusBinary, startPromtsFromSource } from './lib.js';

const INTERVAL_S = 15;
const RANGE_S = 600;

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Latencies in ms, in completion order. */
  latencies: number[];
  /** Latencies by Req.tag. */
  byTag: Map<number, number[]>;
}

/** A fixed number of GET requests over paths at a fixed concurrency (kept for other benches). */
export async function runLoad(base: string, paths: string[], requests: number, concurrency: number): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  let next = 0;
  const r = await load(base, () => (next < requests ? { path: paths[next++ % paths.length]! } : undefined), concurrency);
  return { rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors };
}

type Req = { path: string; form?: URLSearchParams; /** Panel number, for per-panel latencies. */ tag?: number };

/** Workers take requests from next() until it returns undefined. */
async function load(base: string, next: () => Req | undefined, concurrency: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const byTag = new Map<number, number[]>();
  let errors = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let r = next(); r; r = next()) {
      const s = performance.now();
      try {
        const res = await fetch(base + r.path, r.form ? { method: 'POST', body: r.form } : undefined);
        const body = await res.text();
        if (res.status !== 200 || !body.startsWith('{"status":"success"')) errors++;
      } catch {
        errors++;
      }
      const ms = performance.now() - s;
      latencies.push(ms);
      if (r.tag !== undefined) {
        let a = byTag.get(r.tag);
        if (!a) byTag.set(r.tag, (a = []));
        a.push(ms);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = (performance.now() - t0) / 1000;
  return { requests: latencies.length, rps: latencies.length / secs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, latencies, byTag };
}

/** One dashboard refresh: panels over one target (most of them) and over all series. */
function panels(targets: number, k: number): string[] {
  const t = String(k % targets);
  return [
    `sum by (code) (rate(farm_requests_total{target="${t}"}[1m]))`,
    `sum by (handler) (rate(farm_requests_total[1m]))`,
    `rate(farm_requests_total{target="${t}",shard=~"1[0-4]."}[1m])`,
    `up`,
    `topk(5, sum by (target) (rate(farm_requests_total[1m])))`,
    `max_over_time(scrape_duration_seconds[1m])`,
    `sum by (job) (scrape_samples_scraped)`,
  ];
}

/** Dashboard requests for `ms` from now, each over the last RANGE_S ending at the current step. */
function dashboardLoad(base: string, targets: number, ms: number, concurrency: number): Promise<LoadResult> {
  const until = performance.now() + ms;
  let k = 0;
  return load(base, () => {
    if (performance.now() >= until) return undefined;
    const qs = panels(targets, Math.floor(k / 7));
    const tag = k++ % qs.length;
    const query = qs[tag]!;
    // Like Grafana: the range ends at "now" aligned to the step.
    const end = Math.floor(Date.now() / 1000 / INTERVAL_S) * INTERVAL_S;
    return { tag, path: '/api/v1/query_range', form: new URLSearchParams({ query, start: String(end - RANGE_S), end: String(end), step: String(INTERVAL_S) }) };
  }, concurrency);
}

async function instant(base: string, query: string): Promise<number> {
  const r = (await (await fetch(`${base}/api/v1/query?${new URLSearchParams({ query })}`)).json()) as { status: string; error?: string; data?: { result: { value: [number, string] }[] } };
  if (r.status !== 'success') throw new Error(`${base}: ${query}: ${r.error}`);
  return Number(r.data!.result[0]?.value[1] ?? NaN);
}

interface Health {
  targetsUp: number;
  minUp: number;
  minScrapes: number;
  maxScrapeDuration: number;
}

/** What the server recorded about its own scrapes over the last `windowS` seconds. */
async function scrapeHealth(base: string, windowS: number): Promise<Health> {
  const w = `${Math.floor(windowS)}s`;
  return {
    targetsUp: await instant(base, 'count(up == 1)'),
    minUp: await instant(base, `min(min_over_time(up[${w}]))`),
    minScrapes: await instant(base, `min(count_over_time(up[${w}]))`),
    maxScrapeDuration: await instant(base, `max(max_over_time(scrape_duration_seconds[${w}]))`),
  };
}

async function main(): Promise<void> {
  const [targets = 50, perTarget = 2000, seconds = 120, concurrency = 4] = process.argv.slice(2).map(Number);
  const prom = prometheusBinary();
  const farm = await startFarm(targets, perTarget);
  const dir = tempDir('promts-bench-web-');
  const cfg = join(dir.path, 'farm.yml');
  writeFileSync(cfg, farmConfig(farm, `${INTERVAL_S}s`));
  const [pPort, qPort] = [await freePort(), await freePort()];
  const base = { promts: `http://127.0.0.1:${pPort}`, prometheus: `http://127.0.0.1:${qPort}` };
  const common = (d: string, port: number) => [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, d)}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
  const procs: Record<'promts' | 'prometheus', RunningProcess> = {
    promts: startPromtsFromSource(common('promts', pPort)),
    prometheus: startProcess(prom, common('prom', qPort)),
  };
  const names = ['promts', 'prometheus'] as const;
  try {
    await Promise.all(names.map((n) => waitForHttp(`${base[n]}/-/ready`, 120_000, procs[n])));
    const t0 = Date.now();
    // Warm-up: three intervals, so every target has been scraped and the range has data.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL_S * 1000));
    for (const n of names) {
      const up = await instant(base[n], 'count(up == 1)');
      if (up !== targets) throw new Error(`${n}: ${up} of ${targets} targets up after warm-up`);
    }
    const idle = { promts: procStats(procs.promts.pid).cpuSeconds, prometheus: procStats(procs.prometheus.pid).cpuSeconds };
    const idleT = performance.now();
    // A short quiet spell: the CPU each server spends on ingestion alone.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_S * 1000));
    const idleCpu = {
      promts: (procStats(procs.promts.pid).cpuSeconds - idle.promts) / ((performance.now() - idleT) / 1000),
      prometheus: (procStats(procs.prometheus.pid).cpuSeconds - idle.prometheus) / ((performance.now() - idleT) / 1000),
    };
    const results: Record<'promts' | 'prometheus', LoadResult[]> = { promts: [], prometheus: [] };
    const cpu = { promts: 0, prometheus: 0 };
    // Two rounds, alternating who goes first; each server gets `seconds` of load in total.
    for (const order of [names, [...names].reverse()]) {
      for (const n of order) {
        const c0 = procStats(procs[n].pid).cpuSeconds;
        results[n].push(await dashboardLoad(base[n], targets, (seconds / 2) * 1000, concurrency));
        cpu[n] += procStats(procs[n].pid).cpuSeconds - c0;
      }
    }
    const windowS = (Date.now() - t0) / 1000 - INTERVAL_S;
    const health = { promts: await scrapeHealth(base.promts, windowS), prometheus: await scrapeHealth(base.prometheus, windowS) };
    const merged = (n: 'promts' | 'prometheus') => {
      const lat = results[n].flatMap((r) => r.latencies);
      const errors = results[n].reduce((a, r) => a + r.errors, 0);
      return { requests: lat.length, rps: lat.length / seconds, p50: percentile(lat, 50), p99: percentile(lat, 99), errors };
    };
    const [a, b] = [merged('promts'), merged('prometheus')];
    const expectScrapes = Math.floor(windowS / INTERVAL_S) - 1;
    printRows(
      `HTTP API under load: ${targets * perTarget} active series (${targets} targets × ${perTarget}, every ${INTERVAL_S} s) ingested by both; ${concurrency} clients, ${seconds} s each, 7 dashboard panels (10 min range at 15 s)`,
      `node --import tsx bench/web.ts ${targets} ${perTarget} ${seconds} ${concurrency}`,
      [
        { name: 'requests/s (higher is better)', promts: a.rps, prometheus: b.rps, unit: '' },
        { name: 'p50 latency', promts: a.p50, prometheus: b.p50, unit: 'ms' },
        { name: 'p99 latency', promts: a.p99, prometheus: b.p99, unit: 'ms' },
        { name: 'errors', promts: a.errors, prometheus: b.errors, unit: `of ${a.requests} / ${b.requests}` },
        { name: 'server CPU per request', promts: (cpu.promts / a.requests) * 1000, prometheus: (cpu.prometheus / b.requests) * 1000, unit: 'ms' },
        { name: 'CPU for ingestion alone (no queries)', promts: idleCpu.promts * 100, prometheus: idleCpu.prometheus * 100, unit: '% of a core' },
        { name: `targets up at the end (of ${targets})`, promts: health.promts.targetsUp, prometheus: health.prometheus.targetsUp, unit: '' },
        { name: `min up over the run (${Math.round(windowS)} s)`, promts: health.promts.minUp, prometheus: health.prometheus.minUp, unit: '' },
        { name: `fewest scrapes of a target (≥ ${expectScrapes} expected)`, promts: health.promts.minScrapes, prometheus: health.prometheus.minScrapes, unit: '' },
        { name: 'max scrape_duration_seconds', promts: health.promts.maxScrapeDuration, prometheus: health.prometheus.maxScrapeDuration, unit: 's' },
      ],
    );
    process.stdout.write('p50 latency per panel under load (promts / prometheus):\n');
    panels(targets, 0).forEach((q, i) => {
      const lat = (n: 'promts' | 'prometheus') => percentile(results[n].flatMap((r) => r.byTag.get(i) ?? []), 50);
      process.stdout.write(`  ${lat('promts').toFixed(1).padStart(8)} ms ${lat('prometheus').toFixed(1).padStart(8)} ms  ${q}\n`);
    });
    const bad: string[] = [];
    for (const n of names) {
      const h = health[n];
      if (h.targetsUp !== targets || h.minUp !== 1) bad.push(`${n}: a scrape failed (targets up ${h.targetsUp}/${targets}, min up ${h.minUp})`);
      if (!(h.minScrapes >= expectScrapes)) bad.push(`${n}: a target was scraped only ${h.minScrapes} times in ${Math.round(windowS)} s (≥ ${expectScrapes} expected)`);
      if (!(h.maxScrapeDuration < INTERVAL_S)) bad.push(`${n}: a scrape took ${h.maxScrapeDuration} s (interval ${INTERVAL_S} s)`);
    }
    if (a.errors || b.errors) bad.push(`query errors: promts ${a.errors}, prometheus ${b.errors}`);
    process.stdout.write(bad.length ? `!!! ${bad.join('\n!!! ')}\n` : 'every scrape succeeded on both servers during the load (up == 1 throughout, no scrape skipped, all shorter than the interval)\n');
    if (bad.length) process.exitCode = 1;
  } finally {
    await Promise.all(names.map((n) => procs[n].stop()));
    await farm.close();
    dir.cleanup();
  }
}

// Run only when executed, so other benches can import runLoad.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
