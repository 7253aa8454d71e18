// --web.config.file: real TLS (certificates made with openssl in a temp dir), client
// certificate policies, basic auth with bcrypt hashes, configured headers, and the
// validation messages of exporter-toolkit.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { debianBinary, eventually, freePort, startProcess, tempDir } from '../helpers/index.js';
import { parseWebConfig } from '../../src/web/index.js';
import { startTest, type Running } from './helpers.js';

interface Pki {
  dir: string;
  ca: Buffer;
  clientCert: Buffer;
  clientKey: Buffer;
  otherCert: Buffer;
  otherKey: Buffer;
}

function makePki(dir: string): Pki {
  const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=promts test CA');
  const leaf = (name: string, ext: string, ca = 'ca') => {
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), ext);
    ossl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  // A client certificate from a CA the server does not trust.
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=stranger');
  const read = (f: string) => execFileSync('cat', [join(dir, f)]);
  return { dir, ca: read('ca.crt'), clientCert: read('client.crt'), clientKey: read('client.key'), otherCert: read('other.crt'), otherKey: read('other.key') };
}

function get(url: string, o: { ca: Buffer; cert?: Buffer; key?: Buffer; auth?: string }): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((res, rej) => {
    const r = request(url, { ca: o.ca, cert: o.cert, key: o.key, agent: false, headers: o.auth ? { Authorization: o.auth } : {} }, (resp) => {
      let body = '';
      resp.setEncoding('utf8').on('data', (d: string) => (body += d));
      resp.on('end', () => res({ status: resp.statusCode!, headers: resp.headers, body }));
    });
    r.on('error', rej);
    r.setTimeout(10_000, () => r.destroy(new Error('timeout')));
    r.end();
  });
}

const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');

