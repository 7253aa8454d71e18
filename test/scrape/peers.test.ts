// The scrape manager against real peers on 127.0.0.1: Debian's node exporter and
// pushgateway (fed through the discovery manager's static configs), plus small local servers
// that fail in each way a target can fail. Everything lands in an in-memory store.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debianBinary, eventually, freePort, startProcess, waitForHttp, type RunningProcess } from '../helpers/index.js';
import { asDurationMs } from '../../src/model/index.js';
import { DiscoveryManager } from '../../src/discovery/index.js';
import { Entry, PromParser, newParser } from '../../src/textparse/index.js';
import { ScrapeManager, REPORT_SERIES, type Target } from '../../src/scrape/index.js';
import type { ScrapeConfig } from '../../src/config/index.js';
import { MemStore } from './memstore.js';

const nodeExporter = debianBinary('prometheus-node-exporter');
const pushgateway = debianBinary('prometheus-pushgateway');
const skip = !nodeExporter || !pushgateway ? 'Debian prometheus-node-exporter / prometheus-pushgateway not installed' : false;

let ne: RunningProcess | undefined;
let pg: RunningProcess | undefined;
let neAddr = '';
let pgAddr = '';
let bad: Server | undefined;
let badAddr = '';

const job = (name: string, o: Partial<ScrapeConfig> = {}): ScrapeConfig => ({
  job_name: name, honor_labels: false, honor_timestamps: true, scrape_interval: asDurationMs(1000), scrape_timeout: asDurationMs(1000),
  metrics_path: '/metrics', scheme: 'http', body_size_limit: 0, sample_limit: 0, target_limit: 0, label_limit: 0,
  label_name_length_limit: 0, label_value_length_limit: 0, relabel_configs: [], metric_relabel_configs: [],
  tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true, ...o,
} as ScrapeConfig);

