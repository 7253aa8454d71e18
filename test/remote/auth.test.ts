// Credentials on remote requests: OAuth2 client credentials (token fetched once, cached until
// shortly before expiry, sent as Bearer) and AWS SigV4 (checked against AWS's published
// get-vanilla vector and against a signature this test computes itself from the spec's steps).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { OAuth2Config } from '../../src/config/index.js';
import { RemoteClient, RemoteError } from '../../src/storage/remote/index.js';
import { OAuth2Token } from '../../src/discovery/index.js';
import { resolveSigV4, signV4 } from '../../src/storage/remote/sigv4.js';
import { listen } from './prom.js';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res) => {
    const c: Buffer[] = [];
    req.on('data', (d: Buffer) => c.push(d));
    req.on('end', () => res(Buffer.concat(c)));
  });
}

/** A token endpoint that hands out tok-1, tok-2, … and records each request. */
async function tokenServer(expiresIn: number): Promise<{ url: string; requests: { auth: string; form: URLSearchParams }[] }> {
  const requests: { auth: string; form: URLSearchParams }[] = [];
  const s = await listen(async (req, res) => {
    const form = new URLSearchParams((await body(req)).toString());
    requests.push({ auth: req.headers.authorization ?? '', form });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: `tok-${requests.length}`, token_type: 'bearer', expires_in: expiresIn }));
  });
  servers.push(s.server);
  return { url: `http://127.0.0.1:${s.port}/token`, requests };
}

function oauth2(tokenUrl: string): OAuth2Config {
  return { client_id: 'promts id', client_secret: 's3cr&t', token_url: tokenUrl, scopes: ['write', 'read'], endpoint_params: { audience: 'aps' }, tls_config: { insecure_skip_verify: false } as OAuth2Config['tls_config'] };
}

