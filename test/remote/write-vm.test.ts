// Remote write end to end: a real DB in a temp dir, our queue tailing its WAL, Debian's
// VictoriaMetrics receiving. Asserts every committed sample arrives with its exact value,
// external labels and write_relabel_configs apply, and an outage of the remote end longer
// than max_backoff loses nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/index.js';
import { nopLogger } from '../../src/log/index.js';
import { openDB, type DB } from '../../src/tsdb/index.js';
import { parseConfig } from '../../src/config/index.js';
import { WriteStorage } from '../../src/storage/remote/index.js';
import { eventually, freePort, tempDir, type RunningProcess } from '../helpers/index.js';
import { exportSeries, startVM, vmBinary } from './vm.js';

const skip = vmBinary ? false : 'Debian victoria-metrics is not installed';

let vm: RunningProcess | null = null;
let port = 0;
const vmDir = tempDir('promts-vm-');
const dbDir = tempDir('promts-rw-db-');
let db: DB;
let rw: WriteStorage;

function config(url: string): ReturnType<typeof parseConfig> {
  return parseConfig(`
global:
  external_labels: {replica: a}
remote_write:
  - url: ${url}
    name: vm
    write_relabel_configs:
      - source_labels: [__name__]
        regex: rw_dropped.*
        action: drop
    queue_config:
      capacity: 1000
      max_samples_per_send: 200
      batch_send_deadline: 200ms
      min_backoff: 50ms
      max_backoff: 400ms
`);
}

before(async () => {
  if (skip) return;
  port = await freePort();
  vm = await startVM(port, vmDir.path);
  db = await openDB(dbDir.path, { backgroundCompaction: false, workerThreads: false }, nopLogger);
  rw = new WriteStorage({ dataDir: dbDir.path, logger: nopLogger, flushDeadlineMs: 5000, shardUpdateMs: 1000 });
  await rw.applyConfig(config(`http://127.0.0.1:${port}/api/v1/write`));
});

after(async () => {
  await rw?.close();
  await db?.close();
  await vm?.stop();
  vmDir.cleanup();
  dbDir.cleanup();
});

const SERIES = 20;
/** Appends `rounds` scrapes of SERIES series (plus one dropped series) starting at t0. */
async function appendRounds(t0: number, rounds: number, valueBase: number): Promise<void> {
  const lsets = Array.from({ length: SERIES }, (_, i) => Labels.fromObject({ __name__: 'rw_test', idx: String(i) }));
  const dropped = Labels.fromObject({ __name__: 'rw_dropped_total' });
  for (let r = 0; r < rounds; r++) {
    const app = db.appender();
    for (let i = 0; i < SERIES; i++) app.append(0, lsets[i]!, t0 + r * 1000, valueBase + r * 0.25 + i);
    app.append(0, dropped, t0 + r * 1000, r);
    await app.commit();
  }
}

async function vmSamples(): Promise<Map<string, { t: number[]; v: number[] }>> {
  const out = new Map<string, { t: number[]; v: number[] }>();
  for (const s of await exportSeries(port, '{__name__=~"rw_.*"}')) out.set(`${s.metric.__name__}/${s.metric.idx}/${s.metric.replica}`, { t: s.timestamps, v: s.values });
  return out;
}

test('samples committed to the DB arrive in VictoriaMetrics with exact values and external labels', { skip, timeout: 40_000 }, async () => {
  const t0 = Date.now() + 1000;
  await appendRounds(t0, 50, 0);
  const q = rw.queueList()[0]!;
  await eventually(async () => q.metrics.samplesSent === SERIES * 50, 20_000, 50);
  const got = await eventually(async () => {
    const m = await vmSamples();
    const n = [...m.values()].reduce((a, s) => a + s.t.length, 0);
    return n === SERIES * 50 ? m : null;
  }, 10_000);
  assert.equal(got.size, SERIES, 'one series per idx, rw_dropped_total relabelled away');
  const s7 = got.get('rw_test/7/a')!;
  assert.deepEqual(s7.t, Array.from({ length: 50 }, (_, r) => t0 + r * 1000));
  assert.deepEqual(s7.v, Array.from({ length: 50 }, (_, r) => r * 0.25 + 7));
  assert.equal(q.metrics.samplesDropped, 50, 'the relabelled-away series counts as dropped');
  assert.equal(q.metrics.samplesFailed, 0);
  assert.equal(q.metrics.pending, 0);
  assert.ok(q.metrics.highestSentTimestampSeconds >= (t0 + 49_000) / 1000);
});

test('an outage longer than max_backoff loses no samples and counts retries', { skip, timeout: 60_000 }, async () => {
  const q = rw.queueList()[0]!;
  const sentBefore = q.metrics.samplesSent;
  await vm!.stop();
  const t0 = Date.now() + 100_000;
  await appendRounds(t0, 40, 1000);
  // Keep VictoriaMetrics down for several max_backoff periods while samples pile up.
  await eventually(async () => q.metrics.samplesRetried > 0, 10_000, 50);
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(q.metrics.samplesSent === sentBefore, 'nothing can be sent while the remote end is down');
  vm = await startVM(port, vmDir.path);
  await eventually(async () => q.metrics.samplesSent === sentBefore + SERIES * 40, 20_000, 50);
  const got = await eventually(async () => {
    const m = await vmSamples();
    const n = [...m.values()].reduce((a, s) => a + s.t.length, 0);
    return n === SERIES * 90 ? m : null;
  }, 10_000);
  const s3 = got.get('rw_test/3/a')!;
  assert.deepEqual(s3.t.slice(50), Array.from({ length: 40 }, (_, r) => t0 + r * 1000));
  assert.deepEqual(s3.v.slice(50), Array.from({ length: 40 }, (_, r) => 1000 + r * 0.25 + 3));
  assert.ok(q.metrics.samplesRetried > 0);
  assert.equal(q.metrics.samplesFailed, 0);
});
