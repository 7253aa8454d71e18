// Queue behaviour against an in-process receiver whose answers the test controls: non-429
// 4xx drops the batch as failed without retry, 429 is retried only with retry_on_http_429,
// a slow remote end makes the queue add shards while keeping every series in order, and
// stop() flushes what is queued.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Labels } from '../../src/model/index.js';
import { nopLogger } from '../../src/log/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { openDB, type DB } from '../../src/tsdb/index.js';
import { parseConfig } from '../../src/config/index.js';
import { Registry } from 'prom-client';
import { WriteStorage, handleRemoteWrite, registerRemoteWriteMetrics } from '../../src/storage/remote/index.js';
import { readBody } from '../../src/storage/remote/write-handler.js';
import { eventually, tempDir } from '../helpers/index.js';
import { listen, storedSamples } from './prom.js';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Rig {
  db: DB;
  rw: WriteStorage;
  store: MemoryStorage;
  status: { code: number; delayMs: number; requests: number; headers: Record<string, string | string[] | undefined> };
}

async function rig(queueYaml: string, shardUpdateMs = 10_000, flushDeadlineMs = 3000): Promise<Rig> {
  const store = new MemoryStorage();
  const status: Rig['status'] = { code: 0, delayMs: 0, requests: 0, headers: {} };
  const { server, port } = await listen(async (req, res) => {
    const body = await readBody(req);
    status.requests++;
    status.headers = req.headers;
    if (status.delayMs > 0) await new Promise((r) => setTimeout(r, status.delayMs));
    if (status.code !== 0) {
      res.writeHead(status.code);
      res.end('forced');
      return;
    }
    const r = await handleRemoteWrite(store, body, nopLogger);
    res.writeHead(r.status);
    res.end(r.body);
  });
  const d = tempDir('promts-q-');
  const db = await openDB(d.path, { backgroundCompaction: false, workerThreads: false }, nopLogger);
  const rw = new WriteStorage({ dataDir: d.path, logger: nopLogger, flushDeadlineMs, shardUpdateMs });
  await rw.applyConfig(parseConfig(`remote_write:\n  - url: http://127.0.0.1:${port}/api/v1/write\n    queue_config: ${queueYaml}\n`));
  cleanups.push(async () => {
    await rw.close();
    await db.close();
    server.close();
    d.cleanup();
  });
  return { db, rw, store, status };
}

async function appendRounds(db: DB, t0: number, rounds: number, series: number): Promise<void> {
  const ls = Array.from({ length: series }, (_, i) => Labels.fromObject({ __name__: 'q_test', i: String(i) }));
  for (let r = 0; r < rounds; r++) {
    const app = db.appender();
    for (let i = 0; i < series; i++) app.append(0, ls[i]!, t0 + r, r);
    await app.commit();
  }
}

test('a 400 from the remote end fails the batch without retrying it', { timeout: 20_000 }, async () => {
  const { db, rw, status } = await rig('{batch_send_deadline: 50ms, min_backoff: 10ms, max_backoff: 50ms}');
  status.code = 400;
  await appendRounds(db, Date.now() + 10, 5, 4);
  const q = rw.queueList()[0]!;
  await eventually(async () => q.metrics.samplesFailed === 20, 10_000, 20);
  assert.equal(q.metrics.samplesRetried, 0);
  assert.equal(q.metrics.samplesSent, 0);
  assert.equal(q.metrics.pending, 0);
  // The same numbers as the server's /metrics renders them.
  const reg = new Registry();
  registerRemoteWriteMetrics(reg, rw);
  const text = await reg.metrics();
  assert.match(text, new RegExp(`prometheus_remote_storage_samples_failed_total\\{remote_name="${q.name}",url="http://127\\.0\\.0\\.1:\\d+/api/v1/write"\\} 20\n`));
  assert.match(text, /prometheus_remote_storage_shards\{[^}]*\} 1\n/);
});

test('429 is final by default and retried with retry_on_http_429', { timeout: 20_000 }, async () => {
  const a = await rig('{batch_send_deadline: 50ms, min_backoff: 10ms, max_backoff: 50ms}');
  a.status.code = 429;
  await appendRounds(a.db, Date.now() + 10, 2, 2);
  const qa = a.rw.queueList()[0]!;
  await eventually(async () => qa.metrics.samplesFailed === 4, 10_000, 20);
  assert.equal(qa.metrics.samplesRetried, 0);

  const b = await rig('{batch_send_deadline: 50ms, min_backoff: 10ms, max_backoff: 50ms, retry_on_http_429: true}');
  b.status.code = 429;
  await appendRounds(b.db, Date.now() + 10, 2, 2);
  const qb = b.rw.queueList()[0]!;
  await eventually(async () => qb.metrics.samplesRetried >= 8, 10_000, 20);
  b.status.code = 0;
  await eventually(async () => qb.metrics.samplesSent === 4, 10_000, 20);
  assert.equal(qb.metrics.samplesFailed, 0);
  assert.equal(storedSamples(b.store, { __name__: 'q_test', i: '1' }).length, 2);
});

