// The remote-write receiver: Debian's prometheus 2.42 scrapes a target we serve and
// remote-writes into our handler over MemoryStorage; the samples we store equal the ones
// Prometheus scraped. Also the receiver's status codes for bad input and out-of-order data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../src/storage/index.js';
import { Labels } from '../../src/model/index.js';
import { nopLogger } from '../../src/log/index.js';
import { ProtoWriter, compress, encodeLabels, encodeWriteRequest, handleRemoteWrite, remoteWriteHandler } from '../../src/storage/remote/index.js';
import { eventually } from '../helpers/index.js';
import { listen, promBinary, promSamples, startPrometheus, storedSamples } from './prom.js';
import { fileScope } from './server.js';

const { procs, servers, dir } = fileScope('promts-recv-');

test("samples Debian's prometheus remote-writes into our receiver match what it scraped", { skip: promBinary ? false : 'Debian prometheus is not installed', timeout: 60_000 }, async () => {
  let n = 0;
  const target = await listen((_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE rw_recv_counter counter\nrw_recv_counter{path="/a"} ${n * 1.5}\n# TYPE rw_recv_gauge gauge\nrw_recv_gauge ${-n}\n`);
  });
  const store = new MemoryStorage();
  const recv = await listen(remoteWriteHandler(store, nopLogger));
  servers.push(target.server, recv.server);
  const prom = await startPrometheus(
    dir.path,
    `global: {scrape_interval: 1s, external_labels: {replica: r1}}
scrape_configs:
  - job_name: t
    static_configs: [{targets: ['127.0.0.1:${target.port}']}]
remote_write:
  - url: http://127.0.0.1:${recv.port}/api/v1/write
    queue_config: {batch_send_deadline: 200ms, min_backoff: 50ms}
`,
  );
  procs.push(prom.proc);
  const series = { __name__: 'rw_recv_counter', path: '/a', job: 't', instance: `127.0.0.1:${target.port}`, replica: 'r1' };
  // Wait for a few scrapes in Prometheus, then for all of them to be in our store.
  const scraped = await eventually(async () => {
    const r = await promSamples(prom.port, 'rw_recv_counter');
    return r[0] && r[0].values.length >= 4 ? r[0].values.map(([t, v]) => `${Math.round(t * 1000)}:${Number(v)}`) : null;
  }, 30_000);
  const got = await eventually(async () => {
    const s = storedSamples(store, series);
    return scraped.every((x) => s.includes(x)) ? s : null;
  }, 20_000);
  assert.ok(got.length >= scraped.length);
  // The series arrives with Prometheus's target labels and its external label.
  const up = storedSamples(store, { __name__: 'up', job: 't', instance: `127.0.0.1:${target.port}`, replica: 'r1' });
  assert.ok(up.length > 0 && up.every((x) => x.endsWith(':1')), 'up=1 samples are remote-written too');
});

test('receiver answers 204 on success, 400 on a corrupt body and on out-of-order samples', async () => {
  const store = new MemoryStorage();
  const lb = [encodeLabels(Labels.fromObject({ __name__: 'x' }))];
  const body = (t: number) => compress(encodeWriteRequest(new ProtoWriter(), lb, Float64Array.of(t), Float64Array.of(1), 1));
  assert.equal((await handleRemoteWrite(store, body(2000), nopLogger)).status, 204);
  assert.equal((await handleRemoteWrite(store, Buffer.from('not snappy at all'), nopLogger)).status, 400);
  const ooo = await handleRemoteWrite(store, body(1000), nopLogger);
  assert.equal(ooo.status, 400);
  assert.match(ooo.body, /out of order/);
  assert.deepEqual(storedSamples(store, { __name__: 'x' }), ['2000:1']);
});
