// Peak memory of compaction, in-process: (a) head compaction of S series × N samples (one 2h
// range at a 15 s interval), (b) merging three such 2h blocks into one 6h block. Each workload
// runs in its own child process (so one's garbage does not count against the other); the
// child resets its RSS high-water mark (/proc/self/clear_refs) after setting up, runs the
// operation once, and prints VmHWM and the rise over the RSS it had before, plus the
// heapUsed / arrayBuffers seen by a 20 ms sampler (only ticks while the main thread is free,
// i.e. while a worker thread does the work; for inline work VmHWM is the figure to read).
//
//   node --import tsx --expose-gc bench/tsdb-compact.ts [series=100000] [samples=480]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '../src/model/index.js';
import { compactBlocks, writeBlock, type BlockSeriesInput } from '../src/tsdb/block/index.js';
import { openDB } from '../src/tsdb/db/index.js';

const STEP = 15_000;
const RANGE = 2 * 3600 * 1000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % RANGE);

const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

function labelsOf(i: number): Labels {
  return Labels.fromSortedFlat(['__name__', `bench_metric_${i % 100}`, 'instance', `host-${Math.floor(i / 100)}:9100`, 'job', 'node']);
}

/** Counter-like values: a per-series rate with jitter (deterministic), compressing like real data. */
function valueAt(i: number, k: number): number {
  return Math.floor(k * (1 + (i % 7)) * 10 + ((i * 31 + k * 17) % 13));
}

interface Peak {
  heapUsed: number;
  arrayBuffers: number;
}

/** Runs op once and reports its peak memory. */
async function measure(name: string, op: () => Promise<unknown> | unknown): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
  const peak: Peak = { heapUsed: base.heapUsed, arrayBuffers: base.arrayBuffers };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  }, 20);
  const t0 = performance.now();
  await op();
  const ms = performance.now() - t0;
  clearInterval(timer);
  const m = process.memoryUsage();
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  const hwm = kb('VmHWM');
  process.stdout.write(
    `| ${name} | ${(ms / 1000).toFixed(1)} s | ${mib(hwm)} | ${mib(hwm - base.rss)} | ${mib(peak.heapUsed - base.heapUsed)} | ${mib(peak.arrayBuffers - base.arrayBuffers)} |\n`,
  );
}

/** (a) A DB whose head holds one full 2h range, then compactHeadRange over it. */
async function headWorkload(series: number, samples: number, workers: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'promts-bench-compact-head-'));
  try {
    const db = await openDB(dir, { backgroundCompaction: false, workerThreads: workers, walCompression: true });
    const refs = new Array<number>(series).fill(0);
    const lsets = Array.from({ length: series }, (_, i) => labelsOf(i));
    for (let k = 0; k < samples; k++) {
      const app = db.appender();
      const t = T0 + k * STEP;
      for (let i = 0; i < series; i++) refs[i] = app.append(refs[i] as never, lsets[i]!, t, valueAt(i, k));
      await app.commit();
    }
    await measure(`head compaction, ${series} series × ${samples} samples${workers ? ' (worker thread)' : ' (inline)'}`, () => db.compactHeadRange(T0, T0 + RANGE));
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes three adjacent 2h blocks (setup; not measured). */
function setupBlocks(dir: string, series: number, samples: number): string[] {
  const dirs: string[] = [];
  for (let b = 0; b < 3; b++) {
    const ts = new Float64Array(samples);
    for (let k = 0; k < samples; k++) ts[k] = T0 + b * RANGE + k * STEP;
    const input: BlockSeriesInput[] = [];
    for (let i = 0; i < series; i++) {
      const vs = new Float64Array(samples);
      for (let k = 0; k < samples; k++) vs[k] = valueAt(i, b * samples + k);
      input.push({ labels: labelsOf(i), ts, vs });
    }
    dirs.push(writeBlock(dir, input)!.dir);
  }
  return dirs;
}

async function child(kind: string, series: number, samples: number, dir: string): Promise<void> {
  if (kind === 'head') return headWorkload(series, samples, false);
  if (kind === 'head-worker') return headWorkload(series, samples, true);
  if (kind === 'setup-blocks') {
    writeFileSync(join(dir, 'parents.json'), JSON.stringify(setupBlocks(dir, series, samples)));
    return;
  }
  // The parents were written by another process, so this one starts with a clean heap.
  const dirs = JSON.parse(readFileSync(join(dir, 'parents.json'), 'utf8')) as string[];
  await measure(`compact 3 × 2h blocks, ${series} series × ${samples} samples each`, () => compactBlocks(dir, dirs, { mode: 'merge' }));
}

const [a0, a1, a2] = process.argv.slice(2);
if (a0 === '--child') {
  await child(a1!, Number(a2), Number(process.argv[5]), process.argv[6] ?? '');
} else {
  const series = Number(a0 ?? 100_000);
  const samples = Number(a1 ?? 480);
  const blocksDir = mkdtempSync(join(tmpdir(), 'promts-bench-compact-blocks-'));
  process.stdout.write(`| workload | time | peak RSS (VmHWM) | RSS rise | heapUsed rise (sampled) | arrayBuffers rise (sampled) |\n|---|---|---|---|---|---|\n`);
  try {
    for (const kind of ['head', 'head-worker', 'setup-blocks', 'blocks']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', '--max-old-space-size=16384', fileURLToPath(import.meta.url), '--child', kind, String(series), String(samples), blocksDir], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) process.stdout.write(`| ${kind} | failed (exit ${r.status}) | | | | |\n`);
    }
  } finally {
    rmSync(blocksDir, { recursive: true, force: true });
  }
}
