// Differential evaluation against Debian's real Prometheus 2.42: it serves a copy of the
// fixture blocks; random (seeded) queries go to its HTTP API and to our engine reading the
// same blocks; the answers must agree (values within 1e-9 relative).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, fixturesDir, freePort, startProcess, tempDir, waitForHttp } from '../helpers/index.js';
import { openBlocks, blocksQuerier } from '../../src/tsdb/block/index.js';
import { rng } from './corpus.js';
import { Engine, QueryError, formatSampleValue, type Value } from '../../src/promql/index.js';
import type { Queryable } from '../../src/storage/index.js';

const prometheus = debianBinary('prometheus');
const T0 = 1675211400; // 00:30 UTC, first regular sample (s)
const T1 = 1675234785; // last regular sample

/** A small random PromQL generator over the fixture's metrics. */
function generator(r: () => number) {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const counters = ['http_requests_total', 'node_cpu_seconds_total', 'http_requests_total{code="200"}', 'http_request_duration_seconds_count', 'fixture_big_counter_total'];
  const gauges = ['up', 'node_load1', 'temperature_celsius', 'node_memory_MemAvailable_bytes', 'fixture_gappy', 'deployment_replicas', 'fixture_jitter'];
  const ranges = ['1m', '5m', '17m', '1h'];
  const labels = ['job', 'instance', 'code', 'method', 'mode'];
  const rangeFn = ['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'avg_over_time', 'min_over_time', 'max_over_time',
    'sum_over_time', 'count_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'present_over_time'];
  const instFn = ['abs', 'ceil', 'floor', 'sqrt', 'ln', 'exp', 'sgn', 'timestamp', 'round', 'clamp_min', 'hour', 'day_of_week'];
  const vec = (depth: number): string => {
    const k = depth > 2 ? Math.floor(r() * 2) : Math.floor(r() * 21);
    switch (k) {
      case 0: return pick(gauges) + (r() < 0.2 ? ` offset ${pick(['5m', '1h', '-10m'])}` : '');
      case 1: return `${pick(rangeFn)}(${pick(r() < 0.6 ? counters : gauges)}[${pick(ranges)}])`;
      case 2: {
        const op = pick(['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group']);
        const g = r() < 0.7 ? ` ${pick(['by', 'without'])} (${pick(labels)})` : '';
        return `${op}${g} (${vec(depth + 1)})`;
      }
      case 3: return `${pick(['topk', 'bottomk'])}(${1 + Math.floor(r() * 3)}, ${vec(depth + 1)})`;
      case 4: return `${vec(depth + 1)} ${pick(['+', '-', '*', '/', '>', '<=', '== bool', '%'])} ${(r() * 10).toFixed(1)}`;
      case 5: return `${pick(instFn)}(${vec(depth + 1)}${'' })`.replace(/^round\((.*)\)$/, 'round($1, 0.5)').replace(/^clamp_min\((.*)\)$/, 'clamp_min($1, 1)');
      case 6: return `sum by (instance) (${vec(depth + 1)}) ${pick(['/', '-', 'and', 'or', 'unless'])} on (instance) sum by (instance) (${vec(depth + 1)})`;
      case 7: return `${pick(['max_over_time', 'avg_over_time', 'rate'])}(${vec(depth + 1)}[${pick(['10m', '30m'])}:${pick(['1m', '2m', ''])}])`;
      case 8: return `quantile(${r().toFixed(2)}, ${vec(depth + 1)})`;
      case 9: return `histogram_quantile(${pick(['0.5', '0.9', '0.99'])}, sum by (le${r() < 0.5 ? ', job' : ''}) (rate(http_request_duration_seconds_bucket[${pick(ranges)}])))`;
      case 10: return `${pick(['quantile_over_time(0.7, ', 'holt_winters(', 'predict_linear('])}${pick(gauges)}[${pick(ranges)}]${pick([', 0.3, 0.6)', ', 0.5, 0.5)', ', 600)'])}`.replace(/quantile_over_time\(0\.7, (.*)\[(\w+)\], .*\)$/, 'quantile_over_time(0.7, $1[$2])').replace(/predict_linear\((.*), 0\.\d, 0\.\d\)$/, 'predict_linear($1, 600)').replace(/holt_winters\((.*), 600\)$/, 'holt_winters($1, 0.5, 0.5)');
      case 11: return `${pick(gauges.concat(counters))} @ ${T0 + Math.floor(r() * (T1 - T0))}`;
      case 12: return `label_replace(${vec(depth + 1)}, "x", "$1", "${pick(labels)}", "(.*)")`;
      case 13: return `count_values("v", ${pick(['up', 'deployment_replicas', 'round(node_load1)'])})`;
      case 14: return `absent(${pick(gauges)}{job="${pick(['api', 'nope'])}"})`;
      case 15: return `${pick(rangeFn)}(${pick(counters)}[${pick(ranges)}] ${pick(['offset 7m', '@ start()', '@ end()', 'offset -3m'])})`;
      case 16: return `${vec(depth + 1)} ${pick(['>', '<', '!=', '+', '/'])} ${pick(['on (instance) group_left ', 'ignoring (mode) group_left ', ''])}${pick(['up', 'node_load1', 'sum by (instance) (up)'])}`;
      case 17: return `clamp(${vec(depth + 1)}, ${(r() * 3).toFixed(1)}, ${(3 + r() * 100).toFixed(1)})`;
      case 18: return `label_join(${vec(depth + 1)}, "j", "-", "instance", "job")`;
      case 19: return `vector(scalar(${vec(depth + 1)})) ${pick(['*', '-'])} ${pick(['time()', 'pi()', '2'])}`;
      default: return `absent_over_time(${pick(gauges)}{job="${pick(['api', 'nope'])}"}[${pick(ranges)}])`;
    }
  };
  return () => vec(0);
}

type Ans = { kind: 'error'; msg: string } | { kind: 'ok'; data: { resultType: string; result: unknown } };

function render(v: Value): { resultType: string; result: unknown } {
  const sec = (ms: number) => ms / 1000;
  switch (v.type) {
    case 'scalar': return { resultType: 'scalar', result: [sec(v.t), formatSampleValue(v.v)] };
    case 'string': return { resultType: 'string', result: [sec(v.t), v.v] };
    case 'vector': return { resultType: 'vector', result: v.samples.map((s) => ({ metric: s.metric.toObject(), value: [sec(s.t), formatSampleValue(s.v)] })) };
    case 'matrix': return { resultType: 'matrix', result: v.series.map((s) => ({ metric: s.metric.toObject(), values: Array.from(s.timestamps, (t, i) => [sec(t), formatSampleValue(s.values[i]!)]) })) };
  }
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/**
 * topk/bottomk pick arbitrarily among equal values (Prometheus feeds them series in Go map
 * order in range queries), so for those queries only the values at each timestamp count.
 */
function valuesByTime(d: { resultType: string; result: unknown }): Ans {
  if (d.resultType !== 'matrix' && d.resultType !== 'vector') return { kind: 'ok', data: d };
  const byT = new Map<number, string[]>();
  for (const s of d.result as { value?: [number, string]; values?: [number, string][] }[]) {
    for (const [t, v] of s.values ?? [s.value!]) byT.set(t, [...(byT.get(t) ?? []), v]);
  }
  const result = [...byT].sort((x, y) => x[0] - y[0]).map(([t, vs]) => ({ metric: { t: String(t) }, values: vs.sort().map((v) => [t, v]) }));
  return { kind: 'ok', data: { resultType: 'matrix', result } };
}

/** Compares two answers; vectors and matrices as sets of series keyed by labels. */
function diff(a: Ans, b: Ans, tiesAllowed = false): string | undefined {
  if (tiesAllowed && a.kind === 'ok' && b.kind === 'ok') return diff(valuesByTime(a.data), valuesByTime(b.data));
  if (a.kind !== b.kind) return `${a.kind === 'error' ? a.msg : 'a result'} vs ${b.kind === 'error' ? b.msg : 'a result'}`;
  if (a.kind === 'error' && b.kind === 'error') {
    const strip = (m: string) => m.replace(/^invalid parameter "query": /, '');
    return strip(a.msg) === strip(b.msg) ? undefined : `error ${JSON.stringify(a.msg)} vs ${JSON.stringify(b.msg)}`;
  }
  if (a.kind === 'error' || b.kind === 'error') return 'unreachable';
  if (a.data.resultType !== b.data.resultType) return `type ${a.data.resultType} vs ${b.data.resultType}`;
  const rows = (d: { resultType: string; result: unknown }): Map<string, [number, string][]> => {
    const m = new Map<string, [number, string][]>();
    if (d.resultType === 'scalar') m.set('scalar', [d.result as [number, string]]);
    else for (const s of d.result as { metric: object; value?: [number, string]; values?: [number, string][] }[]) {
      m.set(JSON.stringify(Object.entries(s.metric).sort()), s.values ?? [s.value!]);
    }
    return m;
  };
  const x = rows(a.data);
  const y = rows(b.data);
  if (x.size !== y.size) return `${x.size} vs ${y.size} series`;
  for (const [k, pa] of x) {
    const pb = y.get(k);
    if (!pb) return `series ${k} missing on the other side`;
    if (pa.length !== pb.length) return `${k}: ${pa.length} vs ${pb.length} points`;
    for (let i = 0; i < pa.length; i++) {
      if (pa[i]![0] !== pb[i]![0] || !close(pa[i]![1], pb[i]![1])) return `${k}: point ${i} ${JSON.stringify(pa[i])} vs ${JSON.stringify(pb[i])}`;
    }
  }
  return undefined;
}

test('random queries over real blocks: same answers as Debian prometheus 2.42', { skip: prometheus ? false : 'Debian prometheus is not installed', timeout: 170_000 }, async () => {
  const dir = tempDir();
  cpSync(join(fixturesDir, 'blocks'), join(dir.path, 'data'), { recursive: true });
  const cfg = join(dir.path, 'p.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const p = startProcess(prometheus!, [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y']);
  const blocks = openBlocks(join(fixturesDir, 'blocks'));
  const q: Queryable = { querier: (mint, maxt) => blocksQuerier(blocks, mint, maxt) };
  const engine = new Engine();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, p);
    const r = rng(Number(process.env.PROMTS_DIFF_SEED ?? 4242));
    const gen = generator(r);
    const diffs: string[] = [];
    let n = 0;
    let errors = 0;
    const deadline = performance.now() + 60_000;
    while (n < Number(process.env.PROMTS_DIFF_N ?? 150) && performance.now() < deadline) {
      const query = gen();
      const range = r() < 0.4;
      const t = T0 + 600 + Math.floor(r() * (T1 - T0 - 600));
      const step = [60, 137, 300][Math.floor(r() * 3)]!;
      const params: Record<string, string> = range ? { query, start: String(t - 1800), end: String(t), step: String(step) } : { query, time: String(t) };
      const res = (await (await fetch(`http://127.0.0.1:${port}/api/v1/${range ? 'query_range' : 'query'}?${new URLSearchParams(params)}`)).json()) as {
        status: string; data: { resultType: string; result: unknown }; error: string;
      };
      const theirs: Ans = res.status === 'success' ? { kind: 'ok', data: res.data } : { kind: 'error', msg: res.error };
      let ours: Ans;
      try {
        const v = range ? await engine.rangeQuery(q, query, (t - 1800) * 1000, t * 1000, step * 1000) : await engine.instantQuery(q, query, t * 1000);
        ours = { kind: 'ok', data: render(v.value) };
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        ours = { kind: 'error', msg: e.message };
      }
      if (theirs.kind === 'error') errors++;
      const d = diff(ours, theirs, /topk|bottomk/.test(query));
      if (d) diffs.push(`${range ? 'range' : 'instant'} ${JSON.stringify(params)}: ${d}`);
      n++;
    }
    console.log(`promql differential evaluation: ${n - diffs.length}/${n} random queries agree with Debian prometheus (${errors} of them errors)`);
    assert.ok(n >= 50, `only ${n} queries ran`);
    assert.ok(errors < n / 4, `too many queries failed on Prometheus (${errors}/${n}): the generator is off`);
    assert.deepEqual(diffs, []);
  } finally {
    await p.stop();
    dir.cleanup();
  }
});
