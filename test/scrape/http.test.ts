// The scrape client's HTTP features against local servers: gzip bodies (and body_size_limit
// after decompression), basic_auth and authorization headers, TLS verification with and
// without the CA, and target_limit failing every scrape of an oversized pool.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, eventually, runCommand, tempDir } from '../helpers/index.js';
import { asDurationMs } from '../../src/model/index.js';
import { ScrapeManager, type Target } from '../../src/scrape/index.js';
import type { ScrapeConfig } from '../../src/config/index.js';
import { MemStore } from './memstore.js';

const job = (name: string, o: Partial<ScrapeConfig> = {}): ScrapeConfig => ({
  job_name: name, honor_labels: false, honor_timestamps: true, scrape_interval: asDurationMs(500), scrape_timeout: asDurationMs(500),
  metrics_path: '/metrics', scheme: 'http', body_size_limit: 0, sample_limit: 0, target_limit: 0, label_limit: 0,
  label_name_length_limit: 0, label_value_length_limit: 0, relabel_configs: [], metric_relabel_configs: [],
  tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true, ...o,
} as ScrapeConfig);

const dir = tempDir();
const body = 'm{i="1"} 1\n'.repeat(1) + Array.from({ length: 200 }, (_, i) => `n{i="${i}"} ${i}`).join('\n') + '\n';
let lastAuth: string | undefined;
let tokenRequests = 0;
const handler = (req: IncomingMessage, res: ServerResponse): void => {
  lastAuth = req.headers.authorization;
  if (req.url === '/auth' && req.headers.authorization !== 'Basic ' + Buffer.from('user:secret').toString('base64')) {
    res.writeHead(401).end();
    return;
  }
  if (req.url === '/token') {
    // An OAuth2 token endpoint: client credentials in HTTP Basic, as x/oauth2 sends them first.
    tokenRequests++;
    const ok = req.method === 'POST' && req.headers.authorization === 'Basic ' + Buffer.from('cid:csecret').toString('base64');
    if (!ok) res.writeHead(401).end('{"error":"invalid_client"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"tok-1","token_type":"bearer","expires_in":3600}');
    return;
  }
  if (req.url === '/oauth' && req.headers.authorization !== 'Bearer tok-1') {
    res.writeHead(401).end();
    return;
  }
  if (req.url === '/gzip') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-encoding': 'gzip' }).end(gzipSync(body));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
};
const plain = createServer(handler);
let plainAddr = '';
let tlsAddr = '';
let tlsServer: ReturnType<typeof createHttpsServer> | undefined;
const openssl = debianBinary('openssl');

