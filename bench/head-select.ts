// Micro-benchmark: head select over 100k series (issue 4/6, "head select stall").
//
//   node --import tsx bench/head-select.ts [series] [samplesPerSeries]
//
// A Head with `series` series of 5 labels each and ~100 samples, then for each selector:
//   select   the synchronous time of querier.select() (what blocks the event loop before the
//            engine sees a single series)
//   +next    select() plus walking the SeriesSet (labels of every series, no samples)
//   +iterate select() plus decoding every sample
// Times are medians of `rounds` runs after two warm-up runs; sortSeries=true as the PromQL
// engine asks for it. The first sorted select of a head builds the label order it keeps
// between queries; that one-off cost is printed first, as "cold".
import { Head } from '../src/tsdb/head/index.js';
import { Labels, Matcher } from '../src/model/index.js';
import type { SampleIterator } from '../src/storage/index.js';

const nSeries = Number(process.argv[2] ?? 100_000);
const nSamples = Number(process.argv[3] ?? 100);
const rounds = 9;

const head = new Head({ chunkRange: 2 * 3600 * 1000 });
const t0 = 1_700_000_000_000;
{
  const lsets: Labels[] = [];
  const codes = ['200', '201', '204', '301', '400', '404', '500', '503'];
  for (let i = 0; i < nSeries; i++) {
    lsets.push(
      Labels.fromObject({
        __name__: 'x',
        job: `job-${i % 10}`,
        instance: `10.0.${(i >> 8) & 255}.${i & 255}:9100`,
        code: codes[i % codes.length]!,
        pod: `pod-${(i * 7919) % nSeries}`,
      }),
    );
  }
  const refs = new Array<number>(nSeries).fill(0);
  for (let s = 0; s < nSamples; s++) {
    const app = head.appender();
    for (let i = 0; i < nSeries; i++) refs[i] = app.append(refs[i] as never, lsets[i]!, t0 + s * 15000, i + s);
    await app.commit();
  }
}
const mint = t0;
const maxt = t0 + nSamples * 15000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function run(name: string, matchers: Matcher[]): void {
  const sel: number[] = [];
  const nxt: number[] = [];
  const itr: number[] = [];
  let series = 0;
  let samples = 0;
  for (let r = 0; r < rounds + 2; r++) {
    let a = performance.now();
    let ss = head.querier(mint, maxt).select(true, undefined, ...matchers);
    let b = performance.now();
    if (r >= 2) sel.push(b - a);
    series = 0;
    while (ss.next()) {
      if (ss.at().labels.kv.length > 0) series++;
    }
    if (r >= 2) nxt.push(performance.now() - a);
    a = performance.now();
    ss = head.querier(mint, maxt).select(true, undefined, ...matchers);
    let it: SampleIterator | undefined;
    samples = 0;
    while (ss.next()) {
      it = ss.at().iterator(it);
      while (it.next()) samples++;
    }
    b = performance.now();
    if (r >= 2) itr.push(b - a);
  }
  const f = (x: number): string => x.toFixed(1).padStart(7);
  process.stdout.write(`${name.padEnd(44)} select ${f(median(sel))} ms  +next ${f(median(nxt))} ms  +iterate ${f(median(itr))} ms  (${series} series, ${samples} samples)\n`);
}

process.stdout.write(`node ${process.versions.node}, ${nSeries} series x ${nSamples} samples, median of ${rounds}\n`);
{
  const a = performance.now();
  head.querier(mint, maxt).select(true, undefined, new Matcher('=', '__name__', 'x'));
  process.stdout.write(`${'cold: first sorted select of the head'.padEnd(44)} select ${(performance.now() - a).toFixed(1).padStart(7)} ms\n`);
}
run('{__name__="x"}', [new Matcher('=', '__name__', 'x')]);
run('{__name__="x",code=~"2.."}', [new Matcher('=', '__name__', 'x'), new Matcher('=~', 'code', '2..')]);
run('{__name__="x",job=~"job-[1-3]",code!="500"}', [new Matcher('=', '__name__', 'x'), new Matcher('=~', 'job', 'job-[1-3]'), new Matcher('!=', 'code', '500')]);
run('{__name__="x",pod=~"pod-1.*"}', [new Matcher('=', '__name__', 'x'), new Matcher('=~', 'pod', 'pod-1.*')]);
