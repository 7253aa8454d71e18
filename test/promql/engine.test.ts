// Engine behaviours a caller relies on beyond the conformance scripts: range queries agree
// with per-step instant queries, limits and cancellation fail with Prometheus's texts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, MemoryStorage } from './deps.js';
import { Engine, QueryError, ParseError, formatCaret } from '../../src/promql/index.js';
import { almostEqual } from './script.js';

async function store(): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (let i = 0; i < 4; i++) {
    const l = Labels.fromObject({ __name__: 'req_total', job: i % 2 ? 'api' : 'db', instance: `i${i}` });
    const b = Labels.fromObject({ __name__: 'lat_bucket', job: 'api', instance: `i${i}`, le: ['0.1', '1', '+Inf', '10'][i]! });
    for (let t = 0; t <= 3600_000; t += 15_000) {
      // A counter with a reset at 30m, and a gap between 40m and 45m for instance i3.
      if (i === 3 && t > 2400_000 && t < 2700_000) continue;
      app.append(0, l, t, (t < 1800_000 ? t / 1000 : (t - 1800_000) / 500) * (i + 1));
      app.append(0, b, t, (t / 1000) * (i + 1));
    }
  }
  await app.commit();
  return s;
}

const QUERIES = [
  'req_total', 'rate(req_total[5m])', 'sum by (job) (rate(req_total[5m]))', 'topk(2, req_total)', 'req_total offset 10m',
  'max_over_time(rate(req_total[2m])[10m:1m])', 'req_total / on(instance) group_left req_total', 'histogram_quantile(0.9, lat_bucket)',
  'req_total > bool 1000', 'count_values("v", req_total > 1e9)', 'absent(nope)', 'scalar(sum(req_total)) * 2', 'time()',
  'req_total @ 600', 'quantile(0.5, req_total)', 'label_replace(req_total, "x", "$1", "instance", "i(.)")', 'changes(req_total[10m])',
];

describe('promql engine', () => {
  test('a range query gives, at every step, what an instant query at that time gives', async () => {
    const s = await store();
    const e = new Engine();
    for (const q of QUERIES) {
      const r = await e.rangeQuery(s, q, 600_000, 3600_000, 300_000);
      assert.equal(r.value.type, 'matrix');
      for (let t = 600_000; t <= 3600_000; t += 300_000) {
        const inst = await e.instantQuery(s, q, t);
        const want = new Map<string, number>();
        if (inst.value.type === 'vector') for (const x of inst.value.samples) want.set(x.metric.key(), x.v);
        else if (inst.value.type === 'scalar') want.set('{}', inst.value.v);
        const got = new Map<string, number>();
        if (r.value.type === 'matrix') {
          for (const ser of r.value.series) {
            const k = ser.timestamps.indexOf(t);
            if (k >= 0) got.set(ser.metric.key(), ser.values[k]!);
          }
        }
        assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${q} at ${t}`);
        for (const [k, v] of want) assert.ok(almostEqual(v, got.get(k)!), `${q} at ${t} ${k}: ${got.get(k)} != ${v}`);
      }
    }
  });

  test('range query results are sorted by labels, instant topk keeps its order', async () => {
    const s = await store();
    const e = new Engine();
    const r = await e.rangeQuery(s, 'req_total', 0, 600_000, 60_000);
    assert.ok(r.value.type === 'matrix');
    const keys = r.value.series.map((x) => x.metric);
    assert.deepEqual(keys, [...keys].sort(Labels.compare));
    const i = await e.instantQuery(s, 'topk(3, req_total)', 1200_000);
    assert.ok(i.value.type === 'vector');
    const vals = i.value.samples.map((x) => x.v);
    assert.deepEqual(vals, [...vals].sort((a, b) => b - a));
  });

  test('the sample limit fails with Prometheus text', async () => {
    const s = await store();
    const e = new Engine({ maxSamples: 100 });
    await assert.rejects(e.rangeQuery(s, 'sum(req_total)', 0, 3600_000, 15_000), (err: unknown) =>
      err instanceof QueryError && err.code === 'execution' && err.message === 'query processing would load too many samples into memory in query execution');
  });

  test('timeout and cancellation fail with Prometheus texts', async () => {
    const s = await store();
    await assert.rejects(new Engine({ timeout: 0 }).instantQuery(s, 'req_total', 0), (err: unknown) =>
      err instanceof QueryError && err.code === 'timeout' && err.message === 'query timed out in expression evaluation');
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(new Engine().instantQuery(s, 'req_total', 0, ac.signal), (err: unknown) =>
      err instanceof QueryError && err.code === 'canceled' && err.message === 'query was canceled in expression evaluation');
  });

  test('a range query over a range vector is rejected like Prometheus does', async () => {
    await assert.rejects(new Engine().rangeQuery(new MemoryStorage(), 'foo[5m]', 0, 60_000, 15_000), (err: unknown) =>
      err instanceof QueryError && err.code === 'bad_data' &&
      err.message === 'invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  });

  test('parse errors carry a position and render with a caret', async () => {
    await assert.rejects(new Engine().instantQuery(new MemoryStorage(), 'sum(rate(x[5m]) by (job)', 0), (err: unknown) => {
      assert.ok(err instanceof ParseError);
      // The text Debian's Prometheus 2.42 gives for this query.
      assert.equal(err.message, '1:17: parse error: unexpected <by> in aggregation');
      assert.deepEqual([err.line, err.column], [1, 17]);
      assert.equal(formatCaret('sum(rate(x[5m]) by (job)', err), '1:17: parse error: unexpected <by> in aggregation\nsum(rate(x[5m]) by (job)\n                ^');
      return true;
    });
  });

  test('many-to-many matching is refused with the match group in the message', async () => {
    const s = await store();
    await assert.rejects(new Engine().instantQuery(s, 'req_total + on(job) req_total', 600_000), (err: unknown) =>
      err instanceof QueryError && /^found duplicate series for the match group \{job="(api|db)"\} on the right hand-side of the operation: \[.*\];many-to-many matching not allowed: matching labels must be unique on one side$/.test(err.message));
  });

  test('long evaluations yield to the event loop, so timers (and timeouts) can fire', async (t) => {
    const s = await store();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const c0 = process.cpuUsage();
    await new Engine().rangeQuery(s, 'sum by (instance) (rate(req_total[5m])) / on(instance) group_left sum by (instance) (req_total)', 0, 3600_000, 250);
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    clearInterval(timer);
    // The evaluator yields between nodes and every 256 series once ~20 ms have passed, so an
    // evaluation that burns 150 ms of CPU must have let the timer run. CPU time, not wall time:
    // on a loaded machine a short evaluation can take long on the clock with no chance to yield.
    t.diagnostic(`evaluation used ${cpuMs.toFixed(0)} ms CPU, timer ran ${ticks} times`);
    if (cpuMs > 150) assert.ok(ticks > 0, `no timer ran during ${cpuMs.toFixed(0)} ms of evaluation CPU time`);
  });
});