before(async () => {
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  plainAddr = `127.0.0.1:${(plain.address() as AddressInfo).port}`;
  if (!openssl) return;
  const r = await runCommand(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem')]);
  assert.equal(r.code, 0, r.stderr);
  tlsServer = createHttpsServer({ key: readFileSync(join(dir.path, 'key.pem')), cert: readFileSync(join(dir.path, 'cert.pem')) }, handler);
  await new Promise<void>((res) => tlsServer!.listen(0, '127.0.0.1', res));
  tlsAddr = `127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
});

after(() => {
  plain.close();
  tlsServer?.close();
  dir.cleanup();
});

async function run(configs: ScrapeConfig[], targets: Record<string, string[]>, check: (t: (j: string) => Target[], store: MemStore) => Promise<void>): Promise<void> {
  const store = new MemStore();
  const m = new ScrapeManager({ appendable: store });
  await m.applyConfig(configs);
  m.sync(new Map(Object.entries(targets).map(([j, ts]) => [j, [{ source: '0', targets: ts.map((a) => ({ __address__: a })), labels: {} }]])));
  try {
    await eventually(async () => [...m.targetsActive().values()].flat().every((t) => t.lastScrape > 0), 10_000, 20);
    await check((j) => m.targetsActive().get(j) ?? [], store);
  } finally {
    await m.stop();
  }
}

test('gzip bodies are decompressed; body_size_limit applies to the decompressed size', async () => {
  writeFileSync(join(dir.path, 'pw'), 'secret\n');
  await run([job('gz', { metrics_path: '/gzip' }), job('gzlimit', { metrics_path: '/gzip', body_size_limit: 500 })], { gz: [plainAddr], gzlimit: [plainAddr] }, async (t, store) => {
    assert.equal(t('gz')[0]!.health, 'up', t('gz')[0]!.lastError);
    assert.equal(store.last({ __name__: 'scrape_samples_scraped', job: 'gz' }), 201);
    assert.equal(t('gzlimit')[0]!.lastError, 'body size limit exceeded');
  });
});

test('basic_auth (password_file) and authorization credentials are sent', async () => {
  writeFileSync(join(dir.path, 'pw'), 'secret\n');
  await run([job('auth', { metrics_path: '/auth', basic_auth: { username: 'user', password_file: join(dir.path, 'pw') } })], { auth: [plainAddr] }, async (t) => {
    assert.equal(t('auth')[0]!.health, 'up', t('auth')[0]!.lastError);
  });
  await run([job('bearer', { authorization: { type: 'Bearer', credentials: 'tok' } })], { bearer: [plainAddr] }, async () => {
    assert.equal(lastAuth, 'Bearer tok');
  });
  await run([job('noauth', { metrics_path: '/auth' })], { noauth: [plainAddr] }, async (t) => {
    assert.equal(t('noauth')[0]!.lastError, 'server returned HTTP status 401 Unauthorized');
  });
});

test('oauth2 client credentials: the token is fetched once and sent as a bearer token; a refused client fails the scrape saying why', async () => {
  const oauth2 = (secret: string) => ({ client_id: 'cid', client_secret: secret, token_url: `http://${plainAddr}/token` }) as ScrapeConfig['oauth2'];
  await run([job('oauth', { metrics_path: '/oauth', scrape_interval: asDurationMs(100), scrape_timeout: asDurationMs(100), oauth2: oauth2('csecret') })], { oauth: [plainAddr] }, async (t, store) => {
    assert.equal(t('oauth')[0]!.health, 'up', t('oauth')[0]!.lastError);
    await eventually(async () => (store.find({ __name__: 'up', job: 'oauth' })[0]?.ts.length ?? 0) >= 3, 10_000, 20);
    assert.equal(tokenRequests, 1, 'the token is cached until it expires');
  });
  await run([job('oauthbad', { metrics_path: '/oauth', oauth2: oauth2('wrong') })], { oauthbad: [plainAddr] }, async (t) => {
    assert.match(t('oauthbad')[0]!.lastError, /^Get "http:\/\/127\.0\.0\.1:\d+\/oauth": oauth2: cannot fetch token from http:\/\/127\.0\.0\.1:\d+\/token .*HTTP 401/);
  });
});

test('TLS: an unknown CA fails with Go\'s x509 wording; ca_file or insecure_skip_verify succeed', { skip: openssl ? false : 'openssl not installed' }, async () => {
  await run([
    job('tls-unknown', { scheme: 'https' }),
    job('tls-ca', { scheme: 'https', tls_config: { ca_file: join(dir.path, 'cert.pem'), insecure_skip_verify: false } }),
    job('tls-skip', { scheme: 'https', tls_config: { insecure_skip_verify: true } }),
    job('tls-plain', { scheme: 'https' }),
  ], { 'tls-unknown': [tlsAddr], 'tls-ca': [tlsAddr], 'tls-skip': [tlsAddr], 'tls-plain': [plainAddr] }, async (t) => {
    assert.match(t('tls-unknown')[0]!.lastError, /^Get "https:\/\/127\.0\.0\.1:\d+\/metrics": x509: certificate signed by unknown authority$/);
    assert.equal(t('tls-ca')[0]!.health, 'up', t('tls-ca')[0]!.lastError);
    assert.equal(t('tls-skip')[0]!.health, 'up', t('tls-skip')[0]!.lastError);
    assert.match(t('tls-plain')[0]!.lastError, /^Get "https:.*": (tls: |EOF)/);
  });
});

test('target_limit: more targets than allowed fails every scrape of the pool with the numbers', async () => {
  const addrs = [plainAddr, plainAddr.replace('127.0.0.1', 'localhost')];
  await run([job('limited', { target_limit: 1 })], { limited: addrs }, async (t, store) => {
    for (const tg of t('limited')) assert.equal(tg.lastError, 'target_limit exceeded (number of targets: 2, limit: 1)');
    assert.equal(store.find({ __name__: 'n', job: 'limited' }).length, 0);
    assert.equal(store.last({ __name__: 'up', job: 'limited', instance: addrs[0]! }), 0);
  });
});

test('a target that disappears from discovery is marked stale; the remaining one keeps its loop', async () => {
  const store = new MemStore();
  const m = new ScrapeManager({ appendable: store });
  const second = plainAddr.replace('127.0.0.1', 'localhost');
  const group = (addrs: string[]) => new Map([['sd', [{ source: '0', targets: addrs.map((a) => ({ __address__: a })), labels: {} }]]]);
  try {
    await m.applyConfig([job('sd')]);
    m.sync(group([plainAddr, second]));
    await eventually(async () => m.targetsActive().get('sd')!.every((t) => t.lastScrape > 0), 10_000, 20);
    const kept = m.targetsActive().get('sd')!.find((t) => t.labels.get('instance') === plainAddr)!;
    m.sync(group([plainAddr]));
    assert.deepEqual(m.targetsActive().get('sd')!, [kept]);
    // Marked stale once the next scrape would have happened (plus 10% of the interval).
    await eventually(async () => store.lastIsStale({ __name__: 'up', instance: second }) && store.lastIsStale({ __name__: 'n', i: '7', instance: second }), 5000, 50);
    assert.equal(store.last({ __name__: 'up', instance: plainAddr }), 1);
  } finally {
    await m.stop();
  }
});

test('proxy_url: scrapes go through the proxy (CONNECT tunnel)', async () => {
  const { connect } = await import('node:net');
  const tunnels: string[] = [];
  const proxy = createServer();
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url!);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    await run([job('proxied', { proxy_url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` })], { proxied: [plainAddr] }, async (t) => {
      assert.equal(t('proxied')[0]!.health, 'up', t('proxied')[0]!.lastError);
      assert.deepEqual([...new Set(tunnels)], [plainAddr]);
    });
  } finally {
    proxy.close();
  }
});
