// Opening an existing data dir of persisted blocks (issue 3): promts and Debian's prometheus
// start on copies of the same dir (B two-hour blocks of S series), and we compare time to
// /-/ready and resident memory once ready and after a query that reads the newest 10 minutes
// of every series. Prometheus mmaps block files, so its RSS counts the file pages it touched;
// promts reads pages through its own cache (src/tsdb/paged_file.ts). Prints ratios.
//
//   npm run build && node dist/bench/tsdb-open.js [blocks=6] [series=50000]
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, startServer, tempDir, type RunningProcess } from '../test/helpers/index.js';
import { writeBlock, type BlockSeriesInput } from '../src/tsdb/block/index.js';
import { Labels } from '../src/model/index.js';
import { printRows, procStats, prometheusBinary, startUntilReady } from './lib.js';


const H2 = 2 * 3600 * 1000;
const STEP = 15_000;

/** B consecutive 2 h blocks ending before now, S counter-like series each. Returns the last block's end. */
function generate(dir: string, blocks: number, series: number): number {
  const end = Math.floor((Date.now() - 3 * 3600 * 1000) / H2) * H2;
  const start = end - blocks * H2;
  const labels = Array.from({ length: series }, (_, i) => Labels.fromObject({ __name__: `bench_metric_${i % 50}`, instance: `host-${Math.floor(i / 50)}:9100`, job: 'bench' }));
  const n = H2 / STEP;
  for (let b = 0; b < blocks; b++) {
    const input: BlockSeriesInput[] = labels.map((l, i) => {
      const ts = new Float64Array(n);
      const vs = new Float64Array(n);
      let v = i;
      for (let k = 0; k < n; k++) {
        ts[k] = start + b * H2 + k * STEP;
        v += (i % 7) + (k % 3);
        vs[k] = v;
      }
      return { labels: l, ts, vs };
    });
    writeBlock(dir, input);
  }
  return end;
}

async function measure(start: () => RunningProcess, base: string, atMs: number): Promise<{ readyMs: number; rssReady: number; queryMs: number; rssQuery: number; result: string }> {
  const { p, readyMs } = await startUntilReady(start, base);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const rssReady = procStats(p.pid).rssBytes;
    // Reads the newest samples of every series (the last chunk of each in the newest block).
    const q = new URLSearchParams({ query: 'count({job="bench"})', time: String(atMs / 1000) });
    const t1 = performance.now();
    const r = await fetch(`${base}/api/v1/query?${q}`);
    const text = await r.text();
    if (!r.ok) throw new Error(`${base} query failed: ${r.status} ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { data: { result: { value: [number, string] }[] } };
    const queryMs = performance.now() - t1;
    await new Promise((r) => setTimeout(r, 500));
    return { readyMs, rssReady, queryMs, rssQuery: procStats(p.pid).rssBytes, result: body.data.result[0]?.value[1] ?? 'none' };
  } finally {
    await p.stop();
  }
}

async function main(): Promise<void> {
  const [blocks = 6, series = 50_000] = process.argv.slice(2).map(Number);
  const prom = prometheusBinary();
  const tmp = tempDir('promts-bench-open-');
  try {
    const src = join(tmp.path, 'src');
    const t0 = performance.now();
    const end = generate(src, blocks, series);
    process.stdout.write(`wrote ${blocks} blocks x ${series} series (${((blocks * series * H2) / STEP / 1e6).toFixed(0)} M samples) in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    const cfg = join(tmp.path, 'prometheus.yml');
    writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
    const copy = (n: string): string => {
      const d = join(tmp.path, n);
      cpSync(src, d, { recursive: true });
      return d;
    };
    // Max block duration 2h: neither server starts compacting the blocks while measured.
    const args = (dir: string, port: number): string[] => [`--config.file=${cfg}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=10y', '--storage.tsdb.max-block-duration=2h', '--log.level=warn'];
    const [pPort, qPort] = [await freePort(), await freePort()];
    // The built CLI, as a user starts it (start-up time is part of the figure; run `npm run build` first).
    const ours = await measure(() => startServer(args(copy('promts'), pPort)), `http://127.0.0.1:${pPort}`, end - 1);
    const theirs = await measure(() => startProcess(prom, args(copy('prom'), qPort)), `http://127.0.0.1:${qPort}`, end - 1);
    if (ours.result !== theirs.result) throw new Error(`answers differ: promts ${ours.result}, prometheus ${theirs.result}`);
    const mib = (b: number): number => b / 1048576;
    printRows('TSDB: opening a data dir of blocks', `node dist/bench/tsdb-open.js ${blocks} ${series}`, [
      { name: 'process start -> ready', promts: ours.readyMs, prometheus: theirs.readyMs, unit: 'ms' },
      { name: 'RSS once ready', promts: mib(ours.rssReady), prometheus: mib(theirs.rssReady), unit: 'MiB' },
      { name: `first query over every series (${ours.result} series)`, promts: ours.queryMs, prometheus: theirs.queryMs, unit: 'ms' },
      { name: 'RSS after that query', promts: mib(ours.rssQuery), prometheus: mib(theirs.rssQuery), unit: 'MiB' },
    ]);
  } finally {
    tmp.cleanup();
  }
}

await main();
