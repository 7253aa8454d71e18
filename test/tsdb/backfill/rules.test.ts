// Issue 3: `promts tsdb create-blocks-from rules` against a promts server serving the fixture
// blocks: the recorded series hold the values the server computes at the group's evaluation
// times, and the blocks match what Debian's promtool writes from the same server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, debianBinary, freePort, runCli, runCommand, startServer, tempDir, waitForHttp, type RunningProcess } from '../../helpers/index.js';

const ULID = /^[0-9A-Z]{26}$/;
const RULES = `groups:
  - name: backfill
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - record: instance:up:double
        expr: up * 2
        labels:
          team: infra
      - alert: Down
        expr: up == 0
  - name: fast
    interval: 30s
    rules:
      - record: billing:p50
        expr: rpc_duration_seconds{service="billing",quantile="0.5"}
`;
const RANGE = ['--start', '2023-02-01T00:00:00Z', '--end', '2023-02-01T07:00:00Z'];

let data: { path: string; cleanup: () => void };
let work: { path: string; cleanup: () => void };
let server: RunningProcess;
let url = '';

async function queryAt(expr: string, tMs: number): Promise<Map<string, string>> {
  const r = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(tMs / 1000) })}`);
  const body = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return new Map(body.data.result.map((s) => [JSON.stringify(s.metric), s.value[1]]));
}

/** Times (ms) of every point of every series a range query returns. */
async function rangePointTimes(expr: string, startMs: number, endMs: number, stepS: number): Promise<number[]> {
  const r = await fetch(`${url}/api/v1/query_range?${new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepS) })}`);
  const body = (await r.json()) as { data: { result: { values: [number, string][] }[] } };
  return body.data.result.flatMap((s) => s.values.map((v) => Math.round(v[0] * 1000)));
}

/** Each block's index + chunks digest with its time range: equal multisets mean equal blocks. */
function blockDigests(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => ULID.test(n))
    .map((id) => {
      const meta = JSON.parse(readFileSync(join(dir, id, 'meta.json'), 'utf8')) as { minTime: number; maxTime: number; stats: unknown };
      const h = createHash('sha1').update(readFileSync(join(dir, id, 'index'))).update(readFileSync(join(dir, id, 'chunks', '000001')));
      return `${meta.minTime}-${meta.maxTime} ${JSON.stringify(meta.stats)} ${h.digest('hex')}`;
    })
    .sort();
}

describe('tsdb create-blocks-from rules', () => {
  before(async () => {
    data = copyFixture('blocks');
    work = tempDir('promts-rules-');
    writeFileSync(join(work.path, 'rules.yml'), RULES);
    writeFileSync(join(work.path, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = startServer([`--config.file=${join(work.path, 'prometheus.yml')}`, `--storage.tsdb.path=${data.path}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=10y']);
    await waitForHttp(`${url}/-/ready`, 60_000, server);
  });
  after(async () => {
    await server?.stop();
    data?.cleanup();
    work?.cleanup();
  });

  test('recorded series hold the values the server computes at the group\'s evaluation times', { timeout: 120_000 }, async () => {
    const out = join(work.path, 'ours');
    const r = await runCli(['tsdb', 'create-blocks-from', 'rules', ...RANGE, `--url=${url}`, `--output-dir=${out}`, join(work.path, 'rules.yml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /level=info backfiller="new rule importer" start="01 Feb 23 00:00 UTC" end="01 Feb 23 07:00 UTC"/);
    assert.doesNotMatch(r.stderr, /\r|\x1b\[/, 'no progress bar when stderr is a pipe');
    // 4 rules x 4 windows (00-02, 02-04, 04-06, 06-07); Down has samples in one window only.
    const blocks = readdirSync(out).filter((n) => ULID.test(n));
    assert.equal(blocks.length, 13);

    mkdirSync(join(out, 'wal')); // tsdb dump opens a data dir, as promtool's does
    const dump = await runCli(['tsdb', 'dump', '--match={__name__="job:http_requests:rate5m"}', out]);
    assert.equal(dump.code, 0, dump.stderr);
    const lines = dump.stdout.trim().split('\n');
    const byTime = new Map<number, Map<string, string>>();
    for (const l of lines) {
      const m = /^\{__name__="job:http_requests:rate5m", job="(\w+)"\} (\S+) (\d+)$/.exec(l);
      assert.ok(m, l);
      const t = Number(m[3]);
      if (!byTime.has(t)) byTime.set(t, new Map());
      byTime.get(t)!.set(JSON.stringify({ job: m[1] }), m[2]!);
    }
    const times = [...byTime.keys()].sort((a, b) => a - b);
    assert.ok(times.every((t, i) => i === 0 || t - times[i - 1]! === 60_000), 'one evaluation per minute');
    // As many samples as the server answers on the same one-minute grid over the range. The
    // grid's offset comes from a hash of the rule file's (temporary) path, so the count moves
    // by a sample or two between runs; whether the range's last instant counts is left open.
    const [startMs, endMs] = [Date.parse(RANGE[1]!), Date.parse(RANGE[3]!)];
    const first = startMs + ((((times[0]! - startMs) % 60_000) + 60_000) % 60_000);
    const expected = await rangePointTimes('sum by (job) (rate(http_requests_total[5m]))', first, endMs, 60);
    const inside = expected.filter((t) => t < endMs).length;
    assert.ok(lines.length === inside || lines.length === expected.length, `${lines.length} samples, the server has ${inside}-${expected.length} on the grid`);
    for (const t of [times[0]!, times[100]!, times[300]!, times[times.length - 1]!]) {
      assert.deepEqual(byTime.get(t), await queryAt('sum by (job) (rate(http_requests_total[5m]))', t), `at ${t}`);
    }
    const up = await runCli(['tsdb', 'dump', '--match={__name__="instance:up:double"}', out]);
    assert.match(up.stdout, /^\{__name__="instance:up:double", instance="10\.0\.0\.1:8080", job="api", team="infra"\} 2 \d+$/m);
  });

  test("the blocks equal Debian promtool's from the same server, byte for byte", { timeout: 120_000, skip: debianBinary('promtool') ? false : 'Debian promtool is not installed' }, async () => {
    const args = ['tsdb', 'create-blocks-from', 'rules', ...RANGE, `--url=${url}`];
    const ours = join(work.path, 'cmp-ours');
    const theirs = join(work.path, 'cmp-theirs');
    const a = await runCli([...args, `--output-dir=${ours}`, join(work.path, 'rules.yml')]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCommand(debianBinary('promtool')!, [...args, `--output-dir=${theirs}`, join(work.path, 'rules.yml')]);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(blockDigests(ours), blockDigests(theirs));
    // promtool's dump needs a wal dir to open the output as a DB.
    mkdirSync(join(ours, 'wal'));
    const dump = await runCommand(debianBinary('promtool')!, ['tsdb', 'dump', '--match={__name__="billing:p50"}', ours]);
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, / NaN \d+$/m, 'the NaN quantiles are recorded');
  });

  test('bad time ranges and unreachable servers fail with exit 1 and a reason', async () => {
    const rules = join(work.path, 'rules.yml');
    const r1 = await runCli(['tsdb', 'create-blocks-from', 'rules', '--start', '2023-02-01T07:00:00Z', '--end', '2023-02-01T00:00:00Z', `--output-dir=${join(work.path, 'x')}`, rules]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /start time is not before end time/);
    const port = await freePort();
    const r2 = await runCli(['tsdb', 'create-blocks-from', 'rules', ...RANGE, `--url=http://127.0.0.1:${port}`, `--output-dir=${join(work.path, 'y')}`, rules]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /rule importer error: query range: .*127\.0\.0\.1/);
    assert.match(r2.stderr, /error importing rules/);
  });
});
