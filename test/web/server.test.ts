// Flag-driven server behaviour over real sockets: route prefix / external URL, CORS, gzip,
// body limits, --web.max-connections, malformed requests that must not crash the server.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { startTest, req, form, type Running } from './helpers.js';

/** A raw GET so Content-Encoding can be inspected (fetch decompresses by itself). */
function raw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  // Split by hand: new URL() would resolve "..", which is what some tests send.
  const m = /^http:\/\/([^:/]+):(\d+)(.*)$/.exec(url)!;
  return new Promise((res, rej) => {
    const r = request({ host: m[1], port: Number(m[2]), path: m[3] || '/', headers }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c: Buffer) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode!, headers: resp.headers, body: Buffer.concat(chunks) }));
    });
    r.on('error', rej);
    r.setTimeout(10_000, () => r.destroy(new Error('timeout')));
    r.end();
  });
}

describe('route prefix and external URL', () => {
  let s: Running;
  before(async () => {
    s = await startTest({}, { externalUrl: 'http://prom.example:9090/prom/' });
  });
  after(() => s.close());

  test('every path moves under the prefix taken from the external URL', async () => {
    assert.equal((await req(`${s.base}/prom/api/v1/labels`)).json().data[0], '__name__');
    assert.equal((await req(`${s.base}/prom/-/healthy`)).status, 200);
    assert.equal((await req(`${s.base}/prom/federate?match[]=up`)).status, 200);
    assert.equal((await req(`${s.base}/api/v1/labels`)).status, 404);
    const root = await raw(`${s.base}/`);
    assert.equal(root.status, 302);
    assert.equal(root.headers['location'], '/prom');
    const home = await raw(`${s.base}/prom/`);
    assert.equal(home.status, 302);
    assert.equal(home.headers['location'], '/prom/graph');
  });

  test('redirects as Prometheus answers them: unclean paths, trailing slashes, the prefix root', async () => {
    const cases: [string, number, string][] = [
      ['/prom//api/v1/labels', 301, '/prom/api/v1/labels'],
      ['/prom/x/../api/v1/labels?a=1', 301, '/prom/api/v1/labels?a=1'],
      ['/prom', 301, '/prom/'],
      ['/prom/api/v1', 301, '/prom/api/v1/'],
      // Behind Go's StripPrefix the API router's redirect loses the prefix; kept identical.
      ['/prom/api/v1/query/?query=1', 301, '/query?query=1'],
      ['/prom/api/v1/label/job/values/', 301, '/label/job/values'],
    ];
    for (const [path, status, location] of cases) {
      const r = await raw(s.base + path);
      assert.equal(r.status, status, path);
      assert.equal(r.headers['location'], location, path);
    }
    assert.equal((await raw(`${s.base}/`)).body.toString(), '<a href="/prom">Found</a>.\n\n');
  });
});

