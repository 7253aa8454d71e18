// remote_read in PromQL (issue 10): Debian's prometheus holds a series promts never scraped;
// `promts server` with remote_read pointing at it answers API queries with its own series and
// the remote one, honours required_matchers, and its rules read remote series too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, waitForHttp } from '../helpers/index.js';
import { listen, promBinary, promSamples, startPrometheus } from './prom.js';
import { startPromtsServer, fileScope } from './server.js';

const { procs, servers, dir } = fileScope('promts-e2e-rr-');

async function target(body: string): Promise<number> {
  const t = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
  servers.push(t.server);
  return t.port;
}

interface VectorResult {
  status: string;
  warnings?: string[];
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

test('PromQL queries on promts include series read from remote_read endpoints', { skip: promBinary ? false : 'Debian prometheus is not installed', timeout: 90_000 }, async () => {
  const remoteOnly = await target('# TYPE rr_remote_metric gauge\nrr_remote_metric 42\n');
  const localOnly = await target('# TYPE rr_local_metric gauge\nrr_local_metric 7\n');
  mkdirSync(join(dir.path, 'prom'));
  const prom = await startPrometheus(
    join(dir.path, 'prom'),
    `global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: far\n    static_configs: [{targets: ['127.0.0.1:${remoteOnly}']}]\n`,
  );
  procs.push(prom.proc);
  await eventually(async () => (await promSamples(prom.port, 'rr_remote_metric', '1m')).length > 0, 30_000);

  const rules = join(dir.path, 'rules.yml');
  writeFileSync(rules, `groups:\n  - name: rr\n    interval: 1s\n    rules:\n      - record: rr_remote_doubled\n        expr: rr_remote_metric{job="far"} * 2\n`);
  const cfg = join(dir.path, 'promts.yml');
  writeFileSync(
    cfg,
    `global: {scrape_interval: 1s}
rule_files: ['${rules}']
scrape_configs:
  - job_name: near
    static_configs: [{targets: ['127.0.0.1:${localOnly}']}]
remote_read:
  - url: http://127.0.0.1:${prom.port}/api/v1/read
    read_recent: true
    required_matchers: {job: far}
`,
  );
  const port = await freePort();
  const srv = startPromtsServer([`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  procs.push(srv);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, srv);
  const query = async (q: string): Promise<VectorResult> => (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as VectorResult;

  const both = await eventually(async () => {
    const r = await query('rr_remote_metric{job="far"} or rr_local_metric');
    return r.data.result.length === 2 ? r : null;
  }, 30_000);
  const byName = new Map(both.data.result.map((s) => [s.metric.__name__, s]));
  assert.equal(byName.get('rr_remote_metric')?.value[1], '42');
  assert.equal(byName.get('rr_remote_metric')?.metric.job, 'far');
  assert.equal(byName.get('rr_local_metric')?.value[1], '7');

  // Functions over ranges see the remote samples too.
  const c = await query('count_over_time(rr_remote_metric{job="far"}[1h])');
  assert.ok(Number(c.data.result[0]?.value[1]) >= 1, JSON.stringify(c));

  // required_matchers: without job="far" in the selector the endpoint is not asked.
  assert.equal((await query('rr_remote_metric')).data.result.length, 0);
  assert.equal((await query('{__name__=~"rr_.+_metric"}')).data.result.length, 1);

  // Rules read through remote_read too: the recorded series is stored locally.
  const rec = await eventually(async () => {
    const r = await query('rr_remote_doubled');
    return r.data.result.length === 1 ? r : null;
  }, 30_000);
  assert.equal(rec.data.result[0]!.value[1], '84');
});
