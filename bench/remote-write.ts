// Remote-write benchmark (issue 10): promts and Debian's prometheus scrape the same synthetic
// farm at the same time and each remote-writes to its own sink. Two phases in one run with
// the same two processes: first without remote_write (ingest only), then both are reloaded
// with a remote_write entry (same queue_config) and measured again. The figure kept is the
// extra CPU per sample sent: (CPU/s with remote write − CPU/s without) ÷ samples sent/s.
//
// The sinks are in-process Node HTTP servers that decompress each request and count its
// samples, then discard them. That is cheaper than two VictoriaMetrics on a 2-core machine,
// and fairer: both senders get an identical, instant receiver, and the sink's CPU is ours,
// not the servers'.
//
//   node --import tsx bench/remote-write.ts [targets=50] [seriesPerTarget=2000] [seconds=60]
//   PROMTS_CPU_PROF=/tmp/prof node --import tsx bench/remote-write.ts ...   (profiles promts)
//   node --import tsx bench/remote-write.ts isolated [series=100000] [rounds=20]   (see isolated())
// Under tsx promts runs from src/ (so a change is measured without a build); from dist/ it
// runs the built CLI like the other benchmarks.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import snappy from 'snappy';
import { parseConfig } from '../src/config/index.js';
import { nopLogger } from '../src/log/index.js';
import { Labels } from '../src/model/index.js';
import { QueueManager } from '../src/storage/remote/index.js';
import { openDB } from '../src/tsdb/index.js';
import { freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../test/helpers/index.js';
import { startPromtsServer } from '../test/remote/server.js';
import { farmConfig, startFarm } from './farm.js';
import { printRows, procStats, prometheusBinary, type ProcStats } from './lib.js';

const [targets = 50, perTarget = 2000, seconds = 60] = process.argv.slice(2).map(Number);
const interval = '5s';
type Who = 'promts' | 'prometheus';

/** A receiver that counts samples (TimeSeries.samples, field 2) per request and discards. */
async function startSink(): Promise<{ port: number; samples: () => number; server: Server }> {
  let samples = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      samples += countSamples(snappy.uncompressSync(Buffer.concat(chunks), { asBuffer: true, copyOutputData: true }) as Buffer);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return { port: typeof a === 'object' && a ? a.port : 0, samples: () => samples, server };
}

function varint(b: Buffer, p: { i: number }): number {
  let v = 0;
  let mul = 1;
  for (;;) {
    const c = b[p.i++]!;
    v += (c & 0x7f) * mul;
    if (c < 0x80) return v;
    mul *= 128;
  }
}

/** Samples in a WriteRequest, reading only tags and lengths. */
function countSamples(b: Buffer): number {
  let n = 0;
  const p = { i: 0 };
  while (p.i < b.length) {
    const tag = varint(b, p);
    if ((tag & 7) !== 2) throw new Error(`sink: unexpected wire type in WriteRequest tag ${tag}`);
    const len = varint(b, p);
    const end = p.i + len;
    if (tag >> 3 === 1) {
      while (p.i < end) {
        const t = varint(b, p);
        const l = varint(b, p);
        if (t === 0x12) n++;
        p.i += l;
      }
    }
    p.i = end;
  }
  return n;
}

async function samplesAppended(port: number): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const m of body.matchAll(/^prometheus_tsdb_head_samples_appended_total(?:\{[^}]*\})? (\S+)$/gm)) total += Number(m[1]);
  return total;
}

/** promts's V8 heap and off-heap (Buffer) bytes, to tell where its RSS goes. */
async function nodeMemory(port: number): Promise<string> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const get = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1] ?? NaN) / 1048576;
  return `heap used ${get('nodejs_heap_size_used_bytes').toFixed(0)} MiB, heap total ${get('nodejs_heap_size_total_bytes').toFixed(0)} MiB, external ${get('nodejs_external_memory_bytes').toFixed(0)} MiB`;
}

