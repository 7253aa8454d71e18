// Service discovery: static, file (JSON/YAML, watched), HTTP and DNS providers, and the
// manager keeping unchanged providers across a reload.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, eventually, tempDir } from '../helpers/index.js';
import { asDurationMs } from '../../src/model/index.js';
import { DiscoveryManager, DnsDiscoverer, HttpDiscoverer, parseFileSD, type JobGroups, type DnsResolver } from '../../src/discovery/index.js';

const addrs = (g: JobGroups, job: string): string[] => (g.get(job) ?? []).flatMap((tg) => tg.targets.map((t) => t['__address__']!)).sort();

describe('file_sd', () => {
  test('reads promtool\'s good SD files, JSON and YAML, with __meta_filepath and per-file sources', () => {
    for (const f of ['good-sd-file.json', 'good-sd-file.yml', 'good-sd-file.yaml']) {
      const path = join(conformanceDir, 'rules', 'promtool', f);
      const groups = parseFileSD(path, readFileSync(path, 'utf8'));
      assert.deepEqual(groups.flatMap((g) => g.targets.map((t) => t['__address__'])), ['localhost:9100'], f);
      groups.forEach((g, i) => {
        assert.equal(g.source, `${path}:${i}`);
        assert.equal(g.labels['__meta_filepath'], path);
      });
    }
  });
  test('bad SD files from promtool\'s corpus are rejected', () => {
    const path = join(conformanceDir, 'rules', 'promtool', 'bad-sd-file-extension.nonexistant');
    assert.throws(() => parseFileSD(path, '[]'), /unknown file extension/);
    const bad = join(conformanceDir, 'rules', 'promtool', 'bad-sd-file-format.yml');
    assert.throws(() => parseFileSD(bad, readFileSync(bad, 'utf8')), /field targats not found/);
    assert.throws(() => parseFileSD('x.json', '{"targets": 1}'), /expected a list/);
    assert.throws(() => parseFileSD('x.json', '[{"targets": ["a"], "labels": {"bad-name": "x"}}]'), /"bad-name" is not a valid label name/);
  });
  test('a watched file: changes, a glob match appearing, and a file removed all reach subscribers', async () => {
    const dir = tempDir();
    const m = new DiscoveryManager({ updateIntervalMs: 20 });
    let latest: JobGroups = new Map();
    m.subscribe((g) => (latest = g));
    try {
      const a = join(dir.path, 'a.json');
      writeFileSync(a, JSON.stringify([{ targets: ['h1:1'], labels: { env: 'x' } }]));
      m.applyConfig({ job: { file_sd_configs: [{ files: [join(dir.path, '*.json'), join(dir.path, '*.yml')], refresh_interval: asDurationMs(300_000) }] } });
      await eventually(async () => addrs(latest, 'job').join() === 'h1:1', 5000, 20);
      assert.equal(latest.get('job')![0]!.labels['env'], 'x');
      // Atomic replace, as config management tools do.
      writeFileSync(a + '.tmp', JSON.stringify([{ targets: ['h1:1', 'h2:1'] }]));
      renameSync(a + '.tmp', a);
      await eventually(async () => addrs(latest, 'job').join() === 'h1:1,h2:1', 5000, 20);
      writeFileSync(join(dir.path, 'b.yml'), '- targets: [h3:1]\n');
      await eventually(async () => addrs(latest, 'job').join() === 'h1:1,h2:1,h3:1', 5000, 20);
      rmSync(a);
      await eventually(async () => addrs(latest, 'job').join() === 'h3:1', 5000, 20);
    } finally {
      await m.stop();
      dir.cleanup();
    }
  });
});

