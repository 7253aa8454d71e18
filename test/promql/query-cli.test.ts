// `promts query instant|range|series|labels` against Debian's real Prometheus 2.42, with
// Debian's promtool run on the same server and arguments as the expected output.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
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

/** A plan's invocations run up front in one process; each test looks its answer up by args. */
function batchRunner(): { run(batch: string[][]): Promise<void>; get(args: string[]): Res } {
  const res = new Map<string, Res>();
  return {
    async run(batch) {
      const out = await oursBatch(batch);
      batch.forEach((b, i) => res.set(JSON.stringify(b), out[i]!));
    },
    get: (args) => res.get(JSON.stringify(args))!,
  };
}
const QUERIES = ['up', 'sum by (job) (up)', 'scalar(up)', 'count_over_time(up[1m]) > 0'];
const theirs = (args: string[]) => runCommand(promtool!, ['query', ...args], { timeoutMs: 30_000 });

describe('promts query', { skip, timeout: 180_000 }, () => {
  let server: RunningProcess;
  let url = '';
  let dir: ReturnType<typeof tempDir>;
  let t = '';
  let unreachable = 0;
  const runner = batchRunner();
  const ours = async (args: string[]): Promise<Res> => runner.get(args);
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
    await runner.run(plan());
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

// --http.config.file (promtool 2.43's flag; Debian's 2.42 promtool lacks it, so the expected
// output is written out): a promts server from source behind --web.config.file with TLS (a
// throw-away CA made with openssl) and basic auth.
describe('promts query --http.config.file', { timeout: 180_000 }, () => {
  const DEV_CLI = `import {execute} from '@oclif/core'; await execute({development: true, dir: ${JSON.stringify('file://' + join(repoRoot, 'bin', 'run.cjs'))}, args: process.argv.slice(1)})`;
  let server: RunningProcess;
  let dir: ReturnType<typeof tempDir>;
  let url = '';
  const t = '1675209600';
  const runner = batchRunner();
  const ours = runner.get;
  const cfg = (name: string) => join(dir.path, name);
  const plan = (): string[][] => [
    ['instant', '--http.config.file', cfg('http.yml'), '--time', t, '-o', 'promql', url, 'vector(7) * 6'],
    ['index', '--http.config.file', cfg('http.yml'), '--server', url, '--time', t, '-o', 'json', 'vector(1)'],
    ['range', '--http.config.file', cfg('http.yml'), '--start', String(Number(t) - 2), '--end', t, '--step', '1s', '-o', 'promql', url, 'vector(2)'],
    ['labels', '--http.config.file', cfg('http.yml'), '-o', 'promql', url, '__name__'],
    ['series', '--http.config.file', cfg('token.yml'), '--match', 'up', '-o', 'promql', url],
    ['instant', '--time', t, url, 'vector(1)'],
    ['instant', '--http.config.file', cfg('tls-only.yml'), '--time', t, url, 'vector(1)'],
    ['instant', '--http.config.file', cfg('missing.yml'), '--time', t, url, 'vector(1)'],
    ['instant', '--http.config.file', cfg('bad.yml'), '--time', t, url, 'vector(1)'],
  ];

  before(async () => {
    dir = tempDir('promts-query-httpcfg-');
    const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir.path, stdio: 'pipe' });
    ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=promts test CA');
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=server');
    writeFileSync(cfg('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
    const hash = bcrypt.hashSync('s3cret', 4).replace(/^\$2b\$/, '$2y$');
    writeFileSync(cfg('web.yml'), `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  alice: '${hash}'\n`);
    // Relative paths resolve against the client config's directory, as in promtool.
    writeFileSync(cfg('password'), 's3cret\n');
    writeFileSync(cfg('http.yml'), 'basic_auth:\n  username: alice\n  password_file: password\ntls_config:\n  ca_file: ca.crt\n');
    // An Authorization header the server does not accept: the 401 must reach the user.
    writeFileSync(cfg('token.yml'), 'authorization:\n  credentials: not-a-password\ntls_config:\n  ca_file: ca.crt\n');
    writeFileSync(cfg('tls-only.yml'), 'tls_config:\n  ca_file: ca.crt\n');
    writeFileSync(cfg('bad.yml'), 'basic_auth:\n  username: alice\noauth3: {}\n');
    writeFileSync(cfg('p.yml'), 'global:\n  scrape_interval: 1m\n');
    const port = await freePort();
    url = `https://127.0.0.1:${port}`;
    server = startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', DEV_CLI, 'server', `--config.file=${cfg('p.yml')}`, `--storage.tsdb.path=${cfg('data')}`,
      `--web.listen-address=127.0.0.1:${port}`, `--web.config.file=${cfg('web.yml')}`], { cwd: repoRoot, env: { NODE_ENV: 'development' } });
    // Ready once it answers 401 over TLS (the CA is ours, so check with our own client).
    await eventually(async () => {
      const r = await runCommand(process.execPath, ['-e', `require('https').get(${JSON.stringify(url + '/-/ready')}, {ca: require('fs').readFileSync(${JSON.stringify(cfg('ca.crt'))})}, (r) => { console.log(r.statusCode); process.exit(0) }).on('error', () => process.exit(1))`]);
      if (server.proc.exitCode !== null) throw new Error(server.output());
      return r.code === 0 && r.stdout.trim() === '401';
    }, 60_000, 300);
    await runner.run(plan());
  });

  after(async () => {
    await server?.stop();
    dir?.cleanup();
  });

  test('basic auth (password_file) and a private CA from the file: instant, range, labels work', () => {
    const a = ours(plan()[0]!);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, `{} => 42 @[${t}]\n`);
    const j = ours(plan()[1]!);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), { resultType: 'vector', result: [{ metric: {}, value: [Number(t), '1'] }] });
    const r = ours(plan()[2]!);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `{} =>\n2 @[${Number(t) - 2}]\n2 @[${Number(t) - 1}]\n2 @[${t}]\n`);
    const l = ours(plan()[3]!);
    assert.equal(l.code, 0, l.stderr);
  });

  test('credentials the server refuses: HTTP 401 with a hint', () => {
    const a = ours(plan()[4]!);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /HTTP 401: Unauthorized/);
    const b = ours(plan()[6]!);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /HTTP 401: Unauthorized/);
    assert.match(b.stderr, /--http\.config\.file with basic_auth/);
  });

  test('without the file the private CA is not trusted, and the hint says what to add', () => {
    const a = ours(plan()[5]!);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /failed: .*certificate/i);
    assert.match(a.stderr, /tls_config\.ca_file/);
  });

  test('a missing or invalid file is named, with the offending field', () => {
    const m = ours(plan()[7]!);
    assert.equal(m.code, 1);
    assert.match(m.stderr, /missing\.yml/);
    const b = ours(plan()[8]!);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /bad\.yml: field oauth3 not found/);
  });
});
