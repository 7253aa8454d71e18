// PromQL side by side (issue 4): ~10k series of dashboard metrics (request counters, latency
// histograms, node gauges) over 7 h, written as one TSDB block with promts's block writer,
// copied twice and served by Debian's prometheus and by `promts server` (from source) at
// the same time. The typical dashboard queries run as 6 h query_range at 60 s step over HTTP,
// alternating between the two servers, several runs; we print per-query median latency and
// server CPU time, the ratios, and check that both answers are equal (same series, same
// timestamps, values within 1e-9 relative). A mismatch is printed loudly and fails the run.
//
//   node --import tsx bench/promql.ts [--runs 7] [--data DIR] [--only SUBSTR]
//   node --import tsx bench/promql.ts --inprocess [--runs 5] [--data DIR] [--only SUBSTR]
//
// --data DIR keeps the generated block in DIR and reuses it on the next run (generation takes
// a few seconds). --inprocess skips the servers and runs promts's engine in this process over
// the same block (for `node --cpu-prof --import tsx bench/promql.ts --inprocess`).
// PROMTS_BENCH_CPU_PROF=DIR runs the promts server under --cpu-prof (written when it stops).
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../src/model/index.js';
import { writeBlock, type BlockSeriesInput } from '../src/tsdb/block/index.js';
import { freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../test/helpers/index.js';
import { median, printRows, procStats, prometheusBinary, startPromtsFromSource, type BenchRow } from './lib.js';

const HOUR = 3600_000;
/** Data: 7 h at 15 s, starting on a 2 h boundary (one block; Prometheus never compacts a lone block). */
const DATA_START = Date.UTC(2023, 1, 1, 0);
const DATA_END = DATA_START + 7 * HOUR;
const SCRAPE = 15_000;
/** Queries: the last 6 h of the data at 60 s (361 steps); 1 h windows still find data. */
const Q_END = DATA_END - SCRAPE;
const Q_START = Q_END - 6 * HOUR;
const Q_STEP = 60_000;
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];

export const QUERIES = [
  'rate(http_requests_total{job="api",instance="10.1.0.7:8080"}[5m])',
  'sum(rate(http_requests_total[5m]))',
  'sum by (job, status) (rate(http_requests_total[5m]))',
  'sum by (instance) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (instance) (rate(http_requests_total[5m]))',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="api"}[5m])))',
  'topk(5, sum by (instance) (rate(http_requests_total[5m])))',
  'avg_over_time(node_load1[10m])',
  '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
  'sum by (handler) (rate(http_requests_total{handler=~"/api/.*",method!="GET"}[5m]))',
  'count by (job) (up == 1)',
  'max_over_time(process_resident_memory_bytes[30m])',
  'increase(http_requests_total{method="POST"}[1h])',
  'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])',
  'sum by (instance) (irate(node_network_receive_bytes_total{device!~"lo|docker.*"}[5m]))',
  'quantile(0.9, go_goroutines) by (job)',
];

