// Ingest benchmark (issues 2 and 5): promts and Debian's prometheus scrape the same synthetic
// farm at the same time; we compare CPU seconds per million ingested samples and RSS per
// active series. Usage: node dist/bench/ingest.js [targets] [seriesPerTarget] [seconds]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, startServer, tempDir, waitForHttp, type RunningProcess } from '../test/helpers/index.js';
import { farmConfig, startFarm } from './farm.js';
import { printRows, procStats, prometheusBinary } from './lib.js';

const [targets = 50, perTarget = 2000, seconds = 60] = process.argv.slice(2).map(Number);
const interval = '5s';

/** The server's own count of appended samples, read from its /metrics (summed over labels). */
async function samplesAppended(port: number): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const m of body.matchAll(/^prometheus_tsdb_head_samples_appended_total(?:\{[^}]*\})? (\S+)$/gm)) total += Number(m[1]);
  return total;
}

async function main(): Promise<void> {
  const prom = prometheusBinary();
  const farm = await startFarm(targets, perTarget);
  const dir = tempDir('promts-bench-ingest-');
  const cfg = join(dir.path, 'farm.yml');
  writeFileSync(cfg, farmConfig(farm, interval));
  const [pPort, qPort] = [await freePort(), await freePort()];
  const procs: Record<'promts' | 'prometheus', RunningProcess> = {
    promts: startServer([`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'promts')}`, `--web.listen-address=127.0.0.1:${pPort}`]),
    prometheus: startProcess(prom, [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'prom')}`, `--web.listen-address=127.0.0.1:${qPort}`]),
  };
  try {
    await Promise.all([waitForHttp(`http://127.0.0.1:${pPort}/-/ready`, 60_000, procs.promts), waitForHttp(`http://127.0.0.1:${qPort}/-/ready`, 60_000, procs.prometheus)]);
    // Warm up: two scrape intervals so every series exists, then measure.
    await new Promise((r) => setTimeout(r, 12_000));
    const before = { promts: procStats(procs.promts.pid), prometheus: procStats(procs.prometheus.pid) };
    const s0 = { promts: await samplesAppended(pPort), prometheus: await samplesAppended(qPort) };
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = { promts: procStats(procs.promts.pid), prometheus: procStats(procs.prometheus.pid) };
    const s1 = { promts: await samplesAppended(pPort), prometheus: await samplesAppended(qPort) };
    const active = targets * perTarget;
    const cpuPerM = (k: 'promts' | 'prometheus') => (after[k].cpuSeconds - before[k].cpuSeconds) / ((s1[k] - s0[k]) / 1e6);
    printRows(`Ingest: ${targets} targets × ${perTarget} series every ${interval}, ${seconds} s`, `node dist/bench/ingest.js ${targets} ${perTarget} ${seconds}`, [
      { name: 'CPU per million samples', promts: cpuPerM('promts'), prometheus: cpuPerM('prometheus'), unit: 's', limit: 1.5 },
      { name: 'RSS per active series', promts: after.promts.rssBytes / active, prometheus: after.prometheus.rssBytes / active, unit: 'B', limit: 1.5 },
      { name: 'samples ingested in window', promts: s1.promts - s0.promts, prometheus: s1.prometheus - s0.prometheus, unit: '' },
    ]);
  } finally {
    await Promise.all([procs.promts.stop(), procs.prometheus.stop()]);
    await farm.close();
    dir.cleanup();
  }
}

await main();
