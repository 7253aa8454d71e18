// End to end on Prometheus 2.42's own data: the fixture data dirs opened read-only with
// src/tsdb, the real PromQL engine, promts's HTTP layer; every recorded answer of Prometheus
// (fixtures/promtool-outputs/http-api/{blocks,live}) is requested again and the JSON must be
// the same. Status endpoints whose data comes from providers are in fixture-encoding.test.ts.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as promql from '../../src/promql/index.js';
import { openDBReadOnly } from '../../src/tsdb/index.js';
import { nopLogger } from '../../src/log/index.js';
import { startWebServer, type QueryEngine, type WebServer } from '../../src/web/index.js';
import { fixturesDir } from '../helpers/index.js';
import { baseDeps } from './helpers.js';
import { buildRequest } from './replay.js';
import { MemoryStorage } from '../../src/storage/index.js';

interface Recorded {
  endpoint: string;
  query?: string;
  params: Record<string, string | string[]>;
  http_status: number;
  response: unknown;
}

const httpApi = join(fixturesDir, 'promtool-outputs', 'http-api');
const PROVIDER_ENDPOINTS = new Set(['/api/v1/status/tsdb', '/api/v1/status/flags', '/api/v1/status/buildinfo', '/api/v1/metadata']);

function records(dir: string, file: string): Recorded[] {
  return readFileSync(join(httpApi, dir, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Recorded)
    .filter((r) => !PROVIDER_ENDPOINTS.has(r.endpoint));
}

async function serve(dataDir: string, withHead: boolean): Promise<WebServer> {
  const db = await openDBReadOnly(dataDir, withHead, nopLogger);
  const engine = new promql.Engine({ logger: nopLogger }) as unknown as QueryEngine;
  return startWebServer({ listenAddress: '127.0.0.1:0' }, baseDeps(new MemoryStorage(), engine, { queryable: db, parseExpr: promql.parseExpr }));
}

async function mismatches(srv: WebServer, recs: Recorded[]): Promise<string[]> {
  const out: string[] = [];
  for (const rec of recs) {
    const { url, init } = buildRequest(`http://127.0.0.1:${srv.port}`, { name: rec.endpoint, path: rec.endpoint, params: rec.params });
    const r = await fetch(url, init);
    const text = await r.text();
    let got: unknown;
    try {
      got = JSON.parse(text);
    } catch {
      got = text;
    }
    if (r.status !== rec.http_status || JSON.stringify(got) !== JSON.stringify(rec.response)) {
      out.push(`${rec.endpoint} ${JSON.stringify(rec.params).slice(0, 120)} -> ${r.status} ${text.slice(0, 160)}`);
    }
  }
  return out;
}

describe('recorded answers replayed on the fixture data', () => {
  let blocks: WebServer;
  let live: WebServer;
  before(async () => {
    blocks = await serve(join(fixturesDir, 'blocks'), false);
    live = await serve(join(fixturesDir, 'live'), true);
  });
  after(async () => {
    await blocks?.close();
    await live?.close();
  });

  test('blocks/: series, labels, label values, exemplars', async () => {
    const recs = records('blocks', 'api-answers.jsonl');
    assert.ok(recs.length >= 10);
    assert.deepEqual(await mismatches(blocks, recs), []);
  });

  test('live/: series, labels and label values', async () => {
    const recs = records('live', 'api-answers.jsonl').filter((r) => !r.endpoint.startsWith('/api/v1/query'));
    assert.ok(recs.length >= 4);
    assert.deepEqual(await mismatches(live, recs), []);
  });

  test('blocks/: query answers', async () => {
    const recs = records('blocks', 'promql-answers.jsonl');
    assert.deepEqual(await mismatches(blocks, recs), []);
  });

  test('live/: query answers', async () => {
    const recs = records('live', 'api-answers.jsonl').filter((r) => r.endpoint.startsWith('/api/v1/query'));
    assert.deepEqual(await mismatches(live, recs), []);
  });
});
