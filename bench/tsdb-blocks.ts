// Benchmark: `promts tsdb analyze|dump` against Debian's `promtool tsdb analyze|dump` on the
// fixture blocks (../shared/fixtures/blocks, copied to a temp dir because promtool creates
// chunks_head/ in the dir it reads). Each workload runs both CLIs end to end (process start
// included) a few times, interleaved; prints medians and the ratio promts/promtool. Because
// the promts CLI's start-up (oclif loading every command) dominates small workloads, it also
// prints `promts --version` alone and the same work done in-process through src/tsdb/block.
//
//   npx tsc -p . && node dist/bench/tsdb-blocks.js [repetitions]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, closeSync, rmSync, existsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = existsSync(join(here, '..', 'package.json')) ? resolve(here, '..') : resolve(here, '..', '..');
const cli = join(root, 'bin', 'run.cjs');
const fixtures = resolve(root, '..', 'shared', 'fixtures', 'blocks');
const promtool = '/usr/bin/promtool';
const reps = Number(process.argv[2] ?? 5);

const data = mkdtempSync(join(tmpdir(), 'promts-bench-'));
cpSync(fixtures, data, { recursive: true });
const devnull = openSync('/dev/null', 'w');

// The library, loaded from the build next to this file (dist/bench -> dist/src).
const lib = (await import(join(here, '..', 'src', 'tsdb', 'block', 'index.js'))) as typeof import('../src/tsdb/block/index.js');
const all = lib.parseSeriesSelector("{__name__=~'(?s:.*)'}");
const toNull = (b: Buffer): void => void writeSync(devnull, b);

const workloads: { name: string; args: string[]; inProcess: () => Promise<void> | void }[] = [
  { name: 'analyze (last block)', args: ['tsdb', 'analyze', data], inProcess: () => void lib.analyzeBlock(lib.pickBlock(lib.openBlocks(data), undefined), 20, false) },
  { name: 'analyze --extended', args: ['tsdb', 'analyze', '--extended', data], inProcess: () => void lib.analyzeBlock(lib.pickBlock(lib.openBlocks(data), undefined), 20, true) },
  // All four blocks, every sample (459,716 lines); ends before the last block's maxTime so
  // neither tool needs a WAL.
  { name: 'dump all samples', args: ['tsdb', 'dump', '--min-time=1675211399983', '--max-time=1675234785000', data], inProcess: () => lib.dumpDataDir(data, 1675211399983, 1675234785000, all, toNull) },
  { name: 'dump 4 min window', args: ['tsdb', 'dump', '--min-time=1675216680000', '--max-time=1675216920000', data], inProcess: () => lib.dumpDataDir(data, 1675216680000, 1675216920000, all, toNull) },
];

function time(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', devnull, 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

try {
  process.stdout.write(`tsdb blocks benchmark: ${reps} runs each, median wall time, end to end (process start included)\n`);
  const startup: number[] = [];
  for (let i = 0; i < reps; i++) startup.push(time(process.execPath, [cli, '--version']));
  process.stdout.write(`promts CLI start-up alone (promts --version): ${median(startup).toFixed(0)} ms\n`);
  process.stdout.write(`${'workload'.padEnd(22)}${'promts CLI'.padStart(12)}${'in-process'.padStart(12)}${'promtool'.padStart(10)}${'CLI ratio'.padStart(11)}${'lib ratio'.padStart(11)}\n`);
  for (const w of workloads) {
    const ours: number[] = [];
    const lib: number[] = [];
    const theirs: number[] = [];
    // Interleave the runs so background load hits all alike.
    for (let i = 0; i < reps; i++) {
      ours.push(time(process.execPath, [cli, ...w.args]));
      theirs.push(time(promtool, w.args));
      const t0 = process.hrtime.bigint();
      await w.inProcess();
      lib.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const [a, l, b] = [median(ours), median(lib), median(theirs)];
    process.stdout.write(`${w.name.padEnd(22)}${a.toFixed(0).padStart(12)}${l.toFixed(0).padStart(12)}${b.toFixed(0).padStart(10)}${(a / b).toFixed(2).padStart(11)}${(l / b).toFixed(2).padStart(11)}\n`);
  }
} finally {
  closeSync(devnull);
  rmSync(data, { recursive: true, force: true });
}
