// Side by side with Debian's prometheus 2.42 (started on a temp copy of fixtures/live with a
// config without scrape jobs): error envelopes must be byte-identical, and non-query
// answers must have the same shape. The full JSON-equality replay on the same data comes
// when the TSDB is wired in (replay.ts is the reusable part).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, debianBinary, freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../helpers/index.js';
import { replay, type ReplayRequest } from './replay.js';
import { startTest, type Running } from './helpers.js';

const prometheus = debianBinary('prometheus');

const REQUESTS: ReplayRequest[] = [
  // Error envelopes: exact bytes.
  { name: 'query bad time', path: '/api/v1/query', params: { query: 'up', time: 'abc' } },
  { name: 'query bad timeout', path: '/api/v1/query', params: { query: 'up', timeout: 'xx' } },
  { name: 'range bad start', path: '/api/v1/query_range', params: { query: 'up', start: 'x', end: '1', step: '1' } },
  { name: 'range end before start', path: '/api/v1/query_range', params: { query: 'up', start: '10', end: '1', step: '1' } },
  { name: 'range zero step', path: '/api/v1/query_range', params: { query: 'up', start: '1', end: '10', step: '0' } },
  { name: 'range negative duration step', path: '/api/v1/query_range', params: { query: 'up', start: '1', end: '10', step: '-1s' } },
  { name: 'range too many points', path: '/api/v1/query_range', params: { query: 'up', start: '0', end: '100000', step: '1' } },
  { name: 'series without match[]', path: '/api/v1/series' },
  { name: 'series bad selector', path: '/api/v1/series', params: { 'match[]': 'up{' } },
  { name: 'series empty matchers', path: '/api/v1/series', params: { 'match[]': '{foo=""}' } },
  { name: 'series identifier in braces', path: '/api/v1/series', params: { 'match[]': 'up{job="a" instance="b"}' } },
  { name: 'series bad escape', path: '/api/v1/series', params: { 'match[]': 'up{job="a\\q"}' } },
  { name: 'series unterminated', path: '/api/v1/series', params: { 'match[]': 'up{job="a}' } },
  { name: 'series bad end', path: '/api/v1/series', params: { 'match[]': 'up', end: 'x' } },
  { name: 'labels bad start', path: '/api/v1/labels', params: { start: 'foo' } },
  { name: 'labels empty matcher set', path: '/api/v1/labels', params: { 'match[]': '{}' } },
  { name: 'label values bad name', path: '/api/v1/label/a-b/values' },
  { name: 'label values bad selector', path: '/api/v1/label/job/values', params: { 'match[]': 'up{' } },
  { name: 'rules bad type', path: '/api/v1/rules', params: { type: 'xx' } },
  { name: 'metadata bad limit', path: '/api/v1/metadata', params: { limit: 'x' } },
  { name: 'exemplars end before start', path: '/api/v1/query_exemplars', params: { query: 'up', start: '1', end: '0' } },
  { name: 'admin disabled', method: 'POST', path: '/api/v1/admin/tsdb/snapshot' },
  { name: 'drop series', method: 'DELETE', path: '/api/v1/series' },
  { name: 'unknown API path', path: '/api/v1/nothing' },
  { name: 'wrong method', method: 'DELETE', path: '/api/v1/query' },
  { name: 'reload disabled', method: 'POST', path: '/-/reload' },
  { name: 'reload via GET', path: '/-/reload' },
  { name: 'healthy', path: '/-/healthy' },
  { name: 'ready', path: '/-/ready' },
  { name: 'quit disabled', method: 'PUT', path: '/-/quit' },
  { name: 'version', path: '/version' },
  { name: 'unclean path', path: '//api/v1/labels' },
  { name: 'API trailing slash', path: '/api/v1/query/', params: { query: '1' } },
  { name: 'API root without slash', path: '/api/v1' },
  { name: 'federate wrong method', method: 'POST', path: '/federate' },
  { name: 'options preflight', method: 'OPTIONS', path: '/api/v1/query' },
  { name: 'label values invalid UTF-8 name', path: '/api/v1/label/%ff/values' },
  { name: 'query invalid UTF-8', path: '/api/v1/series', params: { 'match[]': '\ufffd' } },
  { name: 'series regex error position', path: '/api/v1/series', params: { 'match[]': 'up{job=~"a", x=a}' } },
  { name: 'series number', path: '/api/v1/series', params: { 'match[]': '1' } },
  { name: 'series function', path: '/api/v1/series', params: { 'match[]': 'sum(up)' } },
  { name: 'series empty', path: '/api/v1/series', params: { 'match[]': '' } },
  { name: 'series op', path: '/api/v1/series', params: { 'match[]': 'a-b' } },
  { name: 'remote write not enabled', method: 'POST', path: '/api/v1/write' },
  { name: 'remote read via GET', path: '/api/v1/read' },
  { name: 'snapshot wrong method', path: '/api/v1/admin/tsdb/snapshot' },
  { name: 'federate bad selector', path: '/federate', params: { 'match[]': 'up{' } },
  { name: 'series via POST time-bounded', method: 'POST', path: '/api/v1/series', params: { 'match[]': 'up', start: '1', end: '2' } },
  { name: 'exemplars', path: '/api/v1/query_exemplars', params: { query: 'up', start: '1', end: '2' } },
  // Success answers whose data differs (different storage): same shape.
  { name: 'labels', path: '/api/v1/labels', mode: 'shape' },
  { name: 'series', path: '/api/v1/series', params: { 'match[]': 'up' }, mode: 'shape' },
  { name: 'label values', path: '/api/v1/label/job/values', mode: 'shape' },
  { name: 'targets', path: '/api/v1/targets', mode: 'shape' },
  { name: 'rules', path: '/api/v1/rules', mode: 'shape' },
  { name: 'alerts', path: '/api/v1/alerts', mode: 'shape' },
  { name: 'alertmanagers', path: '/api/v1/alertmanagers', mode: 'shape' },
  { name: 'buildinfo', path: '/api/v1/status/buildinfo', mode: 'shape' },
  { name: 'runtimeinfo', path: '/api/v1/status/runtimeinfo', mode: 'shape' },
  { name: 'walreplay', path: '/api/v1/status/walreplay', mode: 'shape' },
  { name: 'tsdb status', path: '/api/v1/status/tsdb', mode: 'shape', allowDiff: ['data.seriesCountByMetricName', 'data.labelValueCountByLabelName', 'data.memoryInBytesByLabelName', 'data.seriesCountByLabelValuePair'] },
  { name: 'metadata', path: '/api/v1/metadata', mode: 'shape' },
  { name: 'targets metadata', path: '/api/v1/targets/metadata', mode: 'shape' },
];

describe('side by side with Debian prometheus 2.42', { skip: prometheus ? false : 'Debian prometheus is not installed' }, () => {
  const tmp = tempDir('promts-sbs-');
  let prom: RunningProcess;
  let promBase: string;
  let ours: Running;
  before(async () => {
    const data = join(tmp.path, 'data');
    copyFixture('live', data);
    writeFileSync(join(tmp.path, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    const port = await freePort();
    prom = startProcess(prometheus!, [
      `--config.file=${join(tmp.path, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y', '--log.level=warn',
    ]);
    promBase = `http://127.0.0.1:${port}`;
    ours = await startTest();
    await waitForHttp(`${promBase}/-/ready`, 30_000, prom);
  });
  after(async () => {
    await prom?.stop();
    await ours?.close();
    tmp.cleanup();
  });

  test('error envelopes are byte-identical and other answers have the same shape', async () => {
    const results = await replay(promBase, ours.base, REQUESTS);
    const bad = results.filter((r) => !r.equal).map((r) => `${r.name}: ${r.diffs.join('; ')}`);
    assert.deepEqual(bad, []);
    assert.equal(results.length, REQUESTS.length);
  });
});

