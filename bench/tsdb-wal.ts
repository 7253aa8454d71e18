// WAL replay benchmark (issue 3): the same data dir (WAL + chunks_head, written by promts) is
// opened by promts (openDB, in a child process, and the built `promts server`) and by Debian's
// prometheus (start -> /-/ready), and both report how much memory the replayed head takes per
// series (RSS after replay minus RSS of the same program on an empty dir). Prints ratios.
// Usage: node --expose-gc dist/bench/tsdb-wal.js [series=10000] [samplesPerSeries=240]
//   (or: node --import tsx --expose-gc bench/tsdb-wal.ts ...)
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, startServer, tempDir, type RunningProcess } from '../test/helpers/index.js';
import { openDB } from '../src/tsdb/index.js';
import { Labels } from '../src/model/index.js';
import { printRows, procStats, prometheusBinary, startUntilReady } from './lib.js';

const self = fileURLToPath(import.meta.url);

interface ChildResult {
  openMs: number;
  /** CPU ms of the whole child process (start-up included) when the DB is ready. */
  cpuMs: number;
  rssBefore: number;
  rssAfter: number;
  heapAfter: number;
  series: number;
}

/** Child mode: open the DB, report timings and memory, exit. */
async function child(dir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const db = await openDB(dir, { backgroundCompaction: false });
  const openMs = performance.now() - t0;
  const cu = process.cpuUsage();
  const cpuMs = (cu.user + cu.system) / 1000;
  gc?.();
  const mu = process.memoryUsage();
  const res: ChildResult = { openMs, cpuMs, rssBefore, rssAfter: mu.rss, heapAfter: mu.heapUsed + mu.arrayBuffers, series: db.headStats().numSeries };
  process.stdout.write(JSON.stringify(res) + '\n');
  await db.close();
}

function runChild(dir: string): Promise<ChildResult & { wallMs: number }> {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const isTs = self.endsWith('.ts');
    const p = spawn(process.execPath, ['--expose-gc', ...(isTs ? ['--import', 'tsx'] : []), self, '--child', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('error', rej);
    p.on('close', (code) => {
      if (code !== 0) return rej(new Error(`child exited ${code}: ${out}`));
      res({ ...(JSON.parse(out.trim().split('\n').pop()!) as ChildResult), wallMs: performance.now() - t0 });
    });
  });
}

/** Starts a server (prometheus, or the built `promts server`) on dir; returns ms to /-/ready and RSS once ready. */
async function runServer(start: (args: string[]) => RunningProcess, dir: string, cfg: string): Promise<{ readyMs: number; rss: number; cpuMs: number }> {
  const port = await freePort();
  const { p, readyMs } = await startUntilReady(() => start([`--config.file=${cfg}`, `--storage.tsdb.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`]), `http://127.0.0.1:${port}`);
  try {
    const cpuMs = procStats(p.pid).cpuSeconds * 1000;
    await new Promise((r) => setTimeout(r, 500));
    return { readyMs, cpuMs, rss: procStats(p.pid).rssBytes };
  } finally {
    await p.stop();
  }
}

async function main(): Promise<void> {
  const [nSeries = 10_000, nSamples = 240] = process.argv.slice(2).map(Number);
  const prom = prometheusBinary();
  const tmp = tempDir('promts-bench-wal-');
  try {
    const src = join(tmp.path, 'src');
    // Data ends a minute ago so prometheus keeps all of it in the head (no compaction at start).
    const t0 = Date.now() - 60_000 - nSamples * 15_000;
    const db = await openDB(src, { backgroundCompaction: false });
    const labels = Array.from({ length: nSeries }, (_, i) => Labels.fromObject({ __name__: `bench_metric_${i % 100}`, instance: `host-${i % 50}:9100`, job: 'bench', series: String(i) }));
    const refs = new Array<number>(nSeries).fill(0);
    const w0 = performance.now();
    for (let k = 0; k < nSamples; k++) {
      const app = db.appender();
      for (let i = 0; i < nSeries; i++) refs[i] = app.append(refs[i] as never, labels[i]!, t0 + k * 15_000, Math.round(Math.random() * 1000));
      await app.commit();
    }
    const writeMs = performance.now() - w0;
    await db.close();
    const cfg = join(tmp.path, 'prometheus.yml');
    writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
    const copy = (name: string): string => {
      const d = join(tmp.path, name);
      cpSync(src, d, { recursive: true });
      return d;
    };
    const emptyDir = (name: string): string => {
      const d = join(tmp.path, name);
      mkdirSync(d);
      return d;
    };
    // Empty dirs first: what each program needs before holding any series.
    const prometheus = (args: string[]): RunningProcess => startProcess(prom, args);
    const promEmpty = await runServer(prometheus, emptyDir('p-empty'), cfg);
    const promtsEmpty = await runChild(emptyDir('t-empty'));
    const promts = await runChild(copy('promts'));
    const serverEmpty = await runServer(startServer, emptyDir('s-empty'), cfg);
    const server = await runServer(startServer, copy('server'), cfg);
    const promFull = await runServer(prometheus, copy('prom'), cfg);
    const total = nSeries * nSamples;
    process.stdout.write(`wrote ${nSeries} series x ${nSamples} samples (${total} samples) through openDB in ${writeMs.toFixed(0)} ms (${((total / writeMs) * 1000).toFixed(0)} samples/s)\n`);
    process.stdout.write(`promts openDB in-process: ${promts.openMs.toFixed(0)} ms for ${promts.series} series; live JS heap + buffers after replay: ${(promts.heapAfter / nSeries).toFixed(0)} B/series\n\n`);
    printRows('TSDB WAL replay', `node --expose-gc dist/bench/tsdb-wal.js ${nSeries} ${nSamples}`, [
      { name: `replay ${total} samples: process start -> ready`, promts: promts.wallMs, prometheus: promFull.readyMs, unit: 'ms' },
      { name: 'empty data dir: process start -> ready', promts: promtsEmpty.wallMs, prometheus: promEmpty.readyMs, unit: 'ms' },
      { name: `promts server (built CLI): replay -> /-/ready`, promts: server.readyMs, prometheus: promFull.readyMs, unit: 'ms' },
      { name: 'promts server (built CLI): empty data dir -> /-/ready', promts: serverEmpty.readyMs, prometheus: promEmpty.readyMs, unit: 'ms' },
      // CPU time is the fairer figure on a shared machine; Prometheus replays on several threads.
      { name: `replay CPU time (minus empty-dir start-up)`, promts: promts.cpuMs - promtsEmpty.cpuMs, prometheus: promFull.cpuMs - promEmpty.cpuMs, unit: 'ms' },
      { name: 'head memory per series (RSS delta)', promts: (promts.rssAfter - promts.rssBefore) / nSeries, prometheus: (promFull.rss - promEmpty.rss) / nSeries, unit: 'B' },
    ]);
  } finally {
    tmp.cleanup();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!);
else await main();