async function reload(port: number): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/-/reload`, { method: 'POST' });
  if (!r.ok) throw new Error(`reload of 127.0.0.1:${port} failed: HTTP ${r.status} ${await r.text()}`);
}

interface Window {
  cpuPerSec: number;
  appendedPerSec: number;
  sentPerSec: number;
  start: ProcStats;
  end: ProcStats;
}

async function measure(procs: Record<Who, RunningProcess>, ports: Record<Who, number>, sent: Record<Who, () => number>): Promise<Record<Who, Window>> {
  const who: Who[] = ['promts', 'prometheus'];
  const p0 = Object.fromEntries(who.map((w) => [w, procStats(procs[w].pid)])) as Record<Who, ProcStats>;
  const a0 = Object.fromEntries(await Promise.all(who.map(async (w) => [w, await samplesAppended(ports[w])]))) as Record<Who, number>;
  const s0 = Object.fromEntries(who.map((w) => [w, sent[w]()])) as Record<Who, number>;
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const dt = (performance.now() - w0) / 1000;
  const out = {} as Record<Who, Window>;
  for (const w of who) {
    const end = procStats(procs[w].pid);
    out[w] = { cpuPerSec: (end.cpuSeconds - p0[w].cpuSeconds) / dt, appendedPerSec: ((await samplesAppended(ports[w])) - a0[w]) / dt, sentPerSec: (sent[w]() - s0[w]) / dt, start: p0[w], end };
  }
  return out;
}

async function main(): Promise<void> {
  const prom = prometheusBinary();
  const farm = await startFarm(targets, perTarget);
  const sinks = { promts: await startSink(), prometheus: await startSink() };
  const dir = tempDir('promts-bench-rw-');
  const base = farmConfig(farm, interval);
  const cfg = { promts: join(dir.path, 'promts.yml'), prometheus: join(dir.path, 'prom.yml') };
  writeFileSync(cfg.promts, base);
  writeFileSync(cfg.prometheus, base);
  const ports = { promts: await freePort(), prometheus: await freePort() };
  const common = (w: Who) => [`--config.file=${cfg[w]}`, `--storage.tsdb.path=${join(dir.path, w)}`, `--web.listen-address=127.0.0.1:${ports[w]}`, '--web.enable-lifecycle', '--log.level=warn'];
  const procs: Record<Who, RunningProcess> = { promts: startPromtsServer(common('promts'), { nodeArgs: process.env.PROMTS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROMTS_CPU_PROF}`] : [] }), prometheus: startProcess(prom, common('prometheus')) };
  try {
    await Promise.all((['promts', 'prometheus'] as const).map((w) => waitForHttp(`http://127.0.0.1:${ports[w]}/-/ready`, 60_000, procs[w])));
    await new Promise((r) => setTimeout(r, 12_000)); // two scrape intervals: every series exists
    const sent = { promts: sinks.promts.samples, prometheus: sinks.prometheus.samples };
    const off = await measure(procs, ports, sent);
    const mib = (b: number) => (b / 1048576).toFixed(0);
    process.stderr.write(`promts without remote write: ${await nodeMemory(ports.promts)}; RSS ${mib(off.promts.start.rssBytes)} -> ${mib(off.promts.end.rssBytes)} MiB (prometheus ${mib(off.prometheus.start.rssBytes)} -> ${mib(off.prometheus.end.rssBytes)})\n`);
    for (const w of ['promts', 'prometheus'] as const) {
      // Prometheus's defaults (max_samples_per_send 500, capacity 2500, 5s deadline), stated so both get the same.
      writeFileSync(cfg[w], base + `remote_write:\n  - url: http://127.0.0.1:${sinks[w].port}/api/v1/write\n    queue_config: {max_samples_per_send: 500, capacity: 2500, batch_send_deadline: 5s}\n`);
      await reload(ports[w]);
    }
    await new Promise((r) => setTimeout(r, 15_000)); // queues started, shards settled
    const on = await measure(procs, ports, sent);
    process.stderr.write(`promts with remote write: ${await nodeMemory(ports.promts)}; RSS ${mib(on.promts.start.rssBytes)} -> ${mib(on.promts.end.rssBytes)} MiB (prometheus ${mib(on.prometheus.start.rssBytes)} -> ${mib(on.prometheus.end.rssBytes)})\n`);
    const perSent = (w: Who) => ((on[w].cpuPerSec - off[w].cpuPerSec) / on[w].sentPerSec) * 1e6;
    const totalPerSent = (w: Who) => (on[w].cpuPerSec / on[w].sentPerSec) * 1e6;
    const active = targets * perTarget;
    const row = (name: string, f: (w: Who) => number, unit: string, limit?: number) => ({ name, promts: f('promts'), prometheus: f('prometheus'), unit, limit });
    printRows(`Remote write: ${targets} targets × ${perTarget} series every ${interval}, ${seconds} s per phase`, `node --import tsx bench/remote-write.ts ${targets} ${perTarget} ${seconds}`, [
      row('CPU per million samples sent (remote write only, phase difference)', perSent, 's', 1.5),
      row('CPU per million samples sent (total server CPU with remote write)', totalPerSent, 's'),
      row('CPU per million samples ingested (no remote write)', (w) => (off[w].cpuPerSec / off[w].appendedPerSec) * 1e6, 's'),
      row('RSS per active series with remote write', (w) => on[w].end.rssBytes / active, 'B', 1.5),
      row('RSS added by remote write', (w) => (on[w].end.rssBytes - off[w].end.rssBytes) / 1048576, 'MiB'),
      row('samples sent per second', (w) => on[w].sentPerSec, ''),
      row('samples appended per second (with remote write)', (w) => on[w].appendedPerSec, ''),
    ]);
  } finally {
    await Promise.all([procs.promts.stop(30_000), procs.prometheus.stop()]);
    for (const s of Object.values(sinks)) s.server.close();
    await farm.close();
    dir.cleanup();
  }
}

