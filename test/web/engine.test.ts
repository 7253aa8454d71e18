// The query endpoints against the real PromQL engine (src/promql) over MemoryStorage:
// results, matrix order, Prometheus's parse error text through the API envelope.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as promql from '../../src/promql/index.js';
import { nopLogger } from '../../src/log/index.js';
import { startWebServer, type WebServer, type QueryEngine } from '../../src/web/index.js';
import { baseDeps, sampleStorage, req } from './helpers.js';

describe('query endpoints with the PromQL engine', () => {
  let srv: WebServer;
  let base: string;
  before(async () => {
    const storage = await sampleStorage();
    const engine = new promql.Engine({ logger: nopLogger }) as unknown as QueryEngine;
    srv = await startWebServer({ listenAddress: '127.0.0.1:0' }, baseDeps(storage, engine, {
      parseExpr: promql.parseExpr,
      formatQuery: (q) => promql.formatExpr(promql.parseExpr(q)),
    }));
    base = `http://127.0.0.1:${srv.port}`;
  });
  after(() => srv.close());

  test('instant vector query', async () => {
    const r = await req(`${base}/api/v1/query?query=up{job="api"}&time=300`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"a:1","job":"api"},"value":[300,"1"]},{"metric":{"__name__":"up","instance":"b:1","job":"api"},"value":[300,"0"]}]}}');
  });

  test('range query: aggregated matrix sorted by labels', async () => {
    const r = await req(`${base}/api/v1/query_range?query=sum by (job) (up)&start=120&end=180&step=30`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"api"},"values":[[120,"2"],[150,"2"],[180,"1"]]},{"metric":{"job":"node"},"values":[[120,"1"],[150,"1"],[180,"1"]]}]}}');
  });

  test('scalar and parse errors', async () => {
    assert.equal((await req(`${base}/api/v1/query?query=1%2B1&time=1.5`)).text, '{"status":"success","data":{"resultType":"scalar","result":[1.5,"2"]}}');
    const bad = await req(`${base}/api/v1/query?query=sum(&time=1`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json(), { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis' });
    const empty = await req(`${base}/api/v1/query`);
    assert.equal(empty.json().error, 'invalid parameter "query": 1:1: parse error: no expression found in input');
  });

  test('format_query pretty-prints', async () => {
    const r = await req(`${base}/api/v1/format_query?query=sum(rate(x[5m]))by(job)`);
    // Prometheus 2.42 answers "sum by (job) (rate(x[5m]))"; the exact spacing is the PromQL
    // printer's business (src/promql formatExpr), so only the envelope is pinned here.
    assert.equal(r.status, 200);
    assert.match(r.json().data, /^sum by ?\(job\) \(rate\(x\[5m\]\)\)$/);
    assert.equal((await req(`${base}/api/v1/format_query?query=sum(`)).json().error, 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis');
  });
});
