// End to end through `promts server --web.enable-remote-write-receiver`: Debian's prometheus
// scrapes a target and remote-writes into promts; promts answers PromQL with those samples,
// and serves them back to a second Debian prometheus through remote read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, waitForHttp } from '../helpers/index.js';
import { startPromtsServer, fileScope } from './server.js';
import { listen, promBinary, promSamples, startPrometheus } from './prom.js';

const { procs, servers, dir } = fileScope('promts-e2e-recv-');

type Result = { metric: Record<string, string>; values: [number, string][] };
const asPairs = (r: Result) => r.values.map(([t, v]) => `${Math.round(t * 1000)}:${Number(v)}`);

test('promts server receives remote write from prometheus and serves it by PromQL and remote read', { skip: promBinary ? false : 'Debian prometheus is not installed', timeout: 60_000 }, async (t) => {
  const port = await freePort();
  writeFileSync(join(dir.path, 'promts.yml'), 'global: {scrape_interval: 1h}\n');
  const srv = startPromtsServer([`--config.file=${join(dir.path, 'promts.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver']);
  procs.push(srv);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 40_000, srv);
  const probe = await fetch(`http://127.0.0.1:${port}/api/v1/write`, { method: 'POST', body: '' });
  assert.notEqual(probe.status, 404, 'promts server does not serve /api/v1/write with --web.enable-remote-write-receiver');
  let n = 0;
  const target = await listen((_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE e2e_recv gauge\ne2e_recv{k="v"} ${n * 0.5}\n`);
  });
  servers.push(target.server);
  const sender = join(dir.path, 'sender');
  mkdirSync(sender);
  const prom = await startPrometheus(
    sender,
    `global: {scrape_interval: 1s}
scrape_configs:
  - job_name: s
    static_configs: [{targets: ['127.0.0.1:${target.port}']}]
remote_write:
  - url: http://127.0.0.1:${port}/api/v1/write
    queue_config: {batch_send_deadline: 200ms}
`,
  );
  procs.push(prom.proc);
  const scraped = await eventually(async () => {
    const r = await promSamples(prom.port, 'e2e_recv');
    return r[0] && r[0].values.length >= 3 ? asPairs(r[0]) : null;
  }, 30_000);
  const stored = await eventually(async () => {
    const r = await promSamples(port, 'e2e_recv', '1h');
    return r[0] && scraped.every((x) => asPairs(r[0]!).includes(x)) ? r[0] : null;
  }, 20_000);
  assert.equal(stored.metric.job, 's');

  const reader = join(dir.path, 'reader');
  mkdirSync(reader);
  const rprom = await startPrometheus(reader, `remote_read:\n  - url: http://127.0.0.1:${port}/api/v1/read\n    read_recent: true\n`);
  procs.push(rprom.proc);
  const viaRead = await eventually(async () => {
    const r = await promSamples(rprom.port, 'e2e_recv', '1h');
    return r[0] && scraped.every((x) => asPairs(r[0]!).includes(x)) ? r[0] : null;
  }, 20_000);
  assert.deepEqual(viaRead.metric, stored.metric);
});
