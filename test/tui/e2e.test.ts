// `promts dashboard` as a user runs it: in a real terminal (tmux, 80×24 and 160×48) against
// a real server: Debian's prometheus 2.42 on a copy of the live fixture, scraping itself and
// a target that is always down, with alerting and recording rules; then against
// `promts server`. Keys are sent with tmux send-keys and frames read with capture-pane.
//
// Set PROMTS_SCREENSHOTS=<dir> to keep the captured panes (README's Dashboard section).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { cliPath, debianBinary, eventually, fixturesDir, freePort, repoRoot, startProcess, startServer, tempDir, waitForHttp, type RunningProcess } from '../helpers/index.js';

const prometheusBin = debianBinary('prometheus');
const tmuxBin = debianBinary('tmux');
const screenshots = process.env['PROMTS_SCREENSHOTS'];
const execFileP = promisify(execFile);

const RULES = `groups:
  - name: demo-recording
    interval: 1s
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - record: demo:duplicate
        expr: up * on() up
  - name: demo-alerts
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {severity: page}
        annotations: {summary: "Always firing, for the dashboard demo."}
      - alert: TargetDown
        expr: up == 0
        for: 10m
        labels: {severity: warning}
        annotations: {summary: "{{ $labels.instance }} of {{ $labels.job }} is down"}
      - alert: NeverFires
        expr: vector(1) == 2
`;

function config(port: number): string {
  return `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:${port}"]
  - job_name: down
    static_configs:
      - targets: ["127.0.0.1:1"]
        labels: {env: demo}
`;
}

/** A tmux server of our own per session (its own socket): killing it touches nothing else. */
class Tmux {
  private readonly socket: string;
  constructor(private readonly session: string) {
    this.socket = `promts-e2e-${process.pid}-${session}`;
  }
  // execFile, not the shared runCommand: tmux exits at once and writing to its stdin could EPIPE.
  async run(...args: string[]): Promise<string> {
    const r = await execFileP(tmuxBin!, ['-L', this.socket, ...args], { timeout: 10_000, encoding: 'utf8' });
    return r.stdout;
  }
  start(cols: number, rows: number, command: string): Promise<string> {
    return this.run('new-session', '-d', '-s', this.session, '-x', String(cols), '-y', String(rows), '-c', repoRoot, command);
  }
  capture(): Promise<string> {
    return this.run('capture-pane', '-p', '-t', this.session);
  }
  /** Named keys (Enter, Escape, C-g) and single characters. */
  keys(...keys: string[]): Promise<string> {
    return this.run('send-keys', '-t', this.session, ...keys);
  }
  type(text: string): Promise<string> {
    return this.run('send-keys', '-t', this.session, '-l', text);
  }
  /** Waits for a frame that passes check; fails showing the last frame. */
  async frame(check: (f: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    let last = '';
    try {
      return await eventually(async () => {
        last = await this.capture();
        return check(last) ? last : undefined;
      }, timeoutMs, 150);
    } catch {
      throw new Error(`no frame with ${what} within ${timeoutMs} ms; last frame:\n${last}`);
    }
  }
  async kill(): Promise<void> {
    await this.run('kill-server').catch(() => undefined); // already gone when every session ended
  }
}

function save(name: string, frame: string): void {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  writeFileSync(join(screenshots, `${name}.txt`), frame.replace(/[ \t]+$/gm, '').replace(/\n+$/, '') + '\n');
}

function dashboardCommand(url: string): string {
  // The shell line after the dashboard shows how it exited; the pane stays for the check.
  return `${process.execPath} ${cliPath} dashboard --url ${url} --refresh 1s; echo "DASHBOARD EXITED $?"; sleep 60`;
}

async function startPrometheus(dir: string, port: number): Promise<RunningProcess> {
  const p = startProcess(prometheusBin!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: dir });
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, p);
  return p;
}

interface Walk {
  /** Every view, the filter, the query error and help; otherwise Overview, Targets and the query only. */
  readonly full: boolean;
  /** Rule groups and alerts are loaded (Debian's prometheus; promts server's rules may lag). */
  readonly rules: boolean;
  /** A range query with data on this server. */
  readonly graphQuery: string;
}

