// The dashboard's intricate pieces on their own: braille charts, sparklines, completion,
// carets, the API client's answer handling and --http.config.file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { brailleChart } from '../../src/tui/braille.js';
import { sparkline } from '../../src/tui/sparkline.js';
import { complete, completionContext, PROMQL_FUNCTIONS } from '../../src/tui/completion.js';
import { caretLines, parseQueryError } from '../../src/tui/caret.js';
import { ApiClient, fetchFor, httpSettingsFrom, loadHttpConfigFile, parseAnswer, HttpConfigError } from '../../src/tui/api/index.js';
import { formatAge, formatSeconds, formatValue, unitOf } from '../../src/tui/format.js';
import { colorWanted } from '../../src/tui/theme.js';
import { debianBinary, tempDir } from '../helpers/index.js';
import { fixture } from './helpers.js';

test('braille chart: a rising line goes from the bottom-left cell to the top-right cell', () => {
  const g = brailleChart([{ times: [0, 10, 20, 30], values: [0, 1, 2, 3] }], { width: 20, height: 4, start: 0, end: 30, step: 10 });
  assert.equal(g.rows.length, 4);
  const text = (r: number) => g.rows[r]!.segments.map((s) => s.text).join('');
  // Bottom row starts with a dot at the lower-left (dot 7 = 0x40), top row ends with one top-right (dot 4 = 0x08).
  assert.ok(text(3).trimEnd().length > 0 && (text(3).codePointAt(0)! & 0x40) !== 0, text(3));
  const top = text(0).trimEnd();
  assert.ok((top.codePointAt(top.length - 1)! & 0x08) !== 0, top);
  assert.match(g.rows[0]!.axis, /^ *3 ┤$/);
  assert.match(g.rows[3]!.axis, /^ *0 ┤$/);
  assert.match(g.xAxis, /└─+$/);
  assert.match(g.xLabels, /00:00:00 .*00:00:30 UTC$/);
});

test('braille chart: NaN and gaps wider than a step break the line; series keep their index for colour', () => {
  const g = brailleChart(
    [
      { times: [0, 10, 20, 60, 70], values: [1, NaN, 1, 1, 1] },
      { times: [0, 70], values: [2, 2] },
    ],
    { width: 40, height: 3, start: 0, end: 70, step: 10 },
  );
  const owners = new Set(g.rows.flatMap((r) => r.segments.map((s) => s.series)));
  assert.deepEqual([...owners].sort(), [-1, 0, 1]);
  // Series 1 has two points 70 s apart with step 10: drawn as two dots, not a line.
  const dots1 = g.rows.flatMap((r) => r.segments.filter((s) => s.series === 1).map((s) => s.text)).join('');
  assert.equal([...dots1].length, 2);
});

test('braille chart: y labels use the unit of the metric name', () => {
  const g = brailleChart([{ times: [0, 1], values: [0, 2 * 1024 * 1024] }], { width: 30, height: 3, start: 0, end: 1, step: 1, unit: 'bytes' });
  assert.match(g.rows[0]!.axis, /2MiB ┤/);
  assert.equal(unitOf('process_resident_memory_bytes'), 'bytes');
  assert.equal(unitOf('http_request_duration_seconds_bucket'), 'seconds');
  assert.equal(formatValue(0.25, 'seconds'), '250ms');
  assert.equal(formatValue(1500), '1.5k');
});

test('sparkline: eight levels, gaps as spaces, flat data mid-height, only the last width points', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([1, NaN, 3], 3), '▁ █');
  assert.equal(sparkline([5, 5, 5], 3), '▄▄▄');
  assert.equal(sparkline([9, 0, 7], 2), '▁█');
  assert.equal(sparkline([NaN, NaN], 2), '  ');
});

test('completion context: metric, label name in {} and by(), label value in quotes, nothing in [ ]', () => {
  assert.deepEqual(completionContext('rate(http_req', 13), { kind: 'metric', prefix: 'http_req', start: 5 });
  assert.equal(completionContext('up{jo', 5).kind, 'label_name');
  assert.equal(completionContext('sum by (jo', 10).kind, 'label_name');
  assert.equal(completionContext('sum(up) by (instance, jo', 24).kind, 'label_name');
  assert.deepEqual(completionContext('up{job="pro', 11), { kind: 'label_value', prefix: 'pro', start: 8, labelName: 'job' });
  assert.equal(completionContext('up{job=~"pro', 12).labelName, 'job');
  assert.equal(completionContext('rate(up[5', 9).kind, 'none');
  assert.equal(completionContext('rate(up[5m]) + hist', 19).kind, 'metric');
});

