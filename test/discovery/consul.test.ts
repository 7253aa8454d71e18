// consul_sd_configs against a fake Consul HTTP API on 127.0.0.1 (Consul is not packaged in
// Debian) that answers blocking queries the way Consul does: a request with ?index=N waits
// until the data's index passes N (or the wait ends) and every answer carries X-Consul-Index.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addrs, runDiscoverer } from './harness.js';
import { eventually, freePort, repoRoot, startProcess, tempDir, waitForHttp } from '../helpers/index.js';
import { asDurationMs } from '../../src/model/index.js';
import type { ConsulSDConfig } from '../../src/config/index.js';
import { ConsulDiscoverer, aggregatedStatus, buildServiceGroup, type ServiceEntry } from '../../src/discovery/consul/index.js';

interface Instance {
  node: string;
  address: string;
  port: number;
  tags?: string[];
  serviceAddress?: string;
  checks?: { CheckID: string; Status: string }[];
}

class FakeConsul {
  /** service -> tags (the catalog) and service -> instances (health). */
  readonly instances = new Map<string, Instance[]>();
  readonly requests: { url: URL; headers: IncomingMessage['headers'] }[] = [];
  index = 10;
  datacenter = 'dc1';
  /** Paths that answer 500 this many more times. */
  readonly failures = new Map<string, number>();
  private readonly waiting = new Set<() => void>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  address = '';

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  get blocked(): number {
    return this.waiting.size;
  }

  /** Replaces a service's instances (undefined removes the service) and wakes blocked queries. */
  set(service: string, list: Instance[] | undefined): void {
    if (list) this.instances.set(service, list);
    else this.instances.delete(service);
    this.index++;
    for (const w of [...this.waiting]) w();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ url, headers: req.headers });
    const fails = this.failures.get(url.pathname) ?? 0;
    if (fails > 0) {
      this.failures.set(url.pathname, fails - 1);
      res.writeHead(500).end('rpc error: No cluster leader');
      return;
    }
    if (url.pathname === '/v1/agent/self') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Config: { Datacenter: this.datacenter } }));
      return;
    }
    // Blocking query: hold the request while the index has not moved past the caller's.
    const wanted = Number(url.searchParams.get('index') ?? 0);
    if (wanted >= this.index) {
      await new Promise<void>((r) => {
        const wake = (): void => {
          this.waiting.delete(wake);
          r();
        };
        this.waiting.add(wake);
        req.on('close', wake);
      });
      if (res.destroyed) return;
    }
    let body: unknown;
    if (url.pathname === '/v1/catalog/services') {
      body = Object.fromEntries([...this.instances].map(([s, list]) => [s, [...new Set(list.flatMap((i) => i.tags ?? []))]]));
    } else if (url.pathname.startsWith('/v1/health/service/')) {
      const name = decodeURIComponent(url.pathname.slice('/v1/health/service/'.length));
      const tags = url.searchParams.getAll('tag');
      body = (this.instances.get(name) ?? [])
        .filter((i) => tags.every((t) => (i.tags ?? []).includes(t)))
        .map((i, n): ServiceEntry => ({
          Node: { Node: i.node, Address: i.address, TaggedAddresses: { lan: i.address, 'wan.ipv4': '203.0.113.1' }, Meta: { 'rack-id': 'r1' } },
          Service: { ID: `${name}-${n}`, Service: name, Tags: i.tags ?? [], Address: i.serviceAddress ?? '', Port: i.port, Meta: { version: '1.2' }, Namespace: '', Partition: '' },
          Checks: i.checks ?? [{ CheckID: 'serfHealth', Status: 'passing' }],
        }));
    } else {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-consul-index': String(this.index) }).end(JSON.stringify(body));
  }
}

const cfg = (server: string, over: Partial<ConsulSDConfig> = {}): ConsulSDConfig => ({
  server, scheme: 'http', tag_separator: ',', allow_stale: true, refresh_interval: asDurationMs(20), services: [],
  tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true, ...over,
});