/** The walk through the views: what a user does in the first minute. */
async function walkViews(tmux: Tmux, size: string, w: Walk): Promise<void> {
  const lines = (f: string) => f.split('\n');
  let f = await tmux.frame((x) => /Server {7}version \S+/.test(x) && /Targets {6}1 up, 1 down/.test(x), 'the Overview with both targets scraped');
  assert.match(f, /promts {2}1 Overview {2}2 Targets {2}3 Alerts {2}4 Rules {2}5 Query {2}6 TSDB/);
  assert.match(f, /Uptime {7}\d/);
  assert.match(f, /Retention {4}\w+/);
  assert.match(f, /● connected · refresh 1s/);
  save(`${size}-1-overview`, f);

  await tmux.keys('2');
  f = await tmux.frame((x) => x.includes('prometheus  1/1 up') && x.includes('down  0/1 up'), 'the Targets view');
  assert.match(f, /error: Get "http:\/\/127\.0\.0\.1:1\/metrics": dial tcp 127\.0\.0\.1:1: connect/);
  save(`${size}-2-targets`, f);
  if (w.full) {
    await tmux.keys('/');
    await tmux.type('refused');
    await tmux.keys('Enter');
    f = await tmux.frame((x) => x.includes('filter "refused": 1 of 2 targets'), 'the filtered targets');
    assert.doesNotMatch(f, /prometheus {2}1\/1 up/);
    await tmux.keys('Escape');
    await tmux.frame((x) => x.includes('prometheus  1/1 up') && !x.includes('filter "'), 'the filter cleared');
  }

  if (w.full && w.rules) {
    await tmux.keys('3');
    f = await tmux.frame((x) => x.includes('firing   AlwaysFiring') && x.includes('pending  TargetDown'), 'the Alerts view');
    assert.match(f, /summary: Always firing, for the dashboard demo\./);
    save(`${size}-3-alerts`, f);
    await tmux.keys('4');
    f = await tmux.frame((x) => x.includes('err  record demo:duplicate'), 'the Rules view');
    assert.match(f, /demo-alerts {2}every 1s {2}evaluated \d+s ago in/);
    save(`${size}-4-rules`, f);
  }

  if (w.full) {
    await tmux.keys('6');
    f = await tmux.frame((x) => x.includes('Top series count by metric name') && /Head \d/.test(x), 'the TSDB view');
    save(`${size}-6-tsdb`, f);
  }

  await tmux.keys('5');
  await tmux.frame((x) => x.includes('Type a PromQL expression'), 'the Query view');
  await tmux.type('up');
  await tmux.keys('Enter');
  f = await tmux.frame((x) => /\[table\] 2 series in \d+ms/.test(x), 'the result table of up');
  assert.match(f, /^ *1 {2}up\{instance="127\.0\.0\.1:\d+", job="prometheus"\}/m);
  assert.match(f, /^ *0 {2}up\{env="demo", instance="127\.0\.0\.1:1", job="down"\}/m);
  save(`${size}-5-query-table`, f);
  await tmux.keys('C-u');
  await tmux.type(w.graphQuery);
  await tmux.keys('C-g');
  f = await tmux.frame((x) => x.includes('[graph, last 1h]') && x.includes('└──') && /[\u2801-\u28ff]/.test(x), 'a braille graph');
  assert.match(f, /UTC/);
  save(`${size}-5-query-graph`, f);
  // Out of the input, - shortens the range: 1h → 30m → 15m → 5m. Wait until the input is
  // left: an Escape read together with the next key is Alt+key to a terminal app.
  await tmux.keys('Escape');
  await tmux.frame((x) => x.includes('+/- range'), 'the input left');
  await tmux.keys('-', '-', '-');
  f = await tmux.frame((x) => x.includes('[graph, last 5m]') && x.includes('└──') && /[\u2801-\u28ff]/.test(x), 'the graph over 5 minutes');
  save(`${size}-5-query-graph-5m`, f);
  if (!w.full) return;
  await tmux.keys('e');
  await tmux.keys('C-g');
  await tmux.keys('C-u');
  await tmux.type('sum(rate(foo[1m]');
  await tmux.keys('Enter');
  f = await tmux.frame((x) => x.includes('error: 1:17: parse error: unclosed left parenthesis'), 'the parse error');
  const l = lines(f);
  const qi = l.findIndex((x) => x.trimEnd() === '  sum(rate(foo[1m]');
  assert.ok(qi > 0, f);
  assert.equal(l[qi + 1]!.trimEnd(), '  ' + ' '.repeat(16) + '^');
  save(`${size}-5-query-error`, f);

  await tmux.keys('Escape');
  await tmux.frame((x) => x.includes('+/- range'), 'the input left');
  await tmux.keys('?');
  f = await tmux.frame((x) => x.includes('quit and restore the terminal'), 'the help page');
  save(`${size}-7-help`, f);
  await tmux.keys('Escape');
  await tmux.frame((x) => !x.includes('quit and restore the terminal'), 'the help page closed');
  await tmux.keys('1');
  await tmux.frame((x) => /Server {7}version \S+/.test(x), 'the Overview again');
}