// ---- data -----------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run (and both servers) sees the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates the series (same every time) and writes them as one block under dir. */
function generate(dir: string): { series: number; samples: number } {
  const rnd = prng(42);
  const n = (DATA_END - DATA_START) / SCRAPE;
  const out: BlockSeriesInput[] = [];
  // Each target scrapes at its own offset inside the interval, like Prometheus spreads them.
  const tsFor = new Map<number, Float64Array>();
  const timestamps = (offset: number): Float64Array => {
    let ts = tsFor.get(offset);
    if (!ts) {
      ts = new Float64Array(n);
      for (let k = 0; k < n; k++) ts[k] = DATA_START + offset + k * SCRAPE;
      tsFor.set(offset, ts);
    }
    return ts;
  };
  const add = (labels: Record<string, string>, ts: Float64Array, vs: Float64Array) => out.push({ labels: Labels.fromObject(labels), ts, vs });
  /** A counter growing by ~perSec per second, reset to 0 at step `reset` (-1: never). */
  const counter = (perSec: number, integer: boolean, reset: number): Float64Array => {
    const vs = new Float64Array(n);
    let v = perSec * 3600 * rnd();
    for (let k = 0; k < n; k++) {
      if (k === reset) v = 0;
      const inc = perSec * 15 * (0.6 + 0.8 * rnd());
      v += integer ? Math.round(inc) : Math.round(inc * 100) / 100;
      vs[k] = v;
    }
    return vs;
  };
  /** A gauge doing a bounded random walk. */
  const gauge = (base: number, spread: number, integer: boolean): Float64Array => {
    const vs = new Float64Array(n);
    let x = 0;
    for (let k = 0; k < n; k++) {
      x = Math.max(-1, Math.min(1, x + (rnd() - 0.5) * 0.1));
      const v = base + spread * x;
      vs[k] = integer ? Math.round(v) : v;
    }
    return vs;
  };
  const jobs: [string, number][] = [['api', 60], ['web', 40]];
  let host = 0;
  for (const [job, count] of jobs) {
    for (let i = 0; i < count; i++, host++) {
      const instance = `10.${job === 'api' ? 1 : 2}.0.${i}:8080`;
      const node = `10.${job === 'api' ? 1 : 2}.0.${i}:9100`;
      const ts = timestamps((host * 149) % SCRAPE);
      const nts = timestamps((host * 149 + 7000) % SCRAPE);
      // One instance in twenty restarts once: its counters reset.
      const reset = host % 20 === 3 ? Math.floor(n * 0.6) + host : -1;
      const up = new Float64Array(n).fill(1);
      if (host % 25 === 11) up.fill(0, Math.floor(n / 2), Math.floor(n / 2) + 20);
      add({ __name__: 'up', job, instance }, ts, up);
      add({ __name__: 'up', job: 'node', instance: node }, nts, new Float64Array(n).fill(1));
      for (const handler of ['/api/v1/query', '/api/v1/series', '/metrics', '/']) {
        for (const method of ['GET', 'POST']) {
          for (const status of ['200', '201', '404', '500', '503']) {
            const base = (status === '200' ? 20 : status === '201' ? 4 : 0.3) * (method === 'GET' ? 3 : 1) * (handler === '/' ? 0.2 : 1);
            add({ __name__: 'http_requests_total', job, instance, handler, method, status }, ts, counter(base, true, reset));
          }
        }
      }
      for (const method of ['GET', 'POST']) {
        // Latency histogram: per scrape a number of requests spread over the buckets by a
        // fixed CDF, so buckets are cumulative and consistent with _count and _sum.
        const buckets = LES.map(() => new Float64Array(n));
        const sum = new Float64Array(n);
        const cnt = new Float64Array(n);
        const cdf = [0.02, 0.08, 0.25, 0.45, 0.65, 0.82, 0.92, 0.97, 0.99, 0.997, 1];
        let c = 0;
        let s = 0;
        const acc = LES.map(() => 0);
        const scale = 0.5 + (host % 7) * 0.1;
        for (let k = 0; k < n; k++) {
          if (k === reset) {
            c = 0;
            s = 0;
            acc.fill(0);
          }
          const reqs = Math.round(300 * (0.6 + 0.8 * rnd()));
          c += reqs;
          s += reqs * 0.21 * scale * (0.8 + 0.4 * rnd());
          for (let b = 0; b < LES.length; b++) {
            acc[b]! += Math.floor(reqs * Math.min(1, cdf[b]! / scale));
            buckets[b]![k] = acc[b]!;
          }
          buckets[LES.length - 1]![k] = c;
          sum[k] = s;
          cnt[k] = c;
        }
        LES.forEach((le, b) => add({ __name__: 'http_request_duration_seconds_bucket', job, instance, method, le }, ts, buckets[b]!));
        add({ __name__: 'http_request_duration_seconds_sum', job, instance, method }, ts, sum);
        add({ __name__: 'http_request_duration_seconds_count', job, instance, method }, ts, cnt);
      }
      add({ __name__: 'process_resident_memory_bytes', job, instance }, ts, gauge(2e8 + host * 1e6, 5e7, true));
      add({ __name__: 'go_goroutines', job, instance }, ts, gauge(200 + host, 50, true));
      for (let cpu = 0; cpu < 4; cpu++) {
        for (const mode of ['idle', 'user', 'system', 'iowait', 'irq']) {
          const share = mode === 'idle' ? 0.7 : mode === 'user' ? 0.2 : mode === 'system' ? 0.07 : 0.015;
          add({ __name__: 'node_cpu_seconds_total', job: 'node', instance: node, cpu: String(cpu), mode }, nts, counter(share, false, -1));
        }
      }
      add({ __name__: 'node_load1', job: 'node', instance: node }, nts, gauge(1.5 + (host % 5), 1.2, false));
      add({ __name__: 'node_memory_MemAvailable_bytes', job: 'node', instance: node }, nts, gauge(8e9, 1e9, true));
      for (const mountpoint of ['/', '/var']) {
        const vs = new Float64Array(n);
        for (let k = 0; k < n; k++) vs[k] = 5e10 - k * (host % 10 === 0 ? 2e7 : 1e5) - Math.round(rnd() * 1e6);
        add({ __name__: 'node_filesystem_avail_bytes', job: 'node', instance: node, mountpoint, device: '/dev/sda1' }, nts, vs);
      }
      for (const device of ['eth0', 'eth1', 'lo', 'docker0']) {
        add({ __name__: 'node_network_receive_bytes_total', job: 'node', instance: node, device }, nts, counter(device === 'eth0' ? 5e5 : 1e4, true, -1));
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  writeBlock(dir, out);
  return { series: out.length, samples: out.length * n };
}

// ---- comparing answers ------------------------------------------------------------------------

interface ApiMatrix {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

const metricKey = (m: Record<string, string>): string => JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/**
 * The values at each timestamp, sorted: what topk/bottomk must agree on. Which of two series
 * with exactly equal values they keep is not defined — Prometheus's choice follows Go map
 * order, so it can differ from one run to the next.
 */
function valuesByStep(m: ApiMatrix): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const s of m.data!.result) {
    for (const [t, v] of s.values) {
      let a = out.get(t);
      if (!a) out.set(t, (a = []));
      a.push(Number(v));
    }
  }
  for (const a of out.values()) a.sort((x, y) => x - y);
  return out;
}

/** Differences between two query_range answers, empty when equal. tiesMayDiffer: topk/bottomk. */
export function compareMatrix(ours: ApiMatrix, theirs: ApiMatrix, tiesMayDiffer = false): string[] {
  if (ours.status !== 'success' || theirs.status !== 'success') return [`status: promts ${ours.status} ${ours.error ?? ''} / prometheus ${theirs.status} ${theirs.error ?? ''}`];
  if (tiesMayDiffer) {
    const [a, b] = [valuesByStep(ours), valuesByStep(theirs)];
    const diffs: string[] = [];
    for (const t of new Set([...a.keys(), ...b.keys()])) {
      const [x, y] = [a.get(t) ?? [], b.get(t) ?? []];
      if (x.length !== y.length || x.some((v, i) => !sameValue(String(v), String(y[i]!)))) diffs.push(`@${t}: promts [${x.join(', ')}], prometheus [${y.join(', ')}]`);
    }
    return diffs;
  }
  const diffs: string[] = [];
  const a = new Map(ours.data!.result.map((s) => [metricKey(s.metric), s.values]));
  const b = new Map(theirs.data!.result.map((s) => [metricKey(s.metric), s.values]));
  for (const k of a.keys()) if (!b.has(k)) diffs.push(`series only in promts: ${k}`);
  for (const k of b.keys()) if (!a.has(k)) diffs.push(`series only in prometheus: ${k}`);
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (!vb) continue;
    if (va.length !== vb.length) {
      diffs.push(`${k}: ${va.length} points in promts, ${vb.length} in prometheus`);
      continue;
    }
    for (let i = 0; i < va.length; i++) {
      if (va[i]![0] !== vb[i]![0] || !sameValue(va[i]![1], vb[i]![1])) {
        diffs.push(`${k} @${vb[i]![0]}: promts ${va[i]![0]}=${va[i]![1]}, prometheus ${vb[i]![0]}=${vb[i]![1]}`);
        break;
      }
    }
  }
  return diffs;
}

// ---- servers ------------------------------------------------------------------------------------

interface Server {
  name: 'promts' | 'prometheus';
  base: string;
  proc: RunningProcess;
}

async function startServers(dataDir: string, work: string): Promise<Server[]> {
  const prom = prometheusBinary();
  const cfg = join(work, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 15s\n');
  const copy = (name: string): string => {
    const d = join(work, name);
    cpSync(dataDir, d, { recursive: true });
    return d;
  };
  const [pPort, qPort] = [await freePort(), await freePort()];
  // PROMTS_BENCH_CPU_PROF=DIR profiles the promts server (written when it stops).
  const prof = process.env['PROMTS_BENCH_CPU_PROF'];
  const nodeFlags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const common = (dir: string, port: number) => [`--config.file=${cfg}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=10y', '--log.level=warn'];
  const servers: Server[] = [
    { name: 'promts', base: `http://127.0.0.1:${pPort}`, proc: startPromtsFromSource(common(copy('promts'), pPort), nodeFlags) },
    { name: 'prometheus', base: `http://127.0.0.1:${qPort}`, proc: startProcess(prom, common(copy('prometheus'), qPort)) },
  ];
  try {
    for (const s of servers) await waitForHttp(`${s.base}/-/ready`, 120_000, s.proc);
  } catch (e) {
    await Promise.all(servers.map((s) => s.proc.stop()));
    throw e;
  }
  return servers;
}

async function rangeQuery(base: string, q: string): Promise<{ ms: number; body: ApiMatrix }> {
  const form = new URLSearchParams({ query: q, start: String(Q_START / 1000), end: String(Q_END / 1000), step: String(Q_STEP / 1000) });
  const t0 = performance.now();
  const r = await fetch(`${base}/api/v1/query_range`, { method: 'POST', body: form });
  const text = await r.text();
  const ms = performance.now() - t0;
  return { ms, body: JSON.parse(text) as ApiMatrix };
}

// ---- modes ----------------------------------------------------------------------------------------

function args(): { runs: number; data?: string; only?: string; inprocess: boolean } {
  const a = process.argv;
  const val = (f: string) => (a.indexOf(f) > 0 ? a[a.indexOf(f) + 1] : undefined);
  return { runs: Number(val('--runs') ?? 7), data: val('--data'), only: val('--only'), inprocess: a.includes('--inprocess') };
}

function ensureData(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).some((f) => /^[0-9A-Z]{26}$/.test(f))) return;
  const t0 = performance.now();
  const { series, samples } = generate(dir);
  process.stdout.write(`generated ${series} series, ${samples} samples (7 h at 15 s) as one block in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

async function inProcess(dataDir: string, queries: string[], runs: number): Promise<void> {
  const { openDBReadOnly } = await import('../src/tsdb/index.js');
  const { Engine } = await import('../src/promql/index.js');
  const db = await openDBReadOnly(dataDir, false);
  const engine = new Engine();
  let total = 0;
  let totalCpu = 0;
  for (const q of queries) {
    const times: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      await engine.rangeQuery(db, q, Q_START, Q_END, Q_STEP);
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpus.push((c.user + c.system) / 1000);
    }
    total += median(times);
    totalCpu += median(cpus);
    process.stdout.write(`${median(times).toFixed(1).padStart(9)} ms ${median(cpus).toFixed(1).padStart(9)} ms cpu  ${q}\n`);
  }
  process.stdout.write(`${total.toFixed(1).padStart(9)} ms ${totalCpu.toFixed(1).padStart(9)} ms cpu  total (medians of ${runs})\n`);
}

async function sideBySide(dataDir: string, queries: string[], runs: number): Promise<boolean> {
  const work = tempDir('promts-bench-promql-');
  let servers: Server[];
  try {
    servers = await startServers(dataDir, work.path);
  } catch (e) {
    work.cleanup();
    throw e;
  }
  let ok = true;
  try {
    // Sanity: both loaded the block.
    for (const s of servers) {
      const r = (await (await fetch(`${s.base}/api/v1/query?${new URLSearchParams({ query: 'count({__name__=~".+"})', time: String(Q_END / 1000) })}`)).json()) as { data: { result: { value: [number, string] }[] } };
      process.stdout.write(`${s.name.padEnd(10)} ${s.base}: ${r.data.result[0]?.value[1] ?? 0} series at the end of the range\n`);
    }
    // Warm-up (page cache, JIT) and the equality check, on the first answers.
    let mismatches = 0;
    for (const q of queries) {
      const [a, b] = [await rangeQuery(servers[0]!.base, q), await rangeQuery(servers[1]!.base, q)];
      const ties = /^(topk|bottomk)\b/.test(q);
      let diffs = compareMatrix(a.body, b.body);
      if (diffs.length && ties && compareMatrix(a.body, b.body, true).length === 0) {
        process.stdout.write(`note: ${q}: same values at every step; ${diffs.length} series differ only by which of two equal values was kept\n`);
        diffs = [];
      }
      if (diffs.length) {
        mismatches++;
        process.stdout.write(`\n!!! MISMATCH !!! ${q}\n${diffs.slice(0, 5).map((d) => '    ' + d).join('\n')}${diffs.length > 5 ? `\n    ... ${diffs.length - 5} more` : ''}\n`);
      }
    }
    process.stdout.write(mismatches ? `\n!!! ${mismatches} of ${queries.length} queries answered differently !!!\n\n` : `answers equal for all ${queries.length} queries (same series, values within 1e-9 relative)\n`);
    ok = mismatches === 0;
    const wall = new Map<string, Record<string, number[]>>();
    const cpu = new Map<string, Record<string, number[]>>();
    for (const q of queries) {
      wall.set(q, { promts: [], prometheus: [] });
      cpu.set(q, { promts: [], prometheus: [] });
    }
    for (let r = 0; r < runs; r++) {
      // Alternate who goes first, so neither always runs on a cache the other warmed.
      const order = r % 2 ? [servers[1]!, servers[0]!] : servers;
      for (const q of queries) {
        for (const s of order) {
          const c0 = procStats(s.proc.pid).cpuSeconds;
          const { ms, body } = await rangeQuery(s.base, q);
          if (body.status !== 'success') throw new Error(`${s.name}: ${q}: ${body.error}`);
          wall.get(q)![s.name]!.push(ms);
          cpu.get(q)![s.name]!.push((procStats(s.proc.pid).cpuSeconds - c0) * 1000);
        }
      }
    }
    const rows: BenchRow[] = [];
    let tp = 0;
    let tq = 0;
    let cp = 0;
    let cq = 0;
    for (const q of queries) {
      const w = wall.get(q)!;
      const c = cpu.get(q)!;
      const [mp, mq] = [median(w['promts']!), median(w['prometheus']!)];
      tp += mp;
      tq += mq;
      cp += median(c['promts']!);
      cq += median(c['prometheus']!);
      rows.push({ name: '`' + q.replace(/\|/g, '\\|') + '`', promts: mp, prometheus: mq, unit: 'ms', limit: 1.5 });
    }
    rows.push({ name: '**total** (sum of medians)', promts: tp, prometheus: tq, unit: 'ms', limit: 1.0 });
    rows.push({ name: 'total server CPU time (sum of medians)', promts: cp, prometheus: cq, unit: 'ms' });
    printRows(`PromQL: ${queries.length} dashboard queries, 6 h range at 60 s step, median of ${runs} runs over HTTP`, `node --import tsx bench/promql.ts --runs ${runs}`, rows);
  } finally {
    await Promise.all(servers.map((s) => s.proc.stop()));
    work.cleanup();
  }
  return ok;
}

async function main(): Promise<void> {
  const { runs, data, only, inprocess } = args();
  const queries = only ? QUERIES.filter((q) => q.includes(only)) : QUERIES;
  const tmp = data ? undefined : tempDir('promts-bench-promql-data-');
  const dataDir = data ?? tmp!.path;
  try {
    ensureData(dataDir);
    if (inprocess) await inProcess(dataDir, queries, runs);
    else if (!(await sideBySide(dataDir, queries, runs))) process.exitCode = 1;
  } finally {
    tmp?.cleanup();
  }
}

await main();
