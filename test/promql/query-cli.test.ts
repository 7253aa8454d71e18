// `promts query instant|range|series|labels` against Debian's real Prometheus 2.42, with
// Debian's promtool run on the same server and arguments as the expected output.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, eventually, freePort, repoRoot, runCommand, startProcess, tempDir, waitForHttp, type RunningProcess } from '../helpers/index.js';

const prometheus = debianBinary('prometheus');
const promtool = debianBinary('promtool');
const skip = prometheus && promtool ? false : 'Debian prometheus/promtool are not installed';

type Res = { code: number; stdout: string; stderr: string };
/** Runs all our invocations in one process (see run-query.ts). */
async function oursBatch(batch: string[][]): Promise<Res[]> {
  const r = await runCommand(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'promql', 'run-query.ts'), JSON.stringify(batch)], { cwd: repoRoot, timeoutMs: 90_000 });
  return JSON.parse(r.stdout) as Res[];
}
const QUERIES = ['up', 'sum by (job) (up)', 'scalar(up)', 'count_over_time(up[1m]) > 0'];
const theirs = (args: string[]) => runCommand(promtool!, ['query', ...args], { timeoutMs: 30_000 });

describe('promts query', { skip, timeout: 180_000 }, () => {
  let server: RunningProcess;
  let url = '';
  let dir: ReturnType<typeof tempDir>;
  let t = '';
  let unreachable = 0;
  const res = new Map<string, Res>();
  const ours = async (args: string[]): Promise<Res> => res.get(JSON.stringify(args))!;
  const plan = (): string[][] => {
    const end = Number(t);
    const rangeArgs = ['--start', String(end - 3), '--end', String(end), '--step', '1s'];
    return [
      ...QUERIES.map((q) => ['instant', '--time', t, '-o', 'promql', url, q]),
      ['range', ...rangeArgs, '-o', 'promql', url, 'up'],
      ['series', '--match', 'up', '-o', 'promql', url],
      ['labels', '-o', 'promql', url, 'job'],
      ['instant', '--time', t, '-o', 'json', url, 'up'],
      ['instant', '--time', t, '-o', 'table', url, 'up'],
      ['instant', 'http://127.0.0.1:9', 'sum(rate(x[5m]) by (job)'],
      ['instant', `http://127.0.0.1:${unreachable}`, 'up'],
    ];
  };

  before(async () => {
    dir = tempDir();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const cfg = join(dir.path, 'p.yml');
    writeFileSync(cfg, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
    server = startProcess(prometheus!, [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
    await waitForHttp(`${url}/-/ready`, 30_000, server);
    // Wait for a few scrapes, then pin the evaluation time so both tools see the same data.
    await eventually(async () => {
      const r = (await (await fetch(`${url}/api/v1/query?query=count_over_time(up[1m])`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(r.data.result[0]?.value[1] ?? 0) >= 3;
    });
    t = String(Math.floor(Date.now() / 1000) - 1);
    unreachable = await freePort();
    const batch = plan();
    const out = await oursBatch(batch);
    batch.forEach((b, i) => res.set(JSON.stringify(b), out[i]!));
  });

  after(async () => {
    await server?.stop();
    dir?.cleanup();
  });

  test('instant prints what promtool prints', async () => {
    for (const q of QUERIES) {
      const a = await ours(['instant', '--time', t, '-o', 'promql', url, q]);
      const b = await theirs(['instant', '--time', t, url, q]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, b.stdout, q);
    }
  });

  test('range prints what promtool prints', async () => {
    const end = Number(t);
    const args = ['--start', String(end - 3), '--end', String(end), '--step', '1s'];
    const a = await ours(['range', ...args, '-o', 'promql', url, 'up']);
    const b = await theirs(['range', ...args, url, 'up']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
  });

  test('series and labels print what promtool prints', async () => {
    const a = await ours(['series', '--match', 'up', '-o', 'promql', url]);
    const b = await theirs(['series', '--match', 'up', url]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    const c = await ours(['labels', '-o', 'promql', url, 'job']);
    const d = await theirs(['labels', url, 'job']);
    assert.equal(c.stdout, d.stdout);
  });

  test('--format json gives the API JSON; table is the default on a terminal', async () => {
    const a = await ours(['instant', '--time', t, '-o', 'json', url, 'up']);
    const api = (await (await fetch(`${url}/api/v1/query?query=up&time=${t}`)).json()) as { data: unknown };
    assert.deepEqual(JSON.parse(a.stdout), api.data);
    const tbl = await ours(['instant', '--time', t, '-o', 'table', url, 'up']);
    assert.match(tbl.stdout, /series.*time.*value/s);
    assert.match(tbl.stdout, /up\{instance="127\.0\.0\.1:\d+", job="self"\}/);
  });

  test('a bad query prints the caret error and exits 1 without asking the server', async () => {
    const a = await ours(['instant', 'http://127.0.0.1:9', 'sum(rate(x[5m]) by (job)']);
    assert.equal(a.code, 1);
    assert.equal(a.stdout, '');
    assert.match(a.stderr, /1:17: parse error: unexpected <by> in aggregation\nsum\(rate\(x\[5m\]\) by \(job\)\n {16}\^/);
  });

  test('an unreachable server is named with the reason', async () => {
    const a = await ours(['instant', `http://127.0.0.1:${unreachable}`, 'up']);
    assert.equal(a.code, 1);
    assert.match(a.stderr, new RegExp(`POST http://127\\.0\\.0\\.1:${unreachable}/api/v1/query failed: .*ECONNREFUSED`));
  });
});
