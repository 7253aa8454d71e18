// Side-by-side benchmark helpers: start promts and Debian's prometheus on the same workload in
// one run, read their CPU time and memory from /proc, and print ratios. Absolute times on a
// shared machine mean little; the ratio in one run is the figure we keep.
import { readFileSync } from 'node:fs';
import { debianBinary, startProcess, waitForHttp, type RunningProcess } from '../test/helpers/index.js';
import { sysconf } from './sysconf.js';

export interface ProcStats {
  /** user + system CPU seconds used so far. */
  cpuSeconds: number;
  /** Resident set size in bytes. */
  rssBytes: number;
  /** Peak resident set size in bytes. */
  hwmBytes: number;
}

export function procStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { cpuSeconds: ticks / sysconf.clockTicks, rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
}

/** Debian's prometheus binary, the peer every side-by-side bench runs; throws saying how to install it. */
export function prometheusBinary(): string {
  const prom = debianBinary('prometheus');
  if (!prom) throw new Error('Debian prometheus is not installed (apt-get install prometheus)');
  return prom;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

export interface BenchRow {
  name: string;
  promts: number;
  prometheus: number;
  unit: string;
  /** The ratio promts/prometheus must stay at or below this (from the issue). */
  limit?: number;
}

/** Prints rows as a markdown table with ratios, ready to paste into BENCHMARKS.md. */
export function printRows(title: string, command: string, rows: BenchRow[]): void {
  const out: string[] = [];
  out.push(`### ${title}`, '', `Command: \`${command}\` (${new Date().toISOString().slice(0, 16)}Z, ${process.arch}, node ${process.versions.node})`, '');
  out.push('| workload | promts | prometheus 2.42 | ratio | limit |', '|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.prometheus > 0 ? r.promts / r.prometheus : NaN;
    const mark = r.limit !== undefined ? (ratio <= r.limit ? ` ≤ ${r.limit} ✓` : ` > ${r.limit} ✗`) : '';
    out.push(`| ${r.name} | ${fmt(r.promts)} ${r.unit} | ${fmt(r.prometheus)} ${r.unit} | ${ratio.toFixed(2)} | ${mark.trim()} |`);
  }
  process.stdout.write(out.join('\n') + '\n\n');
}

function fmt(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/**
 * `promts server ARGS…` run from this checkout's sources (under tsx; from dist/ after a build),
 * so a bench measures the code as it is now without `npm run build`. nodeFlags go to node
 * (e.g. --cpu-prof). Stopped by PID through the returned handle.
 */
export function startPromtsFromSource(args: string[], nodeFlags: string[] = []): RunningProcess {
  const server = new URL('../src/server/index.js', import.meta.url).href;
  const script = `const { resolveServerOptions, runServer } = await import(${JSON.stringify(server)});
const raw = {};
for (const a of process.argv.slice(1)) { const m = /^--([^=]+)=(.*)$/.exec(a); if (m) raw[m[1]] = m[2]; }
process.exit(await runServer(resolveServerOptions(raw)));`;
  return startProcess(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script, '--', ...args]);
}

/**
 * Starts a server with `start` and waits for `${base}/-/ready`; resolves to the process (the
 * caller stops it) and the ms from start to ready.
 */
export async function startUntilReady(start: () => RunningProcess, base: string): Promise<{ p: RunningProcess; readyMs: number }> {
  const t0 = performance.now();
  const p = start();
  try {
    await waitForHttp(`${base}/-/ready`, 300_000, p);
  } catch (e) {
    await p.stop();
    throw e;
  }
  return { p, readyMs: performance.now() - t0 };
}
