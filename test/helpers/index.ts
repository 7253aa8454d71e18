// Test helpers: where things are, free ports, real processes started and stopped by PID,
// and the promts CLI run the way a user runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (works from test/ under tsx and from dist/test/ after a build). */
export const repoRoot = findUp(here, 'package.json');
/** ../shared beside the checkout: conformance corpora, fixtures, reference docs. Never copied. */
export const sharedDir = resolve(repoRoot, '..', 'shared');
export const fixturesDir = join(sharedDir, 'fixtures');
export const conformanceDir = join(sharedDir, 'conformance');
export const cliPath = join(repoRoot, 'bin', 'run.cjs');

function findUp(start: string, file: string): string {
  let d = start;
  for (;;) {
    if (existsSync(join(d, file)) && !d.endsWith('/dist')) return d;
    const up = dirname(d);
    if (up === d) throw new Error(`cannot find ${file} above ${start}`);
    d = up;
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'promts-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A writable copy of a fixture data dir (../shared is read-only, and opening a data dir for
 * writing repairs, compacts and locks it). Copies into `dest`, or a fresh temp dir.
 */
export function copyFixture(name: string, dest?: string): { path: string; cleanup: () => void } {
  const t = dest ? { path: dest, cleanup: () => rmSync(dest, { recursive: true, force: true }) } : tempDir('promts-fixture-');
  cpSync(join(fixturesDir, name), t.path, { recursive: true });
  const walk = (d: string): void => {
    chmodSync(d, 0o755);
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else chmodSync(p, 0o644);
    }
  };
  walk(t.path);
  return t;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `promts ARGS…` (the built CLI) to completion. */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return runCommand(process.execPath, [cliPath, ...args], opts);
}

/** Runs any program to completion and captures its output. */
export function runCommand(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', rej);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    // A program may exit before reading its input (tmux does): that is not the test's failure.
    p.stdin.on('error', () => {});
    p.stdin.end(opts.input ?? '');
  });
}

export interface RunningProcess {
  readonly pid: number;
  readonly proc: ChildProcess;
  output(): string;
  /** Sends SIGTERM (then SIGKILL after graceMs) and waits for the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill(): Promise<void>;
}

/** Starts a long-running program; it is stopped by PID through the returned handle. */
export function startProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningProcess {
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(t);
    return code;
  };
  return {
    pid: proc.pid!,
    proc,
    output: () => out,
    stop,
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts `promts server` with the given flags. */
export function startServer(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningProcess {
  return startProcess(process.execPath, [cliPath, 'server', ...args], opts);
}

/** Polls url until it answers 2xx, or throws after timeoutMs with what the process printed. */
export async function waitForHttp(url: string, timeoutMs = 30_000, proc?: RunningProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc && (proc.proc.exitCode !== null || proc.proc.signalCode !== null)) {
      throw new Error(`process exited (${proc.proc.exitCode ?? proc.proc.signalCode}) before ${url} answered:\n${proc.output()}`);
    }
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${last})${proc ? '\n' + proc.output() : ''}`);
}

/** Waits until check() returns a truthy value, polling every intervalMs. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastErr ? ': ' + String(lastErr) : ''}`);
}

/** Path of a Debian binary, or undefined when the package is not installed. */
export function debianBinary(name: string): string | undefined {
  for (const d of ['/usr/bin', '/usr/sbin', '/bin']) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}