describe('web config: TLS and basic auth', () => {
  const tmp = tempDir('promts-webcfg-');
  let pki: Pki;
  let s: Running;
  let mtls: Running;
  before(async () => {
    pki = makePki(tmp.path);
    const hash = bcrypt.hashSync('s3cret', 4).replace(/^\$2b\$/, '$2y$');
    writeFileSync(join(tmp.path, 'web.yml'), [
      'tls_server_config:',
      '  cert_file: server.crt', // relative to the config file, as exporter-toolkit resolves it
      '  key_file: server.key',
      'http_server_config:',
      '  headers:',
      '    X-Frame-Options: deny',
      'basic_auth_users:',
      `  alice: '${hash}'`,
      '',
    ].join('\n'));
    writeFileSync(join(tmp.path, 'mtls.yml'), [
      'tls_server_config:',
      `  cert_file: ${join(tmp.path, 'server.crt')}`,
      `  key_file: ${join(tmp.path, 'server.key')}`,
      '  client_auth_type: RequireAndVerifyClientCert',
      '  client_ca_file: ca.crt',
      '  min_version: TLS12',
      '',
    ].join('\n'));
    s = await startTest({}, { webConfigFile: join(tmp.path, 'web.yml') });
    mtls = await startTest({}, { webConfigFile: join(tmp.path, 'mtls.yml') });
  });
  after(async () => {
    await s?.close();
    await mtls?.close();
    tmp.cleanup();
  });

  test('serves HTTPS with the configured certificate', async () => {
    assert.ok(s.srv.tls);
    const r = await get(`${s.base}/-/healthy`, { ca: pki.ca, auth: basic('alice', 's3cret') });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'Prometheus Server is Healthy.\n');
    assert.equal(r.headers['x-frame-options'], 'deny');
  });

  test('basic auth: 401 with WWW-Authenticate for wrong, missing or unknown credentials', async () => {
    for (const auth of [undefined, basic('alice', 'wrong'), basic('mallory', 's3cret'), 'Bearer x', 'Basic !!!']) {
      const r = await get(`${s.base}/api/v1/labels`, { ca: pki.ca, auth });
      assert.equal(r.status, 401, String(auth));
      assert.equal(r.headers['www-authenticate'], 'Basic');
      assert.equal(r.body, 'Unauthorized\n');
      assert.equal(r.headers['x-frame-options'], 'deny', 'headers are set before authentication');
    }
    // Cached check: the second request with the same credentials is cheap and still right.
    for (let i = 0; i < 2; i++) {
      const ok = await get(`${s.base}/api/v1/labels`, { ca: pki.ca, auth: basic('alice', 's3cret') });
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body).status, 'success');
    }
  });

  test('users and headers change without a restart when the file changes', async () => {
    const file = join(tmp.path, 'web.yml');
    const before = readFileSync(file, 'utf8');
    assert.equal((await get(`${s.base}/-/healthy`, { ca: pki.ca, auth: basic('bob', 'pw2') })).status, 401);
    const bobHash = bcrypt.hashSync('pw2', 4);
    writeFileSync(file, before.replace('X-Frame-Options: deny', 'X-Frame-Options: sameorigin') + `  bob: '${bobHash}'\n`);
    const r = await get(`${s.base}/-/healthy`, { ca: pki.ca, auth: basic('bob', 'pw2') });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-frame-options'], 'sameorigin');
    writeFileSync(file, 'basic_auth_users: [broken\n');
    assert.equal((await get(`${s.base}/-/healthy`, { ca: pki.ca, auth: basic('bob', 'pw2') })).status, 500, 'an unreadable config fails closed');
    writeFileSync(file, before);
    assert.equal((await get(`${s.base}/-/healthy`, { ca: pki.ca, auth: basic('alice', 's3cret') })).status, 200);
  });

  test('RequireAndVerifyClientCert: trusted client certs only', async () => {
    const ok = await get(`${mtls.base}/-/healthy`, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey });
    assert.equal(ok.status, 200);
    await assert.rejects(get(`${mtls.base}/-/healthy`, { ca: pki.ca }));
    await assert.rejects(get(`${mtls.base}/-/healthy`, { ca: pki.ca, cert: pki.otherCert, key: pki.otherKey }));
  });

  test('401 and headers match Debian prometheus given the same web config', { skip: debianBinary('prometheus') ? false : 'Debian prometheus is not installed' }, async () => {
    const port = await freePort();
    writeFileSync(join(tmp.path, 'empty.yml'), 'global:\n  scrape_interval: 15s\n');
    const prom = startProcess(debianBinary('prometheus')!, [
      `--config.file=${join(tmp.path, 'empty.yml')}`, `--storage.tsdb.path=${join(tmp.path, 'promdata')}`,
      `--web.listen-address=127.0.0.1:${port}`, `--web.config.file=${join(tmp.path, 'web.yml')}`, '--log.level=warn',
    ]);
    try {
      const promBase = `https://127.0.0.1:${port}`;
      await eventually(async () => (await get(`${promBase}/-/healthy`, { ca: pki.ca, auth: basic('alice', 's3cret') })).status === 200, 30_000, 200);
      for (const auth of [undefined, basic('alice', 'wrong'), basic('nobody', 'x')]) {
        const [a, b] = await Promise.all([get(`${promBase}/api/v1/labels`, { ca: pki.ca, auth }), get(`${s.base}/api/v1/labels`, { ca: pki.ca, auth })]);
        const pickH = (h: Record<string, unknown>) => [h['content-type'], h['www-authenticate'], h['x-frame-options'], h['x-content-type-options']];
        assert.deepEqual([b.status, b.body, pickH(b.headers)], [a.status, a.body, pickH(a.headers)], String(auth));
      }
      const [a, b] = await Promise.all([get(`${promBase}/-/healthy`, { ca: pki.ca, auth: basic('alice', 's3cret') }), get(`${s.base}/-/healthy`, { ca: pki.ca, auth: basic('alice', 's3cret') })]);
      assert.deepEqual([b.status, b.body, b.headers['x-frame-options']], [a.status, a.body, a.headers['x-frame-options']]);
    } finally {
      await prom.stop();
    }
  });

  test('validation messages follow exporter-toolkit', () => {
    const bad: [string, RegExp][] = [
      ['tls_server_config:\n  cert_file: a.crt\n', /^missing key_file$/],
      ['tls_server_config:\n  key_file: a.key\n', /^missing cert_file$/],
      ['tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Nope\n', /^Invalid ClientAuth: Nope$/],
      ['tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n', /^Client CA's have been configured without a Client Auth Policy$/],
      ['tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS99\n', /^unknown TLS version: TLS99$/],
      ['http_server_config:\n  headers:\n    Server: x\n', /^HTTP header "Server" can not be configured$/],
      ['basic_auth_users:\n  bob: plain\n', /bcrypt/],
      ['nope: 1\n', /field nope not found/],
    ];
    for (const [yml, re] of bad) assert.throws(() => parseWebConfig(yml, '/x'), (e: Error) => re.test(e.message), yml);
    const ok = parseWebConfig('tls_server_config:\n  cert_file: a.crt\n  key_file: /abs/b.key\n', '/etc/p');
    assert.equal(ok.tls!.certFile, '/etc/p/a.crt');
    assert.equal(ok.tls!.keyFile, '/abs/b.key');
    assert.equal(ok.tls!.minVersion, 'TLS12');
    assert.equal(parseWebConfig('', '/x').tls, undefined);
  });
});