describe('http_sd', () => {
  test('fetches groups with Prometheus\'s headers, adds __meta_url, empties vanished sources, rejects bad answers', async () => {
    let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: JSON.stringify([{ targets: ['a:1'], labels: { k: 'v' } }, { targets: ['b:1'] }]) };
    let headers: Record<string, string | string[] | undefined> = {};
    const srv = createServer((req, res) => {
      headers = req.headers;
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/sd`;
    const d = new HttpDiscoverer({ url, refresh_interval: asDurationMs(60_000), tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true }, 'promts/test');
    try {
      const g1 = await d.refresh();
      assert.deepEqual(g1.map((g) => [g.source, g.targets.map((t) => t['__address__']), g.labels['__meta_url']]), [[`${url}:0`, ['a:1'], url], [`${url}:1`, ['b:1'], url]]);
      assert.equal(g1[0]!.labels['k'], 'v');
      assert.equal(headers['accept'], 'application/json');
      assert.equal(headers['x-prometheus-refresh-interval-seconds'], '60');
      assert.equal(headers['user-agent'], 'promts/test');
      answer = { ...answer, body: JSON.stringify([{ targets: ['a:1'] }]) };
      const g2 = await d.refresh();
      assert.deepEqual(g2.map((g) => [g.source, g.targets.length]), [[`${url}:0`, 1], [`${url}:1`, 0]]);
      answer = { status: 500, type: 'application/json', body: '[]' };
      await assert.rejects(d.refresh(), /^HttpSDError: server returned HTTP status 500 Internal Server Error$/);
      answer = { status: 200, type: 'text/plain', body: '[]' };
      await assert.rejects(d.refresh(), /unsupported content type "text\/plain"/);
    } finally {
      srv.close();
    }
  });
});

describe('dns_sd', () => {
  const resolver: DnsResolver = {
    resolveSrv: async (n) => (n === '_metrics._tcp.example.org' ? [{ name: 'node1.example.org', port: 9100, priority: 0, weight: 0 }] : []),
    resolve4: async () => ['192.0.2.1'],
    resolve6: async () => ['2001:db8::1'],
    resolveMx: async () => [{ exchange: 'mx.example.org', priority: 10 }],
  };
  test('SRV records give host:port and the srv meta labels (rooted target, like Go)', async () => {
    const d = new DnsDiscoverer({ names: ['_metrics._tcp.example.org'], type: 'SRV', port: 0, refresh_interval: asDurationMs(30_000) }, resolver);
    const g = await d.lookup('_metrics._tcp.example.org');
    assert.equal(g.source, '_metrics._tcp.example.org');
    assert.deepEqual(g.targets[0], { __address__: 'node1.example.org:9100', __meta_dns_name: '_metrics._tcp.example.org', __meta_dns_srv_record_target: 'node1.example.org.', __meta_dns_srv_record_port: '9100', __meta_dns_mx_record_target: '' });
  });
  test('A and AAAA records use the configured port, IPv6 bracketed', async () => {
    const a = await new DnsDiscoverer({ names: ['x'], type: 'A', port: 9100, refresh_interval: asDurationMs(30_000) }, resolver).lookup('x');
    const aaaa = await new DnsDiscoverer({ names: ['x'], type: 'AAAA', port: 9100, refresh_interval: asDurationMs(30_000) }, resolver).lookup('x');
    assert.equal(a.targets[0]!['__address__'], '192.0.2.1:9100');
    assert.equal(aaaa.targets[0]!['__address__'], '[2001:db8::1]:9100');
  });
});

describe('discovery manager', () => {
  test('static configs become one group per entry; an unchanged job keeps its provider across reloads', async () => {
    let runs = 0;
    const { registerDiscoverer } = await import('../../src/discovery/index.js');
    registerDiscoverer('counting_sd_configs', () => ({
      run: async (ctx) => {
        runs++;
        ctx.send([{ source: 'c', targets: [{ __address__: 'c:1' }], labels: {} }]);
        await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r()));
      },
    }));
    const m = new DiscoveryManager({ updateIntervalMs: 10 });
    let latest: JobGroups = new Map();
    m.subscribe((g) => (latest = g));
    try {
      const cfg = { a: { static_configs: [{ targets: ['a:1', 'b:1'], labels: { l: '1' } }, { targets: ['c:1'], labels: {} }] }, b: { counting_sd_configs: [{ x: 1 }] } } as never;
      m.applyConfig(cfg);
      await eventually(async () => addrs(latest, 'a').length === 3 && addrs(latest, 'b').length === 1, 2000, 10);
      assert.deepEqual(latest.get('a')!.map((g) => g.source), ['0', '1']);
      m.applyConfig({ ...(cfg as object), c: { static_configs: [{ targets: ['d:1'], labels: {} }] } } as never);
      await eventually(async () => addrs(latest, 'c').length === 1, 2000, 10);
      assert.equal(runs, 1, 'the unchanged provider was not restarted');
      assert.deepEqual(addrs(latest, 'b'), ['c:1']);
      m.applyConfig({ c: { static_configs: [{ targets: ['d:1'], labels: {} }] } } as never);
      await eventually(async () => !latest.has('a') && !latest.has('b'), 2000, 10);
    } finally {
      await m.stop();
    }
  });
});