test('remote requests carry an OAuth2 client-credentials token, fetched once and reused', async () => {
  const tok = await tokenServer(3600);
  const seen: string[] = [];
  const sink = await listen((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(204).end();
  });
  servers.push(sink.server);
  const c = new RemoteClient({ url: `http://127.0.0.1:${sink.port}/api/v1/write`, timeoutMs: 5000, http: { oauth2: oauth2(tok.url) } });
  await Promise.all([c.post(Buffer.from('a'), {}), c.post(Buffer.from('b'), {})]);
  await c.post(Buffer.from('c'), {});
  await c.close();
  assert.deepEqual(seen, ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
  assert.equal(tok.requests.length, 1, 'concurrent and later requests share one token');
  const r = tok.requests[0]!;
  // RFC 6749 2.3.1: id and secret form-encoded, then HTTP Basic.
  assert.equal(r.auth, 'Basic ' + Buffer.from('promts%20id:s3cr%26t').toString('base64'));
  assert.equal(r.form.get('grant_type'), 'client_credentials');
  assert.equal(r.form.get('scope'), 'write read');
  assert.equal(r.form.get('audience'), 'aps');
});

test('an OAuth2 token is renewed 10s before it expires', async () => {
  const tok = await tokenServer(60);
  let now = 1_000_000;
  const t = new OAuth2Token(oauth2(tok.url), 'http://remote/write', 5000, () => now);
  assert.equal(await t.header(), 'Bearer tok-1');
  now += 49_000;
  assert.equal(await t.header(), 'Bearer tok-1');
  now += 1_001;
  assert.equal(await t.header(), 'Bearer tok-2');
  await t.close();
});

test('a failing token endpoint is a recoverable error naming both URLs', async () => {
  const s = await listen((_req, res) => void res.writeHead(401).end('bad client'));
  servers.push(s.server);
  const c = new RemoteClient({ url: 'http://127.0.0.1:1/api/v1/write', timeoutMs: 2000, http: { oauth2: oauth2(`http://127.0.0.1:${s.port}/token`) } });
  await assert.rejects(c.post(Buffer.from('x'), {}), (e: unknown) => {
    assert.ok(e instanceof RemoteError);
    assert.equal(e.code, 'remote_recoverable');
    assert.match(e.message, /oauth2: cannot fetch token from http:\/\/127\.0\.0\.1:\d+\/token for http:\/\/127\.0\.0\.1:1\/api\/v1\/write: HTTP 401: bad client/);
    return true;
  });
  await c.close();
});

const SUITE = { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

test('SigV4 matches the AWS test suite vector get-vanilla', () => {
  const h: Record<string, string> = {};
  signV4({ method: 'GET', url: 'https://example.amazonaws.com/', headers: h, body: new Uint8Array(0), region: 'us-east-1', service: 'service', credentials: SUITE, now: Date.UTC(2015, 7, 30, 12, 36, 0) });
  assert.equal(h['x-amz-date'], '20150830T123600Z');
  assert.equal(h['authorization'], 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
});

/** The spec's four steps, written out independently of src/: canonical request, string to sign, key, signature. */
function expectedSignature(req: IncomingMessage, payload: Buffer, signedHeaders: string[], secret: string, region: string): string {
  const amzDate = String(req.headers['x-amz-date']);
  const canonicalHeaders = signedHeaders.map((n) => `${n}:${String(req.headers[n]).trim()}\n`).join('');
  const canonicalRequest = `${req.method}\n${req.url}\n\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${createHash('sha256').update(payload).digest('hex')}`;
  const scope = `${amzDate.slice(0, 8)}/${region}/aps/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  let key: Buffer = createHmac('sha256', 'AWS4' + secret).update(amzDate.slice(0, 8)).digest();
  for (const part of [region, 'aps', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

test('remote_write with sigv4 sends a signature AWS would accept for the body and headers it sent', async () => {
  let got: { req: IncomingMessage; payload: Buffer } | undefined;
  const sink = await listen(async (req, res) => {
    got = { req, payload: await body(req) };
    res.writeHead(204).end();
  });
  servers.push(sink.server);
  const c = new RemoteClient({ url: `http://127.0.0.1:${sink.port}/workspaces/ws-1/api/v1/remote_write`, timeoutMs: 5000, sigv4: { region: 'eu-west-1', access_key: 'AKIDTEST', secret_key: 'secret/key+1' } });
  const payload = Buffer.from('snappy bytes here');
  await c.post(payload, { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0', 'user-agent': 'Prometheus/2.42.0' });
  await c.close();
  assert.ok(got);
  const m = /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/(\d{8})\/eu-west-1\/aps\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(got.req.headers.authorization ?? '');
  assert.ok(m, `authorization header: ${got.req.headers.authorization}`);
  const signed = m[2]!.split(';');
  for (const h of ['content-encoding', 'content-length', 'content-type', 'host', 'x-amz-date', 'x-prometheus-remote-write-version']) assert.ok(signed.includes(h), `${h} is signed`);
  assert.ok(!signed.includes('user-agent'), 'user-agent is not signed (AWS ignores it)');
  assert.equal(m[3], expectedSignature(got.req, got.payload, signed, 'secret/key+1', 'eu-west-1'));
});

test('sigv4 takes keys from the environment and refuses role_arn and profile with a hint', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKENV', AWS_SECRET_ACCESS_KEY: 'sk', AWS_SESSION_TOKEN: 'st', AWS_REGION: 'us-west-2' };
  assert.deepEqual(resolveSigV4({}, 'http://x/w', env), { region: 'us-west-2', credentials: { accessKey: 'AKENV', secretKey: 'sk', sessionToken: 'st' } });
  assert.throws(() => resolveSigV4({ region: 'r', role_arn: 'arn:aws:iam::1:role/x' }, 'http://x/w', env), /role_arn is not supported by promts/);
  assert.throws(() => resolveSigV4({ region: 'r', profile: 'dev' }, 'http://x/w', {}), /profile "dev" is not supported/);
  assert.throws(() => resolveSigV4({ region: 'r' }, 'http://x/w', {}), (e: unknown) => e instanceof RemoteError && e.code === 'remote_config' && /AWS_ACCESS_KEY_ID/.test(e.hint ?? ''));
  assert.throws(() => resolveSigV4({}, 'http://x/w', {}), /no region/);
});