describe('consul SD labels (Prometheus 2.42)', () => {
  test('a service group: address from the service (else the node), tags wrapped in the separator, sanitized metadata', () => {
    const g = buildServiceGroup('web', 'dc1', ';', [
      {
        Node: { Node: 'n1', Address: '10.0.0.1', TaggedAddresses: { 'wan.ipv4': '1.2.3.4' }, Meta: { 'rack-id': 'r1' } },
        Service: { ID: 'web-1', Service: 'web', Tags: ['a', 'b'], Address: '', Port: 80, Meta: { 'git.sha': 'abc' }, Namespace: 'ns1', Partition: 'p1' },
        Checks: [{ CheckID: 'serfHealth', Status: 'passing' }, { CheckID: 'svc', Status: 'warning' }],
      },
      { Node: { Node: 'n2', Address: '10.0.0.2' }, Service: { ID: 'web-2', Address: 'fd00::2', Port: 81, Tags: null, Meta: null }, Checks: null },
    ]);
    assert.equal(g.source, 'web');
    assert.deepEqual(g.labels, { __meta_consul_service: 'web', __meta_consul_dc: 'dc1' });
    assert.deepEqual(g.targets[0], {
      __address__: '10.0.0.1:80',
      __meta_consul_address: '10.0.0.1', __meta_consul_node: 'n1', __meta_consul_namespace: 'ns1', __meta_consul_partition: 'p1',
      __meta_consul_tags: ';a;b;', __meta_consul_service_address: '', __meta_consul_service_port: '80', __meta_consul_service_id: 'web-1',
      __meta_consul_health: 'warning',
      __meta_consul_metadata_rack_id: 'r1', __meta_consul_service_metadata_git_sha: 'abc', __meta_consul_tagged_address_wan_ipv4: '1.2.3.4',
    });
    assert.equal(g.targets[1]!['__address__'], '[fd00::2]:81');
    assert.equal(g.targets[1]!['__meta_consul_tags'], ';;');
    assert.equal(g.targets[1]!['__meta_consul_health'], 'passing');
  });

  test('health aggregates like Consul: maintenance > critical > warning > passing; unknown status gives ""', () => {
    assert.equal(aggregatedStatus([]), 'passing');
    assert.equal(aggregatedStatus([{ Status: 'passing' }, { Status: 'critical' }, { Status: 'warning' }]), 'critical');
    assert.equal(aggregatedStatus([{ CheckID: '_service_maintenance:web', Status: 'critical' }, { Status: 'critical' }]), 'maintenance');
    assert.equal(aggregatedStatus([{ CheckID: '_node_maintenance', Status: 'x' }]), 'maintenance');
    assert.equal(aggregatedStatus([{ Status: 'passing' }, { Status: 'bogus' }]), '');
  });
});

describe('consul SD against a fake Consul', () => {
  test('watches the catalog: new services, instance changes and removed services, with token, dc from the agent, stale', async () => {
    const consul = await new FakeConsul().start();
    consul.set('web', [{ node: 'n1', address: '10.0.0.1', port: 80, tags: ['prod'] }]);
    const r = runDiscoverer(new ConsulDiscoverer(cfg(consul.address, { token: 'tok' }), 'promts/test', { retryIntervalMs: 50 }));
    try {
      await eventually(async () => addrs(r.groups).join() === '10.0.0.1:80', 5000, 20);
      assert.equal(r.groups.get('web')!.labels['__meta_consul_dc'], 'dc1', 'datacenter comes from /v1/agent/self');
      const health = consul.requests.find((q) => q.url.pathname === '/v1/health/service/web')!;
      assert.equal(health.headers['x-consul-token'], 'tok');
      assert.equal(health.url.searchParams.get('stale'), '');
      assert.equal(health.url.searchParams.get('wait'), '120000ms');

      // Both watches now block on the current index; a change must wake them.
      await eventually(async () => consul.blocked === 2, 5000, 20);
      consul.set('web', [{ node: 'n1', address: '10.0.0.1', port: 80 }, { node: 'n2', address: '10.0.0.2', port: 80, serviceAddress: '10.9.9.9' }]);
      await eventually(async () => addrs(r.groups).join() === '10.0.0.1:80,10.9.9.9:80', 5000, 20);
      const blocking = consul.requests.filter((q) => q.url.pathname === '/v1/health/service/web').at(-1)!;
      assert.ok(Number(blocking.url.searchParams.get('index')) > 0, 'later queries pass the last X-Consul-Index');

      consul.set('db', [{ node: 'n3', address: '10.0.0.3', port: 5432 }]);
      await eventually(async () => r.groups.has('db'), 5000, 20);
      consul.set('web', undefined);
      await eventually(async () => !r.groups.has('web'), 5000, 20);
      assert.deepEqual(addrs(r.groups), ['10.0.0.3:5432']);
    } finally {
      await r.stop();
      await consul.stop();
    }
  });

  test('services + tags + node_meta + datacenter: only matching services, filters passed to Consul', async () => {
    const consul = await new FakeConsul().start();
    consul.set('web', [{ node: 'n1', address: '10.0.0.1', port: 80, tags: ['prod', 'http'] }, { node: 'n2', address: '10.0.0.2', port: 80, tags: ['dev'] }]);
    consul.set('db', [{ node: 'n3', address: '10.0.0.3', port: 5432, tags: ['prod'] }]);
    const r = runDiscoverer(new ConsulDiscoverer(cfg(consul.address, { services: ['web'], tags: ['prod'], node_meta: { rack: 'r1' }, datacenter: 'east', namespace: 'team', partition: 'part' }), 'promts/test'));
    try {
      await eventually(async () => addrs(r.groups).join() === '10.0.0.1:80', 5000, 20);
      assert.equal(r.groups.get('web')!.labels['__meta_consul_dc'], 'east');
      assert.equal(consul.requests.some((q) => q.url.pathname === '/v1/agent/self'), false, 'a configured datacenter needs no agent call');
      assert.ok(consul.requests.some((q) => q.url.pathname === '/v1/catalog/services'), 'tags make it watch the catalog');
      const h = consul.requests.find((q) => q.url.pathname === '/v1/health/service/web')!.url.searchParams;
      assert.deepEqual([h.getAll('tag'), h.get('node-meta'), h.get('dc'), h.get('ns'), h.get('partition')], [['prod'], 'rack:r1', 'east', 'team', 'part']);
      assert.equal(consul.requests.some((q) => q.url.pathname === '/v1/health/service/db'), false);
    } finally {
      await r.stop();
      await consul.stop();
    }
  });

  test('a failing call is logged with URL and status, retried, and discovery recovers; stop aborts blocking queries', async () => {
    const consul = await new FakeConsul().start();
    consul.set('web', [{ node: 'n1', address: '10.0.0.1', port: 80 }]);
    consul.failures.set('/v1/health/service/web', 2);
    const r = runDiscoverer(new ConsulDiscoverer(cfg(consul.address, { services: ['web'] }), 'promts/test', { retryIntervalMs: 50 }));
    try {
      await eventually(async () => r.groups.has('web'), 5000, 20);
      const err = r.logs.find((l) => l.includes('level=error'))!;
      assert.match(err, /Error refreshing service/);
      assert.match(err, new RegExp(`GET http://${consul.address}/v1/health/service/web\\?stale=&wait=120000ms: Unexpected response code: 500 \\(rpc error: No cluster leader\\)`));
      await eventually(async () => consul.blocked === 1, 5000, 20);
      const t0 = Date.now();
      await r.stop();
      assert.ok(Date.now() - t0 < 1000, `stop took ${Date.now() - t0} ms`);
      await eventually(async () => consul.blocked === 0, 2000, 20);
    } finally {
      await r.stop();
      await consul.stop();
    }
  });
});

