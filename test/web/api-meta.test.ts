// Series/labels/values, metadata, status, targets, rules, alerts and the admin API over HTTP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, type Matcher } from '../../src/model/index.js';
import { startTest, req, form, type Running } from './helpers.js';

describe('api/v1 metadata endpoints', () => {
  let s: Running;
  before(async () => {
    s = await startTest({
      targetMetadata: () => [
        { labels: Labels.fromObject({ instance: 'a:1', job: 'api' }), metadata: [{ metric: 'up', type: 'gauge', help: 'Up.', unit: '' }, { metric: 'x_total', type: 'counter', help: 'X.', unit: '' }] },
        { labels: Labels.fromObject({ instance: 'b:1', job: 'api' }), metadata: [{ metric: 'up', type: 'gauge', help: 'Up.', unit: '' }] },
      ],
      targets: () => ({
        activeTargets: [{
          discoveredLabels: { __address__: 'a:1', job: 'api' }, labels: { instance: 'a:1', job: 'api' }, scrapePool: 'api', scrapeUrl: 'http://a:1/metrics',
          globalUrl: 'http://a:1/metrics', lastError: '', lastScrape: '2026-11-25T02:52:28.268263693Z', lastScrapeDuration: 0.005, health: 'up', scrapeInterval: '15s', scrapeTimeout: '10s',
        }],
        droppedTargets: [{ discoveredLabels: { __address__: 'x:1', job: 'dropme' } }],
      }),
      rules: () => [{
        name: 'g', file: 'rules.yml', interval: 1, limit: 0, evaluationTime: 0.001, lastEvaluation: '2026-11-25T02:52:28.798733666Z',
        rules: [
          { name: 'job:up:sum', query: 'sum by (job) (up)', health: 'ok', evaluationTime: 0.0003, lastEvaluation: '2026-11-25T02:52:29Z', type: 'recording' },
          { state: 'firing', name: 'A', query: 'x > 0', duration: 0, keepFiringFor: 0, labels: {}, annotations: {}, alerts: [], health: 'ok', evaluationTime: 0.0001, lastEvaluation: '2026-11-25T02:52:29Z', type: 'alerting' },
        ],
      }],
    });
  });
  after(() => s.close());

  test('series: sorted, deduplicated across match[], time-bounded', async () => {
    const r = await req(`${s.base}/api/v1/series?match[]=up&match[]={job="api"}`);
    assert.equal(r.text, '{"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"},{"__name__":"up","instance":"b:1","job":"api"},{"__name__":"up","instance":"n:9100","job":"node"}]}');
    const none = await req(`${s.base}/api/v1/series?match[]=up&start=400&end=500`);
    assert.equal(none.text, '{"status":"success","data":[]}');
    const post = await form(`${s.base}/api/v1/series`, 'match[]=temp');
    assert.equal(post.text, '{"status":"success","data":[{"__name__":"temp","city":"Zürich","note":"a\\u003cb\\u003e\\u0026\\"q\\"\\\\"}]}');
  });

  test('series errors carry Prometheus wording', async () => {
    const cases: [string, string][] = [
      ['/api/v1/series', 'no match[] parameter provided'],
      ['/api/v1/series?match[]=up{', 'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces'],
      ['/api/v1/series?match[]={foo=""}', 'invalid parameter "match[]": match[] must contain at least one non-empty matcher'],
      ['/api/v1/series?match[]=up&x=%zz', 'error parsing form values: invalid URL escape "%zz"'],
      ['/api/v1/series?match[]=up;x=1', 'error parsing form values: invalid semicolon separator in query'],
      ['/api/v1/series?match[]=up&end=x', `invalid parameter "end": Invalid time value for 'end': cannot parse "x" to a valid timestamp`],
      ['/api/v1/series?match[]=up{job="a" instance="b"}', 'invalid parameter "match[]": 1:12: parse error: unexpected identifier "instance" in label matching, expected "," or "}"'],
      ['/api/v1/series?match[]=%ff', `invalid parameter "match[]": 1:1: parse error: unexpected character: '\ufffd'`],
      ['/api/v1/series?match[]=up{job=~"("}', 'invalid parameter "match[]": 1:4: parse error: error parsing regexp: missing closing ): `^(?:()$`'],
    ];
    for (const [url, msg] of cases) {
      const r = await req(s.base + url);
      assert.equal(r.status, 400, url);
      const j = r.json();
      assert.equal(j.errorType, 'bad_data', url);
      if (url.includes('=~')) assert.match(j.error, /^invalid parameter "match\[\]": 1:4: parse error: error parsing regexp: /);
      else assert.equal(j.error, msg, url);
    }
  });

  test('labels and label values, with and without match[]', async () => {
    assert.equal((await req(`${s.base}/api/v1/labels`)).text, '{"status":"success","data":["__name__","city","instance","job","note"]}');
    assert.equal((await req(`${s.base}/api/v1/labels?match[]=up`)).text, '{"status":"success","data":["__name__","instance","job"]}');
    assert.equal((await form(`${s.base}/api/v1/labels`, 'match[]=temp')).text, '{"status":"success","data":["__name__","city","note"]}');
    assert.equal((await req(`${s.base}/api/v1/label/job/values`)).text, '{"status":"success","data":["api","node"]}');
    assert.equal((await req(`${s.base}/api/v1/label/instance/values?match[]={job="node"}&match[]={instance="a:1"}`)).text, '{"status":"success","data":["a:1","n:9100"]}');
    assert.equal((await req(`${s.base}/api/v1/label/nope/values`)).text, '{"status":"success","data":[]}');
    let r = await req(`${s.base}/api/v1/label/a-b/values`);
    assert.deepEqual(r.json(), { status: 'error', errorType: 'bad_data', error: 'invalid label name: "a-b"' });
    r = await req(`${s.base}/api/v1/label/%ff/values`);
    assert.equal(r.json().error, 'invalid label name: "\\xff"');
    r = await req(`${s.base}/api/v1/labels?match[]={}`);
    assert.equal(r.json().error, 'match[] must contain at least one non-empty matcher');
    r = await req(`${s.base}/api/v1/label/job/values?match[]=up{`);
    assert.equal(r.json().error, '1:4: parse error: unexpected end of input inside braces');
    r = await req(`${s.base}/api/v1/labels?start=foo`);
    assert.equal(r.json().error, `invalid parameter "start": Invalid time value for 'start': cannot parse "foo" to a valid timestamp`);
  });

  test('metadata and targets/metadata filter and limit like Prometheus', async () => {
    assert.equal((await req(`${s.base}/api/v1/metadata`)).text, '{"status":"success","data":{"up":[{"type":"gauge","help":"Up.","unit":""}],"x_total":[{"type":"counter","help":"X.","unit":""}]}}');
    assert.deepEqual(Object.keys((await req(`${s.base}/api/v1/metadata?limit=1`)).json().data), ['up']);
    assert.deepEqual((await req(`${s.base}/api/v1/metadata?metric=nope`)).json().data, {});
    assert.deepEqual((await req(`${s.base}/api/v1/metadata?limit=x`)).json(), { status: 'error', errorType: 'bad_data', error: 'limit must be a number' });
    const all = (await req(`${s.base}/api/v1/targets/metadata?limit=1`)).json().data;
    assert.equal(all.length, 2, 'limit counts entries before each target, so one whole target');
    assert.equal((await req(`${s.base}/api/v1/targets/metadata?metric=up&match_target={instance="b:1"}`)).text,
      '{"status":"success","data":[{"target":{"instance":"b:1","job":"api"},"type":"gauge","help":"Up.","unit":""}]}');
    const bad = await req(`${s.base}/api/v1/targets/metadata?match_target=up{`);
    assert.equal(bad.json().error, 'invalid parameter "match_target": 1:4: parse error: unexpected end of input inside braces');
  });

  test('targets with state and scrapePool filters', async () => {
    const all = (await req(`${s.base}/api/v1/targets`)).json().data;
    assert.equal(all.activeTargets.length, 1);
    assert.deepEqual(Object.keys(all.activeTargets[0]), ['discoveredLabels', 'labels', 'scrapePool', 'scrapeUrl', 'globalUrl', 'lastError', 'lastScrape', 'lastScrapeDuration', 'health', 'scrapeInterval', 'scrapeTimeout']);
    assert.equal((await req(`${s.base}/api/v1/targets?state=dropped`)).text, '{"status":"success","data":{"activeTargets":[],"droppedTargets":[{"discoveredLabels":{"__address__":"x:1","job":"dropme"}}]}}');
    assert.equal((await req(`${s.base}/api/v1/targets?state=ACTIVE`)).json().data.droppedTargets.length, 0);
    assert.equal((await req(`${s.base}/api/v1/targets?scrapePool=none`)).json().data.activeTargets.length, 0);
  });

  test('rules with type filter, alerts, alertmanagers', async () => {
    const rec = (await req(`${s.base}/api/v1/rules?type=record`)).json().data.groups[0];
    assert.deepEqual(rec.rules.map((r: { name: string }) => r.name), ['job:up:sum']);
    assert.deepEqual(Object.keys(rec), ['name', 'file', 'rules', 'interval', 'limit', 'evaluationTime', 'lastEvaluation']);
    assert.equal((await req(`${s.base}/api/v1/rules?type=ALERT`)).json().data.groups[0].rules[0].name, 'A');
    assert.deepEqual((await req(`${s.base}/api/v1/rules?type=xx`)).json(), { status: 'error', errorType: 'bad_data', error: 'invalid parameter "type": not supported value "xx"' });
    assert.equal((await req(`${s.base}/api/v1/alerts`)).text, '{"status":"success","data":{"alerts":[]}}');
    assert.equal((await req(`${s.base}/api/v1/alertmanagers`)).text, '{"status":"success","data":{"activeAlertmanagers":[],"droppedAlertmanagers":[]}}');
  });

  test('status endpoints', async () => {
    assert.equal((await req(`${s.base}/api/v1/status/config`)).text, '{"status":"success","data":{"yaml":"global:\\n  scrape_interval: 15s\\n"}}');
    assert.deepEqual(Object.keys((await req(`${s.base}/api/v1/status/flags`)).json().data), ['config.file', 'query.lookback-delta', 'web.enable-lifecycle']);
    assert.equal((await req(`${s.base}/api/v1/status/buildinfo`)).text,
      '{"status":"success","data":{"version":"2.42.0+ds","revision":"2.42.0+ds-5+deb12u1","branch":"debian/sid","buildUser":"team+pkg-go@tracker.debian.org","buildDate":"20260604-00:58:54","goVersion":"go1.19.8"}}');
    assert.deepEqual(Object.keys((await req(`${s.base}/api/v1/status/runtimeinfo`)).json().data),
      ['startTime', 'CWD', 'reloadConfigSuccess', 'lastConfigTime', 'corruptionCount', 'goroutineCount', 'GOMAXPROCS', 'GOGC', 'GODEBUG', 'storageRetention']);
    assert.deepEqual(Object.keys((await req(`${s.base}/api/v1/status/tsdb`)).json().data),
      ['headStats', 'seriesCountByMetricName', 'labelValueCountByLabelName', 'memoryInBytesByLabelName', 'seriesCountByLabelValuePair']);
    assert.equal((await req(`${s.base}/api/v1/status/walreplay`)).text, '{"status":"success","data":{"min":0,"max":3,"current":3}}');
  });

  test('admin APIs are refused as in Prometheus when not enabled', async () => {
    for (const p of ['delete_series', 'clean_tombstones', 'snapshot']) {
      const r = await req(`${s.base}/api/v1/admin/tsdb/${p}`, { method: 'POST' });
      assert.equal(r.status, 500);
      assert.equal(r.text, '{"status":"error","errorType":"unavailable","error":"admin APIs disabled"}');
    }
    const g = await req(`${s.base}/api/v1/admin/tsdb/snapshot`);
    assert.equal(g.status, 405);
    assert.equal(g.headers.get('allow'), 'OPTIONS, POST, PUT');
    const d = await req(`${s.base}/api/v1/series`, { method: 'DELETE' });
    assert.equal(d.status, 500);
    assert.equal(d.text, '{"status":"error","errorType":"internal","error":"not implemented"}');
  });
});

