// PromQL evaluation benchmark: typical dashboard queries as 6 h range queries at 60 s step
// over synthetic 15 s-scrape series in MemoryStorage. Prints per-query timings (median of
// runs); the side-by-side with Debian's prometheus is added by the bench harness.
//   node --import tsx bench/promql.ts [--runs 3]
import { Labels } from '../src/model/index.js';
import { MemoryStorage } from '../src/storage/index.js';
import { Engine } from '../src/promql/index.js';

const HOUR = 3600_000;
const END = 7 * HOUR;
const START = END - 6 * HOUR;
const SCRAPE = 15_000;
const LES = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

export const QUERIES = [
  'up',
  'sum(rate(http_requests_total[5m]))',
  'sum by (job) (rate(http_requests_total[5m]))',
  'sum by (code) (rate(http_requests_total{code=~"5.."}[5m])) / ignoring(code) group_left sum(rate(http_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))',
  'topk(5, sum by (instance) (rate(http_requests_total[5m])))',
  'avg by (instance) (1 - rate(node_cpu_seconds_total{mode="idle"}[5m]))',
  'max_over_time(node_load1[30m])',
  'increase(http_requests_total{method="GET"}[1h])',
  'rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])',
  'sum(up) by (job) / count(up) by (job)',
  'predict_linear(node_filesystem_free_bytes[1h], 4 * 3600) < 0',
  'avg_over_time(sum by (job) (rate(http_requests_total[1m]))[30m:1m])',
  'count by (job) (up == 1)',
  'quantile(0.9, rate(http_requests_total[5m]))',
];

async function synthetic(): Promise<{ storage: MemoryStorage; series: number; samples: number }> {
  const storage = new MemoryStorage();
  let series = 0;
  let samples = 0;
  const pending: Promise<void>[] = [];
  // One small batch per series: MemoryStorage checks each append against its batch.
  const add = (labels: Record<string, string>, f: (t: number, k: number) => number) => {
    const app = storage.appender();
    const l = Labels.fromObject(labels);
    series++;
    let k = 0;
    for (let t = START - HOUR; t <= END; t += SCRAPE, k++) {
      app.append(0, l, t, f(t, k));
      samples++;
    }
    pending.push(app.commit());
  };
  for (let i = 0; i < 20; i++) {
    const instance = `10.0.0.${i}:8080`;
    const job = i < 10 ? 'api' : 'web';
    add({ __name__: 'up', job, instance }, () => 1);
    for (const method of ['GET', 'POST']) {
      for (const code of ['200', '404', '500']) {
        const rate = (i + 1) * (code === '200' ? 10 : 1) * (method === 'GET' ? 3 : 1);
        add({ __name__: 'http_requests_total', job, instance, method, code }, (_t, k) => k * rate);
      }
    }
    LES.forEach((le, j) => add({ __name__: 'http_request_duration_seconds_bucket', job, instance, le }, (_t, k) => k * (j + 1) * 5));
    add({ __name__: 'http_request_duration_seconds_sum', job, instance }, (_t, k) => k * 2.5);
    add({ __name__: 'http_request_duration_seconds_count', job, instance }, (_t, k) => k * 50);
    for (const mode of ['idle', 'user', 'system']) add({ __name__: 'node_cpu_seconds_total', instance, mode }, (_t, k) => k * (mode === 'idle' ? 12 : 1.5));
    add({ __name__: 'node_load1', instance }, (t) => 1 + Math.sin(t / 600_000 + i));
    add({ __name__: 'node_filesystem_free_bytes', instance, mountpoint: '/' }, (_t, k) => 1e11 - k * 1e6 * (i + 1));
  }
  await Promise.all(pending);
  return { storage, series, samples };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
  const { storage, series, samples } = await synthetic();
  const engine = new Engine();
  process.stdout.write(`promql bench: ${series} series, ${samples} samples; 6h range at 60s step (361 steps), median of ${runs} runs\n`);
  let total = 0;
  let totalCpu = 0;
  for (const q of QUERIES) {
    const times: number[] = [];
    const cpus: number[] = [];
    let points = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const res = await engine.rangeQuery(storage, q, START, END, 60_000);
      const c = process.cpuUsage(c0);
      times.push(performance.now() - t0);
      cpus.push((c.user + c.system) / 1000);
      if (res.value.type === 'matrix') points = res.value.series.reduce((n, s) => n + s.values.length, 0);
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const med = median(times);
    const cpu = median(cpus);
    total += med;
    totalCpu += cpu;
    process.stdout.write(`${med.toFixed(1).padStart(9)} ms ${cpu.toFixed(1).padStart(9)} ms cpu  ${String(points).padStart(7)} points  ${q}\n`);
  }
  process.stdout.write(`${total.toFixed(1).padStart(9)} ms ${totalCpu.toFixed(1).padStart(9)} ms cpu  total (wall-clock and CPU time, medians)\n`);
}

await main();