before(async () => {
  if (skip) return;
  const [p1, p2] = [await freePort(), await freePort()];
  neAddr = `127.0.0.1:${p1}`;
  pgAddr = `127.0.0.1:${p2}`;
  ne = startProcess(nodeExporter!, [`--web.listen-address=${neAddr}`]);
  pg = startProcess(pushgateway!, [`--web.listen-address=${pgAddr}`, '--persistence.file=']);
  bad = createServer((req, res) => {
    switch (req.url) {
      case '/html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html>\n<html><body>Hello</body></html>\n');
        return;
      case '/500':
        res.writeHead(500).end('oops');
        return;
      case '/slow':
        setTimeout(() => res.writeHead(200).end('a 1\n'), 1500).unref();
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('x 1\n'.repeat(1000));
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => bad!.listen(0, '127.0.0.1', r));
  badAddr = `127.0.0.1:${(bad.address() as AddressInfo).port}`;
  await waitForHttp(`http://${neAddr}/metrics`, 20_000, ne);
  await waitForHttp(`http://${pgAddr}/metrics`, 20_000, pg);
});

after(async () => {
  await ne?.stop();
  await pg?.stop();
  bad?.close();
});

test('scrapes node exporter and pushgateway; failures get up=0 with the reason; staleness on delete, removal and stop', { skip, timeout: 45_000 }, async () => {
  // A pushed group, kept with its own job/instance labels thanks to honor_labels.
  const push = await fetch(`http://${pgAddr}/metrics/job/pushed_job/instance/pushed_instance`, { method: 'PUT', body: 'pushed_metric{color="blue"} 42\n' });
  assert.equal(push.status, 200);

  const store = new MemStore();
  const scrape = new ScrapeManager({ appendable: store });
  const discovery = new DiscoveryManager({ updateIntervalMs: 50 });
  discovery.subscribe((g) => scrape.sync(g));
  const dropGo = { source_labels: ['__name__'], regex: 'go_.*', action: 'drop' as const, separator: ';', modulus: 0, target_label: '', replacement: '$1' };
  const configs = [
    job('node', { metric_relabel_configs: [dropGo] }),
    job('pushgateway', { honor_labels: true }),
    job('html', { metrics_path: '/html' }),
    job('http500', { metrics_path: '/500' }),
    job('slow', { metrics_path: '/slow', scrape_timeout: asDurationMs(300) }),
    job('big', { metrics_path: '/big', body_size_limit: 1000 }),
    job('loop', { metrics_path: '/loop', scrape_interval: asDurationMs(2000), scrape_timeout: asDurationMs(2000) }),
  ];
  const targetsOf: Record<string, string> = { node: neAddr, pushgateway: pgAddr };
  await scrape.applyConfig(configs);
  discovery.applyConfig(Object.fromEntries(configs.map((c) => [c.job_name, { static_configs: [{ targets: [targetsOf[c.job_name] ?? badAddr], labels: { env: 'test' } }] }])));

  const target = (j: string): Target => scrape.targetsActive().get(j)![0]!;
  try {
    // Every target is scraped at least once.
    await eventually(async () => [...scrape.targetsActive().values()].every((ts) => ts.length === 1 && ts[0]!.lastScrape > 0), 10_000, 100);

    // node exporter: healthy, report series present, counts consistent with the exposition.
    assert.equal(target('node').health, 'up', target('node').lastError);
    assert.equal(store.last({ __name__: 'up', job: 'node' }), 1);
    for (const n of REPORT_SERIES) assert.equal(store.find({ __name__: n, job: 'node', instance: neAddr, env: 'test' }).length, 1, n);
    const up = store.one({ __name__: 'up', job: 'node' });
    const t0 = up.ts[0]!;
    const scraped = store.one({ __name__: 'scrape_samples_scraped', job: 'node' }).value(0);
    const post = store.one({ __name__: 'scrape_samples_post_metric_relabeling', job: 'node' }).value(0);
    const added = store.one({ __name__: 'scrape_series_added', job: 'node' }).value(0);
    const atT0 = store.committed().filter((s) => s.labels.get('job') === 'node' && !(REPORT_SERIES as readonly string[]).includes(s.labels.metricName()) && s.ts[0] === t0);
    assert.equal(atT0.length, post, 'stored series of the first scrape = samples after relabeling');
    assert.equal(added, post, 'every series of the first scrape is new');
    assert.ok(atT0.every((s) => !s.labels.metricName().startsWith('go_')), 'metric relabeling dropped go_*');
    // The dropped go_* samples are exactly the go_* series the exposition holds.
    const body = Buffer.from(await (await fetch(`http://${neAddr}/metrics`)).arrayBuffer());
    let goSeries = 0;
    const p = new PromParser(body);
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series && p.metricName().startsWith('go_')) goSeries++;
    assert.ok(goSeries > 0);
    assert.equal(scraped - post, goSeries);
    assert.ok(atT0.every((s) => s.labels.get('instance') === neAddr && s.labels.get('env') === 'test'));

    // pushgateway: honor_labels keeps the pushed job/instance.
    assert.equal(target('pushgateway').health, 'up', target('pushgateway').lastError);
    assert.equal(store.last({ __name__: 'pushed_metric', job: 'pushed_job', instance: 'pushed_instance', color: 'blue' }), 42);
    assert.equal(store.find({ __name__: 'pushed_metric', job: 'pushgateway' }).length, 0);

    // Each failure mode: up=0 and an error that says which.
    const failures: [string, RegExp][] = [
      ['html', /is not a valid start token \(line 1 of the scraped body; the target answered with text\/html; charset=utf-8, not a metrics exposition\)/],
      ['http500', /^server returned HTTP status 500 Internal Server Error$/],
      ['slow', /^Get "http:\/\/.*\/slow": context deadline exceeded$/],
      ['big', /^body size limit exceeded$/],
      ['loop', /^Get "http:\/\/.*\/loop": stopped after 10 redirects$/],
    ];
    for (const [j, re] of failures) {
      // A busy machine may time out a first attempt; wait for the error that names the cause.
      await eventually(async () => target(j).health === 'down' && re.test(target(j).lastError), 8000, 50).catch(() => {
        assert.match(target(j).lastError, re, j);
      });
      assert.equal(store.last({ __name__: 'up', job: j }), 0, j);
    }

    // Deleting the pushed group: the next pushgateway scrape marks its series stale.
    assert.equal((await fetch(`http://${pgAddr}/metrics/job/pushed_job/instance/pushed_instance`, { method: 'DELETE' })).status, 202);
    await eventually(async () => store.lastIsStale({ __name__: 'pushed_metric', job: 'pushed_job' }), 5000, 100);

    // Metadata per target, for /api/v1/targets/metadata.
    const md = scrape.metadata().find((m) => m.metric === 'node_load1');
    assert.equal(md?.metadata.type, 'gauge');
    assert.equal(md?.target, target('node'));

    // A job removed from the config: its loop stops and marks its series stale.
    const nodeBefore = target('node');
    await scrape.applyConfig(configs.filter((c) => c.job_name !== 'http500'));
    assert.equal(scrape.targetsActive().has('http500'), false);
    assert.ok(store.lastIsStale({ __name__: 'up', job: 'http500' }));
    // Unchanged jobs kept their loops (the same Target object, history intact).
    assert.equal(target('node'), nodeBefore);
  } finally {
    await discovery.stop();
    await scrape.stop();
  }
  // Shutdown: everything the node exporter exposed is marked stale.
  assert.ok(store.lastIsStale({ __name__: 'up', job: 'node' }));
  assert.ok(store.lastIsStale({ __name__: 'node_load1', job: 'node' }));
});

test('node exporter answers an OpenMetrics Accept header with a body the Content-Type-selected parser reads', { skip }, async () => {
  const res = await fetch(`http://${neAddr}/metrics`, { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
  const ct = res.headers.get('content-type') ?? '';
  const p = newParser(Buffer.from(await res.arrayBuffer()), ct);
  let n = 0;
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series) n++;
  assert.ok(n > 100, `${n} series via ${ct}`);
});