describe('admin API enabled', () => {
  let s: Running;
  const deleted: { mint: number; maxt: number; sets: Matcher[][] }[] = [];
  let cleaned = 0;
  before(async () => {
    s = await startTest({
      admin: {
        deleteSeries: async (mint, maxt, sets) => {
          deleted.push({ mint, maxt, sets });
        },
        cleanTombstones: async () => {
          cleaned++;
        },
        snapshot: async (skipHead) => (skipHead ? 'snap-nohead' : '20261125T025234Z-075c2c2d2bdb90af'),
      },
    }, { enableAdminApi: true });
  });
  after(() => s.close());

  test('delete_series, clean_tombstones and snapshot reach the provider', async () => {
    let r = await req(`${s.base}/api/v1/admin/tsdb/delete_series?match[]=up{job="api"}&start=1&end=2`, { method: 'POST' });
    assert.equal(r.status, 204);
    assert.equal(deleted.length, 1);
    assert.equal(deleted[0]!.mint, 1000);
    assert.equal(deleted[0]!.maxt, 2000);
    assert.deepEqual(deleted[0]!.sets[0]!.map(String).sort(), ['__name__="up"', 'job="api"']);
    r = await req(`${s.base}/api/v1/admin/tsdb/delete_series`, { method: 'PUT' });
    assert.deepEqual(r.json(), { status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' });
    r = await req(`${s.base}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' });
    assert.equal(r.status, 204);
    assert.equal(cleaned, 1);
    r = await req(`${s.base}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
    assert.equal(r.text, '{"status":"success","data":{"name":"20261125T025234Z-075c2c2d2bdb90af"}}');
    r = await req(`${s.base}/api/v1/admin/tsdb/snapshot?skip_head=true`, { method: 'POST' });
    assert.equal(r.json().data.name, 'snap-nohead');
    r = await req(`${s.base}/api/v1/admin/tsdb/snapshot?skip_head=x`, { method: 'POST' });
    assert.equal(r.json().error, 'invalid parameter "skip_head": unable to parse boolean: strconv.ParseBool: parsing "x": invalid syntax');
  });
});

describe('remote read and write hooks', () => {
  let s: Running;
  before(async () => {
    s = await startTest({
      remoteWrite: (rq, rs) => {
        rq.resume();
        rq.on('end', () => {
          rs.writeHead(204);
          rs.end();
        });
      },
    });
  });
  after(() => s.close());

  test('POST /api/v1/write reaches the receiver when one is given; /read without one is a clear 500', async () => {
    const w = await req(`${s.base}/api/v1/write`, { method: 'POST', body: 'x' });
    assert.equal(w.status, 204);
    const r = await req(`${s.base}/api/v1/read`, { method: 'POST', body: 'x' });
    assert.equal(r.status, 500);
    assert.equal(r.text, 'remote read is not available in this server\n');
  });
});
