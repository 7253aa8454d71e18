import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_FLAGS, resolveServerOptions } from '../../src/server/index.js';
import { runCli, sharedDir } from '../helpers/index.js';

test('every flag of prometheus 2.42 --help is accepted by promts server', () => {
  const help = readFileSync(join(sharedDir, 'reference/prometheus-2.42/command-line/prometheus-help.txt'), 'utf8');
  const names = [...help.matchAll(/^ {2,8}(?:-\w, )?--([a-z][\w.-]+)/gm)].map((m) => m[1]!).filter((n) => n !== 'help' && n !== 'version');
  assert.ok(names.length > 40, `parsed only ${names.length} flags from the reference help`);
  const ours = new Set(SERVER_FLAGS.map((f) => f.name));
  assert.deepEqual(names.filter((n) => !ours.has(n)), []);
});

test('defaults match Prometheus where promts does not document a difference', () => {
  const o = resolveServerOptions({});
  assert.equal(o.query.lookbackDelta, 5 * 60_000);
  assert.equal(o.query.timeout, 2 * 60_000);
  assert.equal(o.query.maxSamples, 50_000_000);
  assert.equal(o.tsdb.retentionTime, 15 * 24 * 3600_000);
  assert.equal(o.tsdb.path, 'data/');
  assert.equal(o.configFile, 'prometheus.yml');
  assert.equal(o.configFileExplicit, false);
  assert.deepEqual(o.listenAddress, { host: '127.0.0.1', port: 9090 });
  assert.equal(o.routePrefix, '/');
  assert.equal(o.raw['storage.tsdb.retention.time'], '15d');
});

test('retention: size alone disables the 15d default; the deprecated flag still works', () => {
  assert.equal(resolveServerOptions({ 'storage.tsdb.retention.size': '512MB' }).tsdb.retentionTime, 0);
  assert.equal(resolveServerOptions({ 'storage.tsdb.retention.size': '512MB' }).tsdb.retentionSize, 512 * 2 ** 20);
  assert.equal(resolveServerOptions({ 'storage.tsdb.retention': '2d' }).tsdb.retentionTime, 2 * 24 * 3600_000);
});

test('route prefix comes from the external URL path', () => {
  assert.equal(resolveServerOptions({ 'web.external-url': 'http://example.com:9090/prom/' }).routePrefix, '/prom');
});

test('bad flag values name the flag and say what to write', () => {
  assert.throws(() => resolveServerOptions({ 'query.timeout': '2 minutes' }), /--query\.timeout.*not a valid duration/);
  assert.throws(() => resolveServerOptions({ 'log.level': 'verbose' }), /--log\.level/);
  assert.throws(() => resolveServerOptions({ 'web.listen-address': 'localhost' }), /--web\.listen-address.*host:port/);
  assert.throws(() => resolveServerOptions({ 'storage.tsdb.retention.size': '512' }), /unit is required/);
  assert.throws(() => resolveServerOptions({ 'enable-feature': 'exemplar-storag' }), (e: Error & { hint?: string }) => /exemplar-storage/.test(e.hint ?? ''));
});

test('an unknown server flag is an error naming it and the nearest real one', async () => {
  const r = await runCli(['server', '--web.listen-adress=127.0.0.1:0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown flag --web\.listen-adress/);
  assert.match(r.stderr, /did you mean --web\.listen-address\?/);
});

test('a bad flag value stops the server before it starts, exit 1', async () => {
  const r = await runCli(['server', '--query.timeout', 'soon']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid value "soon" for flag --query\.timeout/);
});
