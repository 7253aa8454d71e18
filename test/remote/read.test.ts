// Remote read: Debian's prometheus 2.42 with remote_read pointing at our handler answers a
// PromQL query with our samples; our RemoteReader client reads the same handler with
// required_matchers and external-label filtering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from '../../src/storage/index.js';
import { Labels, Matcher } from '../../src/model/index.js';
import { nopLogger } from '../../src/log/index.js';
import { parseConfig } from '../../src/config/index.js';
import { RemoteReader, remoteReadHandler } from '../../src/storage/remote/index.js';
import { eventually } from '../helpers/index.js';
import { listen, promBinary, startPrometheus } from './prom.js';
import { fileScope } from './server.js';

const { procs, servers, dir } = fileScope('promts-read-');

const now = Math.floor(Date.now() / 1000) * 1000;
async function storeWithData(): Promise<MemoryStorage> {
  const store = new MemoryStorage();
  const app = store.appender();
  for (let i = 0; i < 10; i++) {
    app.append(0, Labels.fromObject({ __name__: 'rr_metric', dc: 'x' }), now - 60_000 + i * 5000, i * 10);
    app.append(0, Labels.fromObject({ __name__: 'rr_metric', dc: 'y' }), now - 60_000 + i * 5000, -i);
  }
  await app.commit();
  return store;
}

test("Debian's prometheus answers a query from our remote-read handler", { skip: promBinary ? false : 'Debian prometheus is not installed', timeout: 60_000 }, async () => {
  const store = await storeWithData();
  const h = await listen(remoteReadHandler(store, { logger: nopLogger, externalLabels: { site: 's1' } }));
  servers.push(h.server);
  const prom = await startPrometheus(dir.path, `remote_read:\n  - url: http://127.0.0.1:${h.port}/api/v1/read\n    read_recent: true\n`);
  procs.push(prom.proc);
  const res = await eventually(async () => {
    const r = await fetch(`http://127.0.0.1:${prom.port}/api/v1/query?query=${encodeURIComponent('rr_metric{dc="x"}[5m]')}&time=${now / 1000}`);
    const j = (await r.json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
    return j.data.result.length > 0 ? j.data.result : null;
  }, 20_000);
  assert.equal(res.length, 1);
  assert.deepEqual(res[0]!.metric, { __name__: 'rr_metric', dc: 'x', site: 's1' }, 'external labels are merged into the answer');
  assert.deepEqual(res[0]!.values.map(([t, v]) => [t * 1000, Number(v)]), Array.from({ length: 10 }, (_, i) => [now - 60_000 + i * 5000, i * 10]));
  const sum = await fetch(`http://127.0.0.1:${prom.port}/api/v1/query?query=${encodeURIComponent('sum(rr_metric)')}&time=${now / 1000}`);
  const sj = (await sum.json()) as { data: { result: { value: [number, string] }[] } };
  assert.equal(Number(sj.data.result[0]!.value[1]), 90 - 9);
});

test('RemoteReader reads series, honours required_matchers and strips its own external labels', async () => {
  const store = await storeWithData();
  const h = await listen(remoteReadHandler(store, { logger: nopLogger, externalLabels: { site: 's1' } }));
  servers.push(h.server);
  const cfg = parseConfig(`global: {external_labels: {site: s1}}\nremote_read:\n  - url: http://127.0.0.1:${h.port}/api/v1/read\n    read_recent: true\n    required_matchers: {dc: x}\n`);
  const r = new RemoteReader(cfg.remote_read[0]!, cfg.global.external_labels);
  try {
    const ss = await r.select(now - 3_600_000, now, [new Matcher('=', '__name__', 'rr_metric'), new Matcher('=', 'dc', 'x')]);
    assert.ok(ss.next());
    assert.deepEqual(ss.at().labels.toObject(), { __name__: 'rr_metric', dc: 'x' });
    const it = ss.at().iterator();
    let n = 0;
    while (it.next()) n++;
    assert.equal(n, 10);
    assert.equal(ss.next(), false);
    const none = await r.select(now - 3_600_000, now, [new Matcher('=', '__name__', 'rr_metric')]);
    assert.equal(none.next(), false, 'without the required matcher dc="x" the remote is not asked');
  } finally {
    await r.close();
  }
});