// --- isolated mode: the remote-write path alone, in this process ---------------------------
// A WAL of `series` × `rounds` samples is written first; then one queue (startTime 0, so it
// sends the whole WAL) reads, encodes, compresses and POSTs it to a sink in a child process.
// The CPU of this process over that span is the remote-write cost, with no scrape or append
// in it. Less noisy than the phase difference above, and promts only.
async function isolated(series: number, rounds: number): Promise<void> {
  const d = tempDir('promts-bench-rw-iso-');
  const db = await openDB(d.path, { backgroundCompaction: false, workerThreads: false }, nopLogger);
  const ls = Array.from({ length: series }, (_, i) => Labels.fromObject({ __name__: 'farm_requests_total', target: String(i % 50), handler: `/api/v${i % 7}`, code: String(200 + (i % 5)), shard: String(i) }));
  const t0 = Date.now() - rounds * 5000;
  for (let r = 0; r < rounds; r++) {
    const app = db.appender();
    for (let i = 0; i < series; i++) app.append(0, ls[i]!, t0 + r * 5000, r * 10 + i);
    await app.commit();
  }
  const port = await freePort();
  const sink = startProcess(process.execPath, ['-e', `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(204);s.end()})}).listen(${port},'127.0.0.1')`]);
  await new Promise((r) => setTimeout(r, 300));
  const cfg = parseConfig(`remote_write:\n  - url: http://127.0.0.1:${port}/api/v1/write\n    queue_config: {max_samples_per_send: 500, capacity: 2500, batch_send_deadline: 5s}\n`);
  const q = new QueueManager({ config: cfg.remote_write[0]!, externalLabels: {}, walDir: join(d.path, 'wal'), logger: nopLogger, flushDeadlineMs: 60_000, startTime: 0 });
  const total = series * rounds;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  q.start();
  while (q.metrics.samplesSent < total) await new Promise((r) => setTimeout(r, 5));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  process.stdout.write(
    `### Remote write alone (promts, in-process): ${series} series × ${rounds} rounds = ${total} samples\n\n` +
      `Command: \`node --import tsx bench/remote-write.ts isolated ${series} ${rounds}\`\n\n` +
      `${(((cpu.user + cpu.system) / total)).toFixed(3)} µs CPU per sample sent (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU, ${(wall / 1000).toFixed(2)} s wall, ${q.metrics.batches} requests)\n`,
  );
  await q.stop();
  await db.close();
  await sink.stop();
  d.cleanup();
}

const args = process.argv.slice(2);
if (args[0] === 'isolated') await isolated(Number(args[1] ?? 100_000), Number(args[2] ?? 20));
else await main();