test('a slow remote end makes the queue reshard up, and every series stays in order', { timeout: 40_000 }, async () => {
  const { db, rw, store, status } = await rig('{min_shards: 1, max_shards: 8, capacity: 200, max_samples_per_send: 50, batch_send_deadline: 20ms}', 400);
  status.delayMs = 100;
  const q = rw.queueList()[0]!;
  const t0 = Date.now() + 10;
  const SERIES = 16;
  const ROUNDS = 400;
  let maxShards = 0;
  const watch = setInterval(() => (maxShards = Math.max(maxShards, q.metrics.shards)), 20);
  // ~2 000 samples/s in, while one shard sends at most 50 samples / 100ms = 500/s.
  for (let r = 0; r < ROUNDS; r += 20) {
    await appendRounds(db, t0 + r, 20, SERIES);
    await new Promise((res) => setTimeout(res, 150));
    // appendRounds wrote offsets 0..19 from t0+r; timestamps stay strictly increasing.
  }
  await eventually(async () => q.metrics.samplesSent === SERIES * ROUNDS, 30_000, 50);
  clearInterval(watch);
  assert.ok(maxShards > 1, `shards stayed at ${maxShards}`);
  assert.equal(q.metrics.samplesFailed, 0, 'an out-of-order sample would be a 400 from the receiver');
  const s5 = storedSamples(store, { __name__: 'q_test', i: '5' });
  assert.equal(s5.length, ROUNDS);
});

test('stop() reads the WAL to its end and flushes queued samples before returning', { timeout: 20_000 }, async () => {
  const { db, rw, store, status } = await rig('{batch_send_deadline: 5s, max_samples_per_send: 1000}');
  const q = rw.queueList()[0]!;
  await eventually(async () => q.metrics.pending === 0, 5_000, 10);
  // Closed right after the commits: the last records are read from the WAL during stop().
  await appendRounds(db, Date.now() + 10, 10, 3);
  const t = performance.now();
  await rw.close();
  assert.ok(performance.now() - t < 3000, 'did not wait for the 5s batch deadline');
  assert.equal(q.metrics.samplesSent, 30);
  assert.equal(storedSamples(store, { __name__: 'q_test', i: '2' }).length, 10);
  // Remote write 1.0 headers, as the spec requires and receivers check.
  assert.equal(status.headers['content-encoding'], 'snappy');
  assert.equal(status.headers['content-type'], 'application/x-protobuf');
  assert.equal(status.headers['x-prometheus-remote-write-version'], '0.1.0');
  assert.match(String(status.headers['user-agent']), /^Prometheus\//);
});

test('stop() gives up after the flush deadline when the remote end keeps failing', { timeout: 20_000 }, async () => {
  const { db, rw, status } = await rig('{batch_send_deadline: 20ms, min_backoff: 20ms, max_backoff: 100ms}', 10_000, 500);
  status.code = 503;
  await appendRounds(db, Date.now() + 10, 5, 4);
  const q = rw.queueList()[0]!;
  await eventually(async () => q.metrics.samplesRetried > 0, 5_000, 10);
  const t = performance.now();
  await rw.close();
  const took = performance.now() - t;
  assert.ok(took >= 450 && took < 2500, `stop took ${took.toFixed(0)} ms with a 500 ms flush deadline`);
  assert.equal(q.metrics.samplesSent, 0);
  assert.equal(q.metrics.samplesDropped, 20, 'unsent samples are counted as dropped (they stay in the WAL)');
  assert.equal(q.metrics.pending, 0);
});

test('reload keeps an unchanged queue running and replaces a changed one', { timeout: 20_000 }, async () => {
  const { db, rw, store } = await rig('{batch_send_deadline: 20ms}');
  const q1 = rw.queueList()[0]!;
  const url = q1.url;
  await rw.applyConfig(parseConfig(`remote_write:\n  - url: ${url}\n    queue_config: {batch_send_deadline: 20ms}\n`));
  assert.equal(rw.queueList()[0], q1, 'same config: same queue, same WAL position');
  await rw.applyConfig(parseConfig(`remote_write:\n  - url: ${url}\n    queue_config: {batch_send_deadline: 30ms}\n`));
  const q2 = rw.queueList()[0]!;
  assert.notEqual(q2, q1);
  await appendRounds(db, Date.now() + 10, 3, 2);
  await eventually(async () => q2.metrics.samplesSent === 6, 5_000, 10);
  assert.equal(q1.metrics.samplesSent, 0, 'the replaced queue stopped reading');
  assert.equal(storedSamples(store, { __name__: 'q_test', i: '0' }).length, 3);
  await rw.applyConfig(parseConfig('global: {}\n'));
  assert.equal(rw.queueList().length, 0);
});
