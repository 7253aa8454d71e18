// End to end through `promts server`: it scrapes a target we serve and remote-writes to
// Debian's VictoriaMetrics; the raw samples in VictoriaMetrics equal the ones promts stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, waitForHttp } from '../helpers/index.js';
import { startPromtsServer, fileScope } from './server.js';
import { exportSeries, startVM, vmBinary } from './vm.js';
import { listen } from './prom.js';

const { procs, servers, dir } = fileScope('promts-e2e-rw-');

test('promts server remote-writes scraped samples to VictoriaMetrics', { skip: vmBinary ? false : 'Debian victoria-metrics is not installed', timeout: 60_000 }, async (t) => {
  const vmPort = await freePort();
  procs.push(await startVM(vmPort, join(dir.path, 'vm')));
  let n = 0;
  const target = await listen((_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE e2e_rw_gauge gauge\ne2e_rw_gauge{k="v"} ${n * 2.5}\n`);
  });
  servers.push(target.server);
  const cfg = join(dir.path, 'promts.yml');
  writeFileSync(
    cfg,
    `global: {scrape_interval: 1s, external_labels: {cluster: c1}}
scrape_configs:
  - job_name: e2e
    static_configs: [{targets: ['127.0.0.1:${target.port}']}]
remote_write:
  - url: http://127.0.0.1:${vmPort}/api/v1/write
    queue_config: {batch_send_deadline: 200ms}
`,
  );
  const port = await freePort();
  const srv = startPromtsServer([`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  procs.push(srv);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 40_000, srv);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  assert.ok(metrics.includes('prometheus_remote_storage_samples_total'), 'promts server exposes no prometheus_remote_storage_* metrics');
  const vmSeries = await eventually(async () => {
    const s = await exportSeries(vmPort, 'e2e_rw_gauge');
    return s[0] && s[0].values.length >= 3 ? s[0] : null;
  }, 30_000);
  assert.equal(vmSeries.metric.cluster, 'c1');
  assert.equal(vmSeries.metric.job, 'e2e');
  const last = vmSeries.timestamps[vmSeries.timestamps.length - 1]! / 1000;
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('e2e_rw_gauge[1h]')}&time=${last}`);
  const j = (await r.json()) as { data: { result: { values: [number, string][] }[] } };
  const local = j.data.result[0]!.values.map(([ts, v]) => `${Math.round(ts * 1000)}:${Number(v)}`);
  const remote = vmSeries.timestamps.map((ts, i) => `${ts}:${vmSeries.values[i]}`);
  // Everything promts stored up to the newest remote sample is in VictoriaMetrics, in order
  // and with equal values. At most the first scrape may precede the queue's start.
  const upTo = local.filter((x) => Number(x.split(':')[0]) <= last * 1000);
  assert.ok(remote.length >= upTo.length - 1, `remote ${remote.length} vs local ${upTo.length}`);
  assert.deepEqual(remote, upTo.slice(upTo.length - remote.length));
});