describe('explicit route prefix, CORS, compression, limits', () => {
  let s: Running;
  before(async () => {
    s = await startTest({}, { routePrefix: '/p/', corsOrigin: 'https://(grafana|dash)\\.example', maxBodyBytes: 1024 });
  });
  after(() => s.close());

  test('--web.cors.origin is an anchored regex; matching origins are echoed', async () => {
    let r = await raw(`${s.base}/p/api/v1/labels`, { Origin: 'https://grafana.example' });
    assert.equal(r.headers['access-control-allow-origin'], 'https://grafana.example');
    assert.equal(r.headers['access-control-allow-methods'], 'GET, POST, OPTIONS');
    assert.equal(r.headers['vary'], 'Origin');
    r = await raw(`${s.base}/p/api/v1/labels`, { Origin: 'https://grafana.example.evil' });
    assert.equal(r.headers['access-control-allow-origin'], undefined);
    assert.equal(r.headers['access-control-allow-headers'], 'Accept, Authorization, Content-Type, Origin');
    r = await raw(`${s.base}/p/api/v1/labels`);
    assert.equal(r.headers['vary'], undefined, 'no CORS headers without Origin');
    const pre = await req(`${s.base}/p/api/v1/query`, { method: 'OPTIONS', headers: { Origin: 'https://dash.example' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://dash.example');
  });

  test('gzip and deflate follow Accept-Encoding exactly as Prometheus does', async () => {
    let r = await raw(`${s.base}/p/api/v1/labels`, { 'Accept-Encoding': 'br, gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(JSON.parse(gunzipSync(r.body).toString()).status, 'success');
    r = await raw(`${s.base}/p/api/v1/labels`, { 'Accept-Encoding': 'deflate' });
    assert.equal(r.headers['content-encoding'], 'deflate');
    assert.equal(JSON.parse(inflateSync(r.body).toString()).status, 'success');
    r = await raw(`${s.base}/p/api/v1/labels`, { 'Accept-Encoding': 'gzip;q=1.0' });
    assert.equal(r.headers['content-encoding'], undefined, 'only exact tokens count');
    r = await raw(`${s.base}/p/federate?match[]=up`, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.match(gunzipSync(r.body).toString(), /^# TYPE up untyped\n/);
    r = await raw(`${s.base}/p/metrics`, { 'Accept-Encoding': 'gzip' });
    assert.equal(gunzipSync(r.body).toString(), '# TYPE x counter\nx 1\n');
  });

  test('large matrices stream (chunked) and arrive intact, compressed or not', async () => {
    const { Labels } = await import('../../src/model/index.js');
    const n = 11_001;
    const ts = new Float64Array(n).map((_, i) => i * 1000);
    const vs = new Float64Array(n).map((_, i) => i / 3);
    s.engine.answer = () => ({ value: { type: 'matrix', series: [0, 1, 2].map((i) => ({ metric: Labels.fromObject({ i: String(i) }), timestamps: ts, values: vs })) }, warnings: [] });
    const plain = await raw(`${s.base}/p/api/v1/query_range?query=x&start=0&end=11000&step=1`);
    assert.equal(plain.headers['transfer-encoding'], 'chunked');
    const j = JSON.parse(plain.body.toString());
    assert.equal(j.data.result.length, 3);
    assert.equal(j.data.result[2].values.length, n);
    assert.deepEqual(j.data.result[1].values[3], [3, '1']);
    const gz = await raw(`${s.base}/p/api/v1/query_range?query=x&start=0&end=11000&step=1`, { 'Accept-Encoding': 'gzip' });
    assert.equal(gunzipSync(gz.body).toString(), plain.body.toString());
    s.engine.answer = () => ({ value: { type: 'vector', samples: [] }, warnings: [] });
  });

  test('a form body over the size limit is refused, the server keeps serving', async () => {
    const r = await form(`${s.base}/p/api/v1/series`, 'match[]=up&' + 'x'.repeat(5000));
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'error parsing form values: http: POST too large');
    assert.equal(r.headers.get('connection'), 'close');
    // A body many times the limit, sent in pieces: still an answer, not a reset.
    const big = await form(`${s.base}/p/api/v1/series`, 'match[]=up&' + 'y'.repeat(200_000));
    assert.equal(big.status, 400);
    assert.equal((await req(`${s.base}/p/-/healthy`)).status, 200);
  });

  test('many match[] values, invalid UTF-8 and traversal paths get answers, not crashes', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `match[]=${encodeURIComponent(`up{instance="x${i}"}`)}`).join('&');
    const r = await form(`${s.base}/p/api/v1/labels`, many.slice(0, 1000).replace(/&[^&]*$/, ''));
    assert.equal(r.status, 200);
    const longGet = await req(`${s.base}/p/api/v1/series?${many}`);
    assert.equal(longGet.status, 200);
    assert.equal((await req(`${s.base}/p/api/v1/query?query=%ff%fe`)).status, 200, 'the stub engine got U+FFFD text');
    assert.equal((await req(`${s.base}/p/../../etc/passwd`)).status, 404);
    assert.equal((await req(`${s.base}/p/api/v1/label/..%2F..%2Fetc/values`)).json().error, 'invalid label name: "../../etc"');
  });

});

describe('--web.max-connections', () => {
  let s: Running;
  before(async () => {
    s = await startTest({}, { maxConnections: 2 });
  });
  after(() => s.close());

  test('--web.max-connections makes extra clients wait instead of failing', async () => {
    // Two idle connections take both slots; a third request is served once one closes.
    const hold = await Promise.all([0, 1].map(() => new Promise<import('node:net').Socket>((res) => {
      const c = connect(s.srv.port, '127.0.0.1', () => res(c));
    })));
    let served = false;
    const p = rawFresh(`${s.base}/-/healthy`).then((r) => {
      served = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(served, false, 'third connection waits');
    hold[0]!.destroy();
    const r = await p;
    assert.equal(r.status, 200);
    hold[1]!.destroy();
  });
});

/** A GET on its own new connection (no agent reuse). */
function rawFresh(url: string): Promise<{ status: number }> {
  return new Promise((res, rej) => {
    const r = request(url, { agent: false }, (resp) => {
      resp.resume();
      resp.on('end', () => res({ status: resp.statusCode! }));
    });
    r.on('error', rej);
    r.end();
  });
}

describe('--web.read-timeout', () => {
  let s: Running;
  before(async () => {
    s = await startTest({}, { readTimeoutMs: 400 });
  });
  after(() => s.close());

  test('a client that never finishes its request is cut off', async () => {
    const sock = connect(s.srv.port, '127.0.0.1');
    sock.write('GET /-/healthy HTTP/1.1\r\nHost: x\r\n'); // headers never end
    const t0 = Date.now();
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString()));
    await new Promise<void>((res) => sock.on('close', () => res()));
    const waited = Date.now() - t0;
    assert.ok(waited >= 300 && waited < 5000, `closed after ${waited} ms`);
    assert.ok(!got.includes('Healthy'));
    assert.equal((await req(`${s.base}/-/healthy`)).status, 200, 'complete requests are still served');
  });
});

describe('listening', () => {
  test('a port in use fails with Go\'s wording and the errno', async () => {
    const s = await startTest();
    try {
      const { startWebServer } = await import('../../src/web/index.js');
      const { baseDeps, StubEngine, sampleStorage } = await import('./helpers.js');
      await assert.rejects(startWebServer({ listenAddress: `127.0.0.1:${s.srv.port}` }, baseDeps(await sampleStorage(), new StubEngine())), (e: Error & { errno?: string; code?: string }) => {
        assert.equal(e.message, `listen tcp 127.0.0.1:${s.srv.port}: bind: address already in use`);
        assert.equal(e.errno, 'EADDRINUSE');
        assert.equal(e.code, 'listen_failed');
        return true;
      });
    } finally {
      await s.close();
    }
  });
});
