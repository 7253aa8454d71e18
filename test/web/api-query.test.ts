// /api/v1/query and /query_range over HTTP: parameter forms, Prometheus's validation
// messages and codes, result JSON bytes, and engine error mapping (stub engine; see
// engine.test.ts for the real PromQL engine).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/index.js';
import { startTest, req, form, type Running } from './helpers.js';

describe('api/v1 query endpoints', () => {
  let s: Running;
  before(async () => {
    s = await startTest();
  });
  after(() => s.close());

  test('instant query accepts unix float, RFC 3339 and defaults to now', async () => {
    await req(`${s.base}/api/v1/query?query=up&time=1.5`);
    await req(`${s.base}/api/v1/query?query=up&time=2023-01-01T00:00:00.5%2B01:00`);
    await req(`${s.base}/api/v1/query?query=up`);
    await req(`${s.base}/api/v1/query?query=up&time=-0.0015`);
    assert.deepEqual(s.engine.calls.slice(-4).map((c) => c.args[0]), [1500, 1672527600500, 300_000, -2]);
  });

  test('POST form body wins over the URL query', async () => {
    const r = await form(`${s.base}/api/v1/query?query=1&time=5`, 'query=2');
    assert.equal(r.status, 200);
    const c = s.engine.calls.at(-1)!;
    assert.equal(c.query, '2');
    assert.equal(c.args[0], 5000);
  });

  test('vector, matrix, scalar and string results are encoded like Prometheus', async () => {
    s.engine.answer = (q) => {
      switch (q) {
        case 'v':
          return { value: { type: 'vector', samples: [{ metric: Labels.fromObject({ __name__: 'up', a: 'x<y' }), t: 1500, v: 1 }, { metric: Labels.EMPTY, t: -1500, v: NaN }] }, warnings: [] };
        case 'm':
          return {
            value: {
              type: 'matrix',
              series: [
                { metric: Labels.fromObject({ b: '2' }), timestamps: new Float64Array([0, 500, 1000]), values: new Float64Array([Infinity, -Infinity, 1e-7]) },
                { metric: Labels.fromObject({ a: '1' }), timestamps: new Float64Array([1620]), values: new Float64Array([0.1 + 0.2]) },
              ],
            },
            warnings: ['careful'],
          };
        case 's':
          return { value: { type: 'scalar', t: 1672527600500, v: -0 }, warnings: [] };
        default:
          return { value: { type: 'string', t: 1000, v: 'a<b>&' }, warnings: [] };
      }
    };
    assert.equal((await req(`${s.base}/api/v1/query?query=v&time=1`)).text,
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","a":"x\\u003cy"},"value":[1.500,"1"]},{"metric":{},"value":[-1.500,"NaN"]}]}}');
    assert.equal((await req(`${s.base}/api/v1/query_range?query=m&start=0&end=1&step=1`)).text,
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1.620,"0.30000000000000004"]]},{"metric":{"b":"2"},"values":[[0,"+Inf"],[0.500,"-Inf"],[1,"1e-07"]]}]},"warnings":["careful"]}');
    assert.equal((await req(`${s.base}/api/v1/query?query=s`)).text, '{"status":"success","data":{"resultType":"scalar","result":[1672527600.5,"-0"]}}');
    assert.equal((await req(`${s.base}/api/v1/query?query=x`)).text, '{"status":"success","data":{"resultType":"string","result":[1,"a\\u003cb\\u003e\\u0026"]}}');
    s.engine.answer = () => ({ value: { type: 'vector', samples: [] }, warnings: [] });
  });

  const bad: [string, number, string][] = [
    ['/api/v1/query?query=up&time=abc', 400, `invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp`],
    ['/api/v1/query?query=up&timeout=xx', 400, 'invalid parameter "timeout": cannot parse "xx" to a valid duration'],
    ['/api/v1/query_range?query=up&start=x&end=1&step=1', 400, 'invalid parameter "start": cannot parse "x" to a valid timestamp'],
    ['/api/v1/query_range?query=up&start=10&end=1&step=1', 400, 'invalid parameter "end": end timestamp must not be before start time'],
    ['/api/v1/query_range?query=up&start=1&end=10&step=0', 400, 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['/api/v1/query_range?query=up&start=1&end=10&step=-1s', 400, 'invalid parameter "step": cannot parse "-1s" to a valid duration'],
    ['/api/v1/query_range?query=up&start=1&end=10', 400, 'invalid parameter "step": cannot parse "" to a valid duration'],
    ['/api/v1/query_range?query=1&start=0&end=100000&step=1', 400, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
  ];
  for (const [url, code, msg] of bad) {
    test(`bad parameters: ${url}`, async () => {
      const r = await req(s.base + url);
      assert.equal(r.status, code);
      assert.equal(r.headers.get('content-type'), 'application/json');
      assert.deepEqual(r.json(), { status: 'error', errorType: 'bad_data', error: msg });
      // Key order as Prometheus writes it.
      assert.ok(r.text.startsWith('{"status":"error","errorType":"bad_data","error":'));
    });
  }

  test('step and timeout take float seconds and durations', async () => {
    await req(`${s.base}/api/v1/query_range?query=up&start=0&end=3&step=1.5&timeout=1s`);
    assert.deepEqual(s.engine.calls.at(-1)!.args, [0, 3000, 1500]);
    await req(`${s.base}/api/v1/query_range?query=up&start=2023-01-01T00:00:00Z&end=2023-01-01T01:00:00Z&step=1m`);
    assert.deepEqual(s.engine.calls.at(-1)!.args, [1672531200000, 1672534800000, 60000]);
  });

  test('engine errors map to Prometheus error types and status codes', async () => {
    const fail = (code: string, message: string) => () => Promise.reject(Object.assign(new Error(message), { code }));
    s.engine.answer = fail('bad_data', '1:5: parse error: unclosed left parenthesis');
    let r = await req(`${s.base}/api/v1/query?query=sum(`);
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis');
    r = await req(`${s.base}/api/v1/query_range?query=sum(&start=1&end=2&step=1`);
    assert.equal(r.json().error, '1:5: parse error: unclosed left parenthesis', 'query_range reports parse errors bare');
    s.engine.answer = fail('execution', 'vector cannot contain metrics with the same labelset');
    r = await req(`${s.base}/api/v1/query?query=x`);
    assert.equal(r.status, 422);
    assert.equal(r.json().errorType, 'execution');
    s.engine.answer = fail('timeout', 'query timed out in expression evaluation');
    r = await req(`${s.base}/api/v1/query?query=x`);
    assert.equal(r.status, 503);
    assert.equal(r.json().errorType, 'timeout');
    s.engine.answer = fail('canceled', 'query was canceled in expression evaluation');
    r = await req(`${s.base}/api/v1/query?query=x`);
    assert.equal(r.status, 503);
    assert.equal(r.json().errorType, 'canceled');
    s.engine.answer = () => ({ value: { type: 'vector', samples: [] }, warnings: [] });
  });

  test('the timeout parameter aborts the engine and answers errorType timeout', async () => {
    s.engine.answer = () =>
      new Promise((_res, rej) => {
        const sig = s.engine.calls.at(-1)!.signal!;
        sig.addEventListener('abort', () => rej(Object.assign(new Error('query was canceled'), { code: 'canceled' })));
      });
    const t0 = Date.now();
    const r = await req(`${s.base}/api/v1/query?query=slow&timeout=0.05`);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(r.status, 503);
    assert.deepEqual(r.json(), { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
    s.engine.answer = () => ({ value: { type: 'vector', samples: [] }, warnings: [] });
  });

  test('a client that goes away cancels its running query', async () => {
    let aborted: Promise<void> | undefined;
    s.engine.answer = () =>
      new Promise((_res, rej) => {
        const sig = s.engine.calls.at(-1)!.signal!;
        aborted = new Promise((done) => sig.addEventListener('abort', () => {
          done();
          rej(Object.assign(new Error('query was canceled'), { code: 'canceled' }));
        }));
      });
    const ac = new AbortController();
    const p = fetch(`${s.base}/api/v1/query?query=hang`, { signal: ac.signal }).catch(() => undefined);
    while (!aborted) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await p;
    await aborted;
    s.engine.answer = () => ({ value: { type: 'vector', samples: [] }, warnings: [] });
  });

  test('stats=all adds a stats object', async () => {
    const r = await req(`${s.base}/api/v1/query?query=up&stats=all&time=1`);
    const d = r.json().data;
    assert.deepEqual(Object.keys(d), ['resultType', 'result', 'stats']);
    assert.deepEqual(Object.keys(d.stats), ['timings', 'samples']);
  });

  test('query_exemplars: empty list, parameter checks, 204 without selectors', async () => {
    assert.equal((await req(`${s.base}/api/v1/query_exemplars?query=up&start=0&end=10`)).text, '{"status":"success","data":[]}');
    const r = await req(`${s.base}/api/v1/query_exemplars?query=up&start=1&end=0`);
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'end timestamp must not be before start timestamp');
    assert.equal((await req(`${s.base}/api/v1/query_exemplars?query=1`)).status, 204);
    assert.equal((await req(`${s.base}/api/v1/query_exemplars`)).json().error, '1:1: parse error: no expression found in input');
  });

  test('unknown methods get 405 with Allow, unknown paths 404', async () => {
    let r = await req(`${s.base}/api/v1/query?query=1`, { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, OPTIONS, POST');
    assert.equal(r.text, 'Method Not Allowed\n');
    r = await req(`${s.base}/api/v1/nothing`);
    assert.equal(r.status, 404);
    assert.equal(r.text, '404 page not found\n');
  });
});