test('completion: one match completes (functions get "(", values their quote), several complete the common prefix', () => {
  const fns = new Set(PROMQL_FUNCTIONS);
  let c = complete('hist', 4, completionContext('hist', 4), ['histogram_quantile', 'histogram_sum', 'http'], fns);
  assert.equal(c.text, 'histogram_');
  assert.deepEqual(c.choices, ['histogram_quantile', 'histogram_sum']);
  c = complete('histogram_q', 11, completionContext('histogram_q', 11), ['histogram_quantile'], fns);
  assert.deepEqual(c, { text: 'histogram_quantile(', cursor: 19, choices: [] });
  c = complete('up{job="pro}', 11, completionContext('up{job="pro}', 11), ['prometheus', 'node'], fns);
  assert.equal(c.text, 'up{job="prometheus"}');
  c = complete('x{path="C:', 10, completionContext('x{path="C:', 10), ['C:\\jobs'], fns);
  assert.equal(c.text, 'x{path="C:\\\\jobs"', 'backslashes escaped inside the PromQL string');
});

test('caret: the position from "1:17: parse error" lands under column 17, and multi-line queries pick their line', () => {
  const e = parseQueryError((fixture('query_parse_error') as { error: string }).error);
  assert.deepEqual(e, { message: '1:17: parse error: unclosed left parenthesis', line: 1, column: 17 });
  assert.deepEqual(caretLines('sum(rate(foo[1m]', e, 80), ['sum(rate(foo[1m]', ' '.repeat(16) + '^']);
  const e2 = parseQueryError('invalid parameter "query": 2:5: parse error: unexpected end of input');
  assert.deepEqual(caretLines('\nup +', e2, 80), ['up +', '    ^']);
  assert.equal(caretLines('x', parseQueryError('some other error'), 80), undefined);
  // Go counts bytes: "é" is 2 bytes, so column 5 of 'é == 1' is under the "=" (index 3... after "é ").
  assert.deepEqual(caretLines('é == 1', { message: '', line: 1, column: 5 }, 80), ['é == 1', '   ^']);
});

test('answers: success, Prometheus errors, 503 while starting, bare HTTP errors', () => {
  assert.deepEqual(parseAnswer(200, JSON.stringify(fixture('status_walreplay'))), { ok: true, data: { min: 1, max: 6, current: 6 }, warnings: undefined });
  const err = parseAnswer(400, JSON.stringify(fixture('query_parse_error')));
  assert.ok(!err.ok && err.error.kind === 'api' && err.error.errorType === 'bad_data');
  const starting = parseAnswer(503, 'Service Unavailable');
  assert.ok(!starting.ok && starting.error.kind === 'not_ready');
  const unauth = parseAnswer(401, 'Unauthorized\n');
  assert.ok(!unauth.ok && unauth.error.kind === 'http' && unauth.error.message === 'HTTP 401: Unauthorized');
});

test('client: a refused connection is "network" and marks the client disconnected; an answer reconnects it', async () => {
  let fail = true;
  const api = new ApiClient({
    url: 'http://127.0.0.1:1/',
    fetch: async () => {
      if (fail) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
      return { status: 200, text: async () => JSON.stringify(fixture('status_buildinfo')) };
    },
  });
  const seen: boolean[] = [];
  api.onConnection((s) => seen.push(s.connected));
  const r = await api.buildInfo();
  assert.ok(!r.ok && r.error.kind === 'network' && r.error.message === 'connect ECONNREFUSED 127.0.0.1:1');
  assert.equal(api.connection().connected, false);
  fail = false;
  assert.ok((await api.buildInfo()).ok);
  assert.deepEqual(seen, [false, true]);
});

test('client: a slow answer times out; a cancelled one reports "aborted" without marking disconnected', async () => {
  const hang = (_u: string, init: { signal: AbortSignal }) =>
    new Promise<never>((_, rej) => init.signal.addEventListener('abort', () => rej(new DOMException('aborted', 'AbortError'))));
  const api = new ApiClient({ url: 'http://127.0.0.1:9', fetch: hang, timeoutMs: 50 });
  const t = await api.query('up');
  assert.ok(!t.ok && t.error.kind === 'timeout');
  const api2 = new ApiClient({ url: 'http://127.0.0.1:9', fetch: hang, timeoutMs: 5000 });
  const ctrl = new AbortController();
  const p = api2.query('up', ctrl.signal);
  ctrl.abort();
  const c = await p;
  assert.ok(!c.ok && c.error.kind === 'aborted');
  assert.equal(api2.connection().connected, true);
});

