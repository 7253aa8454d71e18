// Sustained remote-write cost: CPU (user+sys) of this process per sample, for appending to a
// real DB alone and for appending while a remote_write queue tails the WAL and sends every
// sample to Debian's VictoriaMetrics (a separate process, so its CPU is not counted).
// The difference is what remote write costs per sample sent.
//
//   node --import tsx bench/remote-write.ts [series=2000] [rounds=150]
import { Labels } from '../src/model/index.js';
import { nopLogger } from '../src/log/index.js';
import { openDB } from '../src/tsdb/index.js';
import { parseConfig } from '../src/config/index.js';
import { WriteStorage } from '../src/storage/remote/index.js';
import { freePort, tempDir } from '../test/helpers/index.js';
import { startVM, vmBinary } from '../test/remote/vm.js';

const SERIES = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 150);

async function run(withRemote: boolean): Promise<{ cpuUsPerSample: number; wallMs: number; sent: number; shards: number }> {
  const d = tempDir('promts-bench-rw-');
  const db = await openDB(d.path, { backgroundCompaction: false, workerThreads: false }, nopLogger);
  const vmDir = tempDir('promts-bench-vm-');
  const port = await freePort();
  const vm = withRemote ? await startVM(port, vmDir.path) : null;
  const rw = new WriteStorage({ dataDir: d.path, logger: nopLogger, flushDeadlineMs: 60_000, shardUpdateMs: 2000 });
  if (withRemote) await rw.applyConfig(parseConfig(`remote_write:\n  - url: http://127.0.0.1:${port}/api/v1/write\n    queue_config: {max_samples_per_send: 2000, capacity: 10000, batch_send_deadline: 1s}\n`));
  const ls = Array.from({ length: SERIES }, (_, i) => Labels.fromObject({ __name__: 'bench_rw', job: 'bench', instance: `host-${i % 50}:9100`, i: String(i) }));
  const t0 = Date.now() + 1000;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    const app = db.appender();
    for (let i = 0; i < SERIES; i++) app.append(0, ls[i]!, t0 + r * 15_000, r + i);
    await app.commit();
    // Give the event loop to the queue between "scrapes", as a server would.
    await new Promise((res) => setImmediate(res));
  }
  const total = SERIES * ROUNDS;
  const q = rw.queueList()[0];
  if (q) while (q.metrics.samplesSent < total) await new Promise((res) => setTimeout(res, 5));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - w0;
  const out = { cpuUsPerSample: (cpu.user + cpu.system) / total, wallMs, sent: q?.metrics.samplesSent ?? 0, shards: q?.metrics.shards ?? 0 };
  await rw.close();
  await db.close();
  await vm?.stop();
  d.cleanup();
  vmDir.cleanup();
  return out;
}

if (!vmBinary) {
  process.stderr.write('Debian victoria-metrics is not installed; nothing to send to\n');
  process.exit(1);
}
const base = await run(false);
const withRw = await run(true);
const perSample = withRw.cpuUsPerSample - base.cpuUsPerSample;
process.stdout.write(
  `series=${SERIES} rounds=${ROUNDS} samples=${SERIES * ROUNDS}\n` +
    `append only:         ${base.cpuUsPerSample.toFixed(2)} µs CPU/sample, ${base.wallMs.toFixed(0)} ms wall\n` +
    `append+remote write: ${withRw.cpuUsPerSample.toFixed(2)} µs CPU/sample, ${withRw.wallMs.toFixed(0)} ms wall, sent=${withRw.sent}, shards=${withRw.shards}\n` +
    `remote write cost:   ${perSample.toFixed(2)} µs CPU/sample sent (${(1e6 / Math.max(perSample, 1e-9)).toFixed(0)} samples/s per core), ratio ${(withRw.cpuUsPerSample / base.cpuUsPerSample).toFixed(2)}x of append alone\n`,
);
