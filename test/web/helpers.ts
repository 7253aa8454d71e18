// Shared setup for the web tests: a MemoryStorage with data, providers returning fixed
// shapes, and a real listening server on 127.0.0.1:0.
import { Labels } from '../../src/model/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { nopLogger } from '../../src/log/index.js';
import { startWebServer, type WebDeps, type WebOptions, type WebServer, type QueryEngine, type QueryResult } from '../../src/web/index.js';

export const BUILD = {
  version: '2.42.0+ds',
  revision: '2.42.0+ds-5+deb12u1',
  branch: 'debian/sid',
  buildUser: 'team+pkg-go@tracker.debian.org',
  buildDate: '20260604-00:58:54',
  goVersion: 'go1.19.8',
};

/** Loads `up` (3 series) and `temp` (unicode + escapes) every 15 s from t=0 to t=300 s. */
export async function sampleStorage(): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  const series = [
    Labels.fromObject({ __name__: 'up', job: 'api', instance: 'a:1' }),
    Labels.fromObject({ __name__: 'up', job: 'api', instance: 'b:1' }),
    Labels.fromObject({ __name__: 'up', job: 'node', instance: 'n:9100' }),
    Labels.fromObject({ __name__: 'temp', city: 'Zürich', note: 'a<b>&"q"\\' }),
  ];
  for (let t = 0; t <= 300_000; t += 15_000) {
    series.forEach((l, i) => app.append(0, l, t, i === 3 ? 21.5 : i === 1 && t > 150_000 ? 0 : 1));
  }
  await app.commit();
  return st;
}

/** An engine stand-in that records its calls and answers what the test sets. */
export class StubEngine implements QueryEngine {
  calls: { kind: 'instant' | 'range'; query: string; args: number[]; signal?: AbortSignal }[] = [];
  answer: (query: string) => Promise<QueryResult> | QueryResult = () => ({ value: { type: 'vector', samples: [] }, warnings: [] });
  async instantQuery(_q: unknown, query: string, timeMs: number, signal?: AbortSignal): Promise<QueryResult> {
    this.calls.push({ kind: 'instant', query, args: [timeMs], signal });
    return this.answer(query);
  }
  async rangeQuery(_q: unknown, query: string, s: number, e: number, step: number, signal?: AbortSignal): Promise<QueryResult> {
    this.calls.push({ kind: 'range', query, args: [s, e, step], signal });
    return this.answer(query);
  }
}

export function baseDeps(storage: MemoryStorage, engine: QueryEngine, over: Partial<WebDeps> = {}): WebDeps {
  return {
    queryable: storage,
    engine,
    config: () => ({ yaml: 'global:\n  scrape_interval: 15s\n' }),
    flags: { 'web.enable-lifecycle': 'false', 'query.lookback-delta': '5m', 'config.file': 'p.yml' },
    buildInfo: BUILD,
    runtimeInfo: () => ({
      startTime: '2026-11-25T02:51:09.910859443Z', CWD: '/', reloadConfigSuccess: true, lastConfigTime: '2026-11-25T02:51:09Z',
      corruptionCount: 0, goroutineCount: 1, GOMAXPROCS: 2, GOGC: '', GODEBUG: '', storageRetention: '15d',
    }),
    tsdbStatus: () => ({
      headStats: { numSeries: 4, numLabelPairs: 7, chunkCount: 4, minTime: 0, maxTime: 300000 },
      seriesCountByMetricName: [{ name: 'up', value: 3 }], labelValueCountByLabelName: [], memoryInBytesByLabelName: [], seriesCountByLabelValuePair: [],
    }),
    walReplay: () => ({ min: 0, max: 3, current: 3 }),
    ready: () => true,
    targets: () => ({ activeTargets: [], droppedTargets: [] }),
    targetMetadata: () => [],
    rules: () => [],
    alerts: () => [],
    alertmanagers: () => ({ activeAlertmanagers: [], droppedAlertmanagers: [] }),
    reload: async () => {},
    quit: () => {},
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '# TYPE x counter\nx 1\n' }),
    logger: nopLogger,
    now: () => 300_000,
    ...over,
  };
}

export interface Running {
  srv: WebServer;
  base: string;
  engine: StubEngine;
  storage: MemoryStorage;
  close(): Promise<void>;
}

export async function startTest(over: Partial<WebDeps> = {}, opts: Partial<WebOptions> = {}): Promise<Running> {
  const storage = await sampleStorage();
  const engine = new StubEngine();
  const srv = await startWebServer({ listenAddress: '127.0.0.1:0', ...opts }, baseDeps(storage, engine, over));
  const base = `${srv.tls ? 'https' : 'http'}://127.0.0.1:${srv.port}`;
  return { srv, base, engine, storage, close: () => srv.close() };
}

/** GET (or POST form) and return status, headers and body text. */
export async function req(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
  const r = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: () => JSON.parse(text) };
}

export function form(url: string, body: string): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
  return req(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
}