test('--http.config.file: basic_auth (password_file), authorization bearer, bearer_token, CA file, and the checks', () => {
  const d = tempDir();
  try {
    writeFileSync(join(d.path, 'pw'), 's3cret\n');
    writeFileSync(join(d.path, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    writeFileSync(join(d.path, 'basic.yml'), 'basic_auth:\n  username: admin\n  password_file: pw\ntls_config:\n  ca_file: ca.pem\n  insecure_skip_verify: false\n');
    const b = loadHttpConfigFile(join(d.path, 'basic.yml'));
    assert.equal(b.headers['Authorization'], 'Basic ' + Buffer.from('admin:s3cret').toString('base64'));
    assert.equal(b.tls?.ca, '-----BEGIN CERTIFICATE-----\n');
    assert.equal(b.tls?.rejectUnauthorized, true);
    assert.equal(httpSettingsFrom({ authorization: { credentials: 'tok' } }, 'f', d.path).headers['Authorization'], 'Bearer tok');
    assert.equal(httpSettingsFrom({ bearer_token: 'old' }, 'f', d.path).headers['Authorization'], 'Bearer old');
    assert.equal(httpSettingsFrom({ tls_config: { insecure_skip_verify: true } }, 'f', d.path).tls?.rejectUnauthorized, false);
    assert.throws(() => httpSettingsFrom({ basic_auth: { username: 'a' }, authorization: { credentials: 'b' } }, 'f', d.path), /at most one of basic_auth, oauth2, bearer_token/);
    assert.throws(() => httpSettingsFrom({ basic_auth: { username: 'a', password: 'x', password_file: 'pw' } }, 'f', d.path), /at most one of basic_auth password & password_file/);
    assert.throws(() => httpSettingsFrom({ tls_config: { cert_file: 'c.pem' } }, 'f', d.path), /specified without client key file/);
    assert.throws(() => httpSettingsFrom({ basic_auth: { username: 'a', password_file: 'nope' } }, 'f', d.path), /unable to read basic auth password file nope/);
    assert.throws(() => httpSettingsFrom({ bogus: 1 }, 'f', d.path), (e: unknown) => e instanceof HttpConfigError && /field bogus not found/.test(e.message));
  } finally {
    d.cleanup();
  }
});

test('--http.config.file: the credentials reach the server on every request', async () => {
  const seen: (string | undefined)[] = [];
  const srv = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(fixture('status_buildinfo')));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = (srv.address() as { port: number }).port;
    const settings = httpSettingsFrom({ basic_auth: { username: 'u', password: 'p' } }, 'f', '.');
    const api = new ApiClient({ url: `http://127.0.0.1:${port}`, fetch: fetchFor(settings), headers: settings.headers });
    const r = await api.buildInfo();
    assert.ok(r.ok && r.data.version === '2.42.0+ds');
    assert.deepEqual(seen, ['Basic ' + Buffer.from('u:p').toString('base64')]);
  } finally {
    srv.close();
  }
});

test('ages and durations read like Prometheus web UI ones', () => {
  assert.equal(formatAge(0), '0s');
  assert.equal(formatAge(192_000), '3m12s');
  assert.equal(formatAge(90_061_000), '1d1h');
  assert.equal(formatSeconds(0.000728866), '729µs');
  assert.equal(formatSeconds(0.003946616), '3.95ms');
  assert.equal(formatSeconds(600), '10m');
});

test('--http.config.file: tls_config ca_file makes a server signed by that CA trusted (and only then)', { skip: debianBinary('openssl') ? false : 'needs openssl to make a CA' }, async () => {
  const d = tempDir();
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: d.path, stdio: 'pipe' });
  try {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=promts test CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(d.path, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'ext');
    const srv = createHttpsServer({ key: readFileSync(join(d.path, 'srv.key')), cert: readFileSync(join(d.path, 'srv.pem')) }, (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(fixture('status_buildinfo')));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(srv.address() as { port: number }).port}`;
      writeFileSync(join(d.path, 'tls.yml'), 'tls_config:\n  ca_file: ca.pem\n');
      const withCa = loadHttpConfigFile(join(d.path, 'tls.yml'));
      const ok = await new ApiClient({ url, fetch: fetchFor(withCa), headers: withCa.headers }).buildInfo();
      assert.ok(ok.ok, JSON.stringify(ok));
      const without = await new ApiClient({ url, fetch: fetchFor({ headers: {} }) }).buildInfo();
      assert.ok(!without.ok && without.error.kind === 'network' && /certificate/i.test(without.error.message), JSON.stringify(without));
    } finally {
      srv.close();
    }
  } finally {
    d.cleanup();
  }
});

test('NO_COLOR (set and non-empty) and TERM=dumb turn colour off', () => {
  assert.equal(colorWanted({ TERM: 'xterm-256color' }), true);
  assert.equal(colorWanted({ TERM: 'xterm-256color', NO_COLOR: '1' }), false);
  assert.equal(colorWanted({ TERM: 'xterm-256color', NO_COLOR: '' }), true, 'no-color.org: an empty NO_COLOR does not count');
  assert.equal(colorWanted({ TERM: 'dumb' }), false);
});
