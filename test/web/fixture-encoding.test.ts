// Replays Prometheus 2.42's recorded answers (fixtures/promtool-outputs/http-api) through
// promts's HTTP layer: the engine stand-in returns the recorded result values, and the
// answer promts writes must parse to the same JSON (same keys in the same order, same
// value strings, same times) as Prometheus's. Status endpoints are fed the recorded
// provider data and must match too. This pins the encoding, independent of the engine.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../src/model/index.js';
import { fixturesDir } from '../helpers/index.js';
import type { QueryValue } from '../../src/web/index.js';
import { startTest, type Running } from './helpers.js';
import { buildRequest } from './replay.js';

const httpApi = join(fixturesDir, 'promtool-outputs', 'http-api');
const dir = join(httpApi, 'blocks');

interface Recorded {
  endpoint: string;
  params: Record<string, string | string[]>;
  http_status: number;
  response: { status: string; data?: any; errorType?: string; error?: string; warnings?: string[] };
}

function readJsonl(f: string, from = dir): Recorded[] {
  return readFileSync(join(from, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Recorded);
}

const num = (s: string) => (s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));
const ms = (sec: number) => Math.round(sec * 1000);

/** Turns a recorded `data` back into the engine's value. */
function toValue(d: any): QueryValue {
  switch (d.resultType) {
    case 'scalar':
      return { type: 'scalar', t: ms(d.result[0]), v: num(d.result[1]) };
    case 'string':
      return { type: 'string', t: ms(d.result[0]), v: d.result[1] };
    case 'vector':
      return { type: 'vector', samples: d.result.map((r: any) => ({ metric: Labels.fromObject(r.metric), t: ms(r.value[0]), v: num(r.value[1]) })) };
    default:
      return {
        type: 'matrix',
        series: d.result.map((r: any) => ({
          metric: Labels.fromObject(r.metric),
          timestamps: Float64Array.from(r.values.map((p: any) => ms(p[0]))),
          values: Float64Array.from(r.values.map((p: any) => num(p[1]))),
        })),
      };
  }
}

describe('recorded Prometheus 2.42 answers, re-encoded by promts', () => {
  // blocks/: 85 query answers; live/: the query answers among the 21 recorded on live data.
  const promql = [
    ...readJsonl('promql-answers.jsonl'),
    ...readJsonl('api-answers.jsonl', join(httpApi, 'live')).filter((r) => r.endpoint === '/api/v1/query' || r.endpoint === '/api/v1/query_range'),
  ];
  const api = readJsonl('api-answers.jsonl');
  const pick = (ep: string) => api.find((a) => a.endpoint === ep)!;
  let s: Running;
  before(async () => {
    const tsdb = pick('/api/v1/status/tsdb').response.data;
    const flags = pick('/api/v1/status/flags').response.data;
    s = await startTest({ tsdbStatus: () => tsdb, flags: Object.fromEntries(Object.entries(flags).reverse()) as Record<string, string> });
  });
  after(() => s.close());

  test(`query answers (${promql.length} recorded)`, async () => {
    assert.ok(promql.length >= 80);
    for (const rec of promql) {
      const query = String(rec.params['query']);
      if (rec.http_status === 200) {
        s.engine.answer = () => ({ value: toValue(rec.response.data), warnings: rec.response.warnings ?? [] });
      } else {
        const code = rec.response.errorType === 'execution' ? 'execution' : 'bad_data';
        const msg = rec.response.error!.replace(/^invalid parameter "query": /, '');
        s.engine.answer = () => Promise.reject(Object.assign(new Error(msg), { code }));
      }
      const { url, init } = buildRequest(s.base, { name: query, path: rec.endpoint, params: rec.params });
      const r = await fetch(url, init);
      const text = await r.text();
      assert.equal(r.status, rec.http_status, `${rec.endpoint} ${query}`);
      assert.equal(JSON.stringify(JSON.parse(text)), JSON.stringify(rec.response), `${rec.endpoint} ${query}`);
    }
  });

  test('status, flags, buildinfo, metadata, exemplars answers', async () => {
    for (const ep of ['/api/v1/status/tsdb', '/api/v1/status/flags', '/api/v1/status/buildinfo', '/api/v1/metadata', '/api/v1/query_exemplars']) {
      const rec = pick(ep);
      const { url, init } = buildRequest(s.base, { name: ep, path: ep, params: rec.params });
      const r = await fetch(url, init);
      assert.equal(r.status, rec.http_status, ep);
      assert.equal(JSON.stringify(JSON.parse(await r.text())), JSON.stringify(rec.response), ep);
    }
  });
});