/** Quits with q (or Ctrl-C) and checks the terminal came back: exit code 0, alternate screen left. */
async function quit(tmux: Tmux, key = 'q'): Promise<void> {
  await tmux.keys(key);
  const f = await tmux.frame((x) => x.includes('DASHBOARD EXITED 0'), 'the dashboard exiting with 0');
  assert.doesNotMatch(f, /promts {2}1 Overview/, 'the alternate screen is gone: the terminal is restored');
}

// The two scenarios wait on processes most of the time, so they run side by side.
describe('dashboard end to end', { concurrency: 2 }, () => {
  test('in tmux against Debian prometheus 2.42: every view, filter, query, graph, error, disconnect, resize, quit (80×24 and 160×48)', { skip: !prometheusBin || !tmuxBin ? 'needs Debian prometheus and tmux' : false, timeout: 120_000 }, async () => {
    const dir = tempDir('promts-dash-e2e-');
    const port = await freePort();
    cpSync(join(fixturesDir, 'live'), join(dir.path, 'data'), { recursive: true });
    writeFileSync(join(dir.path, 'prometheus.yml'), config(port));
    writeFileSync(join(dir.path, 'rules.yml'), RULES);
    let prom = await startPrometheus(dir.path, port);
    const small = new Tmux('small');
    const large = new Tmux('large');
    try {
      await small.start(80, 24, dashboardCommand(`http://127.0.0.1:${port}`));
      await large.start(160, 48, dashboardCommand(`http://127.0.0.1:${port}`));
      await Promise.all([
        walkViews(small, '80x24', { full: true, rules: true, graphQuery: 'rate(prometheus_http_requests_total{handler="/api/v1/query"}[1m])' }),
        walkViews(large, '160x48', { full: false, rules: true, graphQuery: 'rate(prometheus_http_requests_total[1m])' }),
      ]);
      await quit(large, 'C-c');

      // The server goes away: the dashboard says so and keeps the last data, then recovers.
      await prom.stop();
      let f = await small.frame((x) => x.includes('disconnected, retrying every 1s'), 'the disconnected footer');
      assert.match(f, /ECONNREFUSED/);
      assert.match(f, /Server {7}version/);
      save('80x24-8-disconnected', f);
      prom = await startPrometheus(dir.path, port);
      await small.frame((x) => x.includes('● connected') && x.includes('overview updated'), 'the reconnected footer');

      // A resize redraws at the new size.
      await small.run('resize-window', '-t', 'small', '-x', '100', '-y', '30');
      f = await small.frame((x) => x.split('\n')[28]?.includes('● connected') === true, 'the footer on row 29 of 30');
      await quit(small);
    } finally {
      await small.kill();
      await large.kill();
      await prom.stop();
      dir.cleanup();
    }
  });

  test('in tmux against promts server: Overview, Targets, a query as table and graph, quit', { skip: !tmuxBin ? 'needs tmux' : false, timeout: 120_000 }, async (t) => {
    const dir = tempDir('promts-dash-e2e-');
    const port = await freePort();
    writeFileSync(join(dir.path, 'prometheus.yml'), config(port));
    writeFileSync(join(dir.path, 'rules.yml'), RULES);
    const server = startServer([`--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: dir.path });
    const tmux = new Tmux('promts');
    try {
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, server);
      await tmux.start(80, 24, dashboardCommand(`http://127.0.0.1:${port}`));
      await walkViews(tmux, 'promts-80x24', { full: false, rules: false, graphQuery: 'up' });
      await quit(tmux);
    } finally {
      await tmux.kill();
      await server.stop();
      dir.cleanup();
    }
  });
});
