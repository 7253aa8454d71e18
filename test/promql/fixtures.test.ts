// Prometheus 2.42's own HTTP answers to 85 queries over real TSDB blocks
// (../shared/fixtures/blocks), compared with our engine reading the same blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../helpers/index.js';
import { openBlocks, blocksQuerier } from '../../src/tsdb/block/index.js';
import { Engine, QueryError, formatSampleValue, type Value } from '../../src/promql/index.js';
import { formatFloat } from '../../src/model/index.js';
import type { Queryable } from '../../src/storage/index.js';

interface Answer {
  endpoint: string;
  query: string;
  note?: string;
  params: Record<string, string>;
  http_status: number;
  response: { status: string; data?: { resultType: string; result: unknown }; error?: string; errorType?: string };
}

/** Our result in the HTTP API's JSON shape. */
function render(v: Value): { resultType: string; result: unknown } {
  const sec = (ms: number) => ms / 1000;
  switch (v.type) {
    case 'scalar': return { resultType: 'scalar', result: [sec(v.t), formatFloat(v.v)] };
    case 'string': return { resultType: 'string', result: [sec(v.t), v.v] };
    case 'vector':
      return { resultType: 'vector', result: v.samples.map((s) => ({ metric: s.metric.toObject(), value: [sec(s.t), formatSampleValue(s.v)] })) };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.map((s) => ({ metric: s.metric.toObject(), values: Array.from(s.timestamps, (t, i) => [sec(t), formatSampleValue(s.values[i]!)]) })),
      };
  }
}

/** Vector order is only defined for sort/topk/bottomk; elsewhere compare as sets. */
function canonical(data: { resultType: string; result: unknown }, ordered: boolean): unknown {
  if (data.resultType !== 'vector' || ordered) return data;
  const r = [...(data.result as { metric: Record<string, string> }[])];
  r.sort((a, b) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1));
  return { ...data, result: r };
}

test('promql over real 2.42 blocks: same answers as Prometheus', { timeout: 60_000 }, async () => {
  const blocks = openBlocks(join(fixturesDir, 'blocks'));
  const q: Queryable = { querier: (mint, maxt) => blocksQuerier(blocks, mint, maxt) };
  const engine = new Engine();
  const answers = readFileSync(join(fixturesDir, 'promtool-outputs', 'http-api', 'blocks', 'promql-answers.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Answer);
  let pass = 0;
  let checked = 0;
  const failures: string[] = [];
  for (const a of answers) {
    // The 11,000-points limit is the HTTP layer's check (src/web), not the engine's.
    if (a.response.error?.startsWith('exceeded maximum resolution')) continue;
    checked++;
    const p = a.params;
    let got: { resultType: string; result: unknown } | undefined;
    let err: string | undefined;
    try {
      const res = a.endpoint === '/api/v1/query'
        ? await engine.instantQuery(q, p.query!, Math.round(Number(p.time) * 1000))
        : await engine.rangeQuery(q, p.query!, Number(p.start) * 1000, Number(p.end) * 1000, Number(p.step) * 1000);
      got = render(res.value);
    } catch (e) {
      if (!(e instanceof QueryError)) throw e;
      err = e.message;
    }
    if (a.response.status === 'error') {
      const want = a.response.error!.replace(/^invalid parameter "query": /, '');
      if (err === want) pass++;
      else failures.push(`${a.query}: got ${err ?? 'a result'}, want error ${want}`);
      continue;
    }
    if (err !== undefined) {
      failures.push(`${a.query}: error ${err}`);
      continue;
    }
    const ordered = /^(sort|sort_desc|topk|bottomk)\(/.test(a.query);
    try {
      assert.deepStrictEqual(canonical(got!, ordered), canonical(a.response.data!, ordered));
      pass++;
    } catch {
      failures.push(`${a.query} (${a.note ?? ''}):\n  got  ${JSON.stringify(got).slice(0, 600)}\n  want ${JSON.stringify(a.response.data).slice(0, 600)}`);
    }
  }
  for (const b of blocks) (b as unknown as { close?: () => void }).close?.();
  console.log(`promql fixture answers: ${pass}/${checked} match Prometheus 2.42 exactly`);
  assert.deepEqual(failures, []);
});