const SERVER_FROM_SOURCE = `const {default: Server} = await import(${JSON.stringify(join(repoRoot, 'commands', 'server.ts'))}); await Server.run(process.argv.slice(1), ${JSON.stringify('file://' + join(repoRoot, 'bin', 'run.cjs'))})`;

test('promts server with consul_sd_configs lists Consul services in /api/v1/targets with __meta_consul_* labels', async () => {
  const consul = await new FakeConsul().start();
  consul.set('web', [{ node: 'n1', address: '10.0.0.1', port: 80, tags: ['prod'] }]);
  const dir = tempDir();
  const port = await freePort();
  writeFileSync(join(dir.path, 'prometheus.yml'), [
    'global: {scrape_interval: 1h}',
    'scrape_configs:',
    '  - job_name: consul',
    `    consul_sd_configs: [{server: "${consul.address}", refresh_interval: 1s, tag_separator: "|"}]`,
  ].join('\n') + '\n');
  // `promts server` (the oclif command and its wiring) from the TypeScript sources: bin/run.cjs needs a build.
  const srv = startProcess(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SERVER_FROM_SOURCE, '--', `--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: repoRoot });
  type T = { discoveredLabels: Record<string, string>; scrapePool: string };
  const targets = async (): Promise<T[]> => ((await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as { data: { activeTargets: T[] } }).data.activeTargets;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, srv);
    const [t] = await eventually(async () => {
      const ts = await targets();
      return ts.length === 1 ? ts : undefined;
    }, 30_000, 200).catch((e: Error) => assert.fail(`${e.message}\n${srv.output()}`));
    assert.equal(t!.scrapePool, 'consul');
    assert.equal(t!.discoveredLabels['__address__'], '10.0.0.1:80');
    assert.equal(t!.discoveredLabels['__meta_consul_service'], 'web');
    assert.equal(t!.discoveredLabels['__meta_consul_dc'], 'dc1');
    assert.equal(t!.discoveredLabels['__meta_consul_tags'], '|prod|');
    assert.equal(t!.discoveredLabels['__meta_consul_health'], 'passing');
    consul.set('web', [{ node: 'n1', address: '10.0.0.1', port: 80 }, { node: 'n2', address: '10.0.0.2', port: 80 }]);
    await eventually(async () => (await targets()).length === 2, 30_000, 200);
    assert.doesNotMatch(srv.output(), /level=error.*discovery/, 'discovery logged no errors');
  } finally {
    await srv.stop();
    await consul.stop();
    dir.cleanup();
  }
});
