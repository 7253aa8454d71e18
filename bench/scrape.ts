// Scrape-path throughput (issue 5): a large exposition body built from node exporter's real
// output (or promtestdata.txt when the exporter is not installed), repeated with a distinct
// `replica` label per copy. Measures samples/s for: the text parser alone, the parser plus
// label building (a scrape-cache miss), OpenMetrics on the same data, and a steady-state
// scrape append (cache hits) into a no-op appender.
// Usage: node dist/bench/scrape.js [copies=100] [rounds=10]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, debianBinary, freePort, startProcess, waitForHttp } from '../test/helpers/index.js';
import { Labels } from '../src/model/index.js';
import { ScrapeCache, appendScrape, newAppendResult } from '../src/scrape/index.js';
import type { Appender, SeriesRef } from '../src/storage/index.js';
import { Entry, OpenMetricsParser, PromParser, type Parser } from '../src/textparse/index.js';

const [copies = 100, rounds = 10] = process.argv.slice(2).map(Number);

async function sourceBody(): Promise<{ text: string; from: string }> {
  const bin = debianBinary('prometheus-node-exporter');
  if (bin) {
    const port = await freePort();
    const p = startProcess(bin, [`--web.listen-address=127.0.0.1:${port}`]);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/metrics`, 20_000, p);
      return { text: await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), from: 'node exporter' };
    } finally {
      await p.stop();
    }
  }
  return { text: readFileSync(join(conformanceDir, 'textparse', 'promtestdata.txt'), 'utf8'), from: 'promtestdata.txt' };
}

/** Repeats the series lines `n` times, each copy with replica="i"; metadata once. */
function replicate(text: string, n: number): string {
  const lines = text.split('\n');
  const meta = lines.filter((l) => l.startsWith('#'));
  const series = lines.filter((l) => l !== '' && !l.startsWith('#'));
  const out: string[] = [...meta];
  for (let i = 0; i < n; i++) {
    for (const l of series) {
      const b = l.indexOf('{');
      const sp = l.indexOf(' ');
      out.push(b >= 0 && b < sp ? `${l.slice(0, b + 1)}replica="${i}",${l.slice(b + 1)}` : `${l.slice(0, sp)}{replica="${i}"}${l.slice(sp)}`);
    }
  }
  return out.join('\n') + '\n';
}

function time(fn: () => number): { samples: number; seconds: number } {
  let best = Infinity;
  let samples = 0;
  for (let r = 0; r < 3; r++) fn(); // let the JIT settle first
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    samples = fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { samples, seconds: best };
}

function drain(p: Parser, labels: boolean): number {
  let n = 0;
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    if (e !== Entry.Series) continue;
    n++;
    if (labels) p.labels();
  }
  return n;
}

const noop: Appender = {
  append: (ref) => (ref || 1) as SeriesRef,
  commit: async () => {},
  rollback: async () => {},
};

const { text, from } = await sourceBody();
const body = Buffer.from(replicate(text, copies));
const om = Buffer.from(replicate(text, copies).replace(/^# TYPE (\S+) untyped$/gm, '# TYPE $1 unknown') + '# EOF\n');
const cache = new ScrapeCache();
const opts = { targetLabels: Labels.fromObject({ job: 'bench', instance: 'h:1' }), honorLabels: false, honorTimestamps: true, metricRelabelConfigs: [], sampleLimit: 0, limits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 } };
appendScrape(noop, cache, body, 'text/plain; version=0.0.4', 1, opts, newAppendResult()); // warm the cache

const rows: [string, { samples: number; seconds: number }][] = [
  ['text parser, values only', time(() => drain(new PromParser(body), false))],
  ['text parser + labels (cache miss path)', time(() => drain(new PromParser(body), true))],
  ['OpenMetrics parser, values only', time(() => drain(new OpenMetricsParser(om), false))],
  ['scrape append, steady state (cache hits)', time(() => {
    const r = newAppendResult();
    appendScrape(noop, cache, body, 'text/plain; version=0.0.4', 2, opts, r);
    return r.total;
  })],
];
console.log(`body: ${from} x ${copies} copies = ${(body.length / 1e6).toFixed(1)} MB; best of ${rounds} rounds after 3 warm-up rounds; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
for (const [name, r] of rows) console.log(`${name.padEnd(44)} ${String(r.samples).padStart(8)} samples  ${(r.seconds * 1000).toFixed(1).padStart(8)} ms  ${(r.samples / r.seconds / 1e6).toFixed(2)} M samples/s`);
