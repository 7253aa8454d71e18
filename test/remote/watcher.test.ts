// The WAL watcher: a queue started on a DB that already has data learns the labels of
// existing series from old segments but sends only samples written after it started, and it
// follows the WAL across segment cuts without skipping or repeating a record.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/index.js';
import { nopLogger } from '../../src/log/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { parseConfig } from '../../src/config/index.js';
import { WriteStorage, handleRemoteWrite } from '../../src/storage/remote/index.js';
import { readBody } from '../../src/storage/remote/write-handler.js';
import { eventually, tempDir } from '../helpers/index.js';
import { listen, storedSamples } from './prom.js';

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('a queue starts at the WAL end, knows older series, and crosses segment cuts', { timeout: 30_000 }, async () => {
  const store = new MemoryStorage();
  const { server, port } = await listen(async (req, res) => {
    const r = await handleRemoteWrite(store, await readBody(req), nopLogger);
    res.writeHead(r.status);
    res.end(r.body);
  });
  const d = tempDir('promts-watch-');
  // 64 KiB segments so a few hundred commits cut several segments.
  const db = await openDB(d.path, { backgroundCompaction: false, workerThreads: false, walSegmentSize: 64 * 1024, walCompression: false }, nopLogger);
  cleanups.push(async () => {
    await db.close();
    server.close();
    d.cleanup();
  });
  const ls = Array.from({ length: 50 }, (_, i) => Labels.fromObject({ __name__: 'w_test', i: String(i), pad: 'x'.repeat(40) }));
  const before = Date.now() - 60_000;
  // Old data: these series' records are only in early segments; the samples must not be sent.
  for (let r = 0; r < 30; r++) {
    const app = db.appender();
    for (const l of ls) app.append(0, l, before + r, r);
    await app.commit();
  }
  const rw = new WriteStorage({ dataDir: d.path, logger: nopLogger, flushDeadlineMs: 3000 });
  cleanups.push(() => rw.close());
  await rw.applyConfig(parseConfig(`remote_write:\n  - url: http://127.0.0.1:${port}/api/v1/write\n    queue_config: {batch_send_deadline: 50ms, max_samples_per_send: 500}\n`));
  const q = rw.queueList()[0]!;
  const t0 = Date.now() + 10;
  const ROUNDS = 300;
  for (let r = 0; r < ROUNDS; r++) {
    const app = db.appender();
    for (const l of ls) app.append(0, l, t0 + r, 1000 + r);
    await app.commit();
    if (r % 50 === 0) await new Promise((res) => setTimeout(res, 20));
  }
  await eventually(async () => q.metrics.samplesSent === 50 * ROUNDS, 20_000, 50);
  const got = storedSamples(store, { __name__: 'w_test', i: '17', pad: 'x'.repeat(40) });
  assert.equal(got.length, ROUNDS, 'old samples were not replayed, none lost or repeated');
  assert.equal(got[0], `${t0}:1000`);
  assert.equal(got[ROUNDS - 1], `${t0 + ROUNDS - 1}:${1000 + ROUNDS - 1}`);
  assert.equal(q.metrics.samplesDropped, 0, 'labels of series created before the queue were known');
  // Several segments were crossed.
  const { readdirSync } = await import('node:fs');
  const segs = readdirSync(`${d.path}/wal`).filter((n) => /^\d+$/.test(n));
  assert.ok(segs.length >= 3, `only ${segs.length} WAL segments`);
});

test('after a WAL checkpoint the queue forgets series that are gone from the head', { timeout: 30_000 }, async () => {
  const store = new MemoryStorage();
  const { server, port } = await listen(async (req, res) => {
    const r = await handleRemoteWrite(store, await readBody(req), nopLogger);
    res.writeHead(r.status);
    res.end(r.body);
  });
  const d = tempDir('promts-watch-cp-');
  const db = await openDB(d.path, { backgroundCompaction: false, workerThreads: false, walSegmentSize: 64 * 1024, walCompression: false }, nopLogger);
  const rw = new WriteStorage({ dataDir: d.path, logger: nopLogger, flushDeadlineMs: 3000 });
  cleanups.push(async () => {
    await rw.close();
    await db.close();
    server.close();
    d.cleanup();
  });
  await rw.applyConfig(parseConfig(`remote_write:\n  - url: http://127.0.0.1:${port}/api/v1/write\n    queue_config: {batch_send_deadline: 50ms}\n`));
  const q = rw.queueList()[0]!;
  const t0 = Date.now() + 10;
  const dead = Array.from({ length: 200 }, (_, i) => Labels.fromObject({ __name__: 'cp_dead', i: String(i), pad: 'y'.repeat(60) }));
  const live = Labels.fromObject({ __name__: 'cp_live' });
  // Enough records for several segments, so the checkpoint covers the dead series' records.
  for (let r = 0; r < 100; r++) {
    const app = db.appender();
    for (const l of dead) app.append(0, l, t0 + r, r);
    app.append(0, live, t0 + r, r);
    await app.commit();
  }
  const later = t0 + 3_600_000;
  for (let r = 0; r < 5; r++) {
    const app = db.appender();
    app.append(0, live, later + r, 100 + r);
    await app.commit();
  }
  await eventually(async () => q.metrics.samplesSent === 100 * 201 + 5, 15_000, 50);
  assert.equal(q.knownSeries, 201);
  await db.truncateHead(later);
  // The watcher looks for new checkpoints every 5s, like Prometheus's.
  await eventually(async () => q.knownSeries === 1, 12_000, 100);
  const app = db.appender();
  app.append(0, live, later + 10, 7);
  await app.commit();
  await eventually(async () => storedSamples(store, { __name__: 'cp_live' }).includes(`${later + 10}:7`), 5_000, 20);
  assert.equal(q.metrics.samplesDropped, 0);
});
