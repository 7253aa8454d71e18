// Helpers of the dashboard tests: fixture answers, a fake fetch serving them, frame waits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { ApiClient, type FetchLike } from '../../src/tui/index.js';
import { fixturesDir, repoRoot } from '../helpers/index.js';

const ownFixtures = join(repoRoot, 'test', 'tui', 'fixtures');

/** A body captured from Debian's prometheus (test/tui/fixtures/<name>.json). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(ownFixtures, `${name}.json`), 'utf8'));
}

export interface ApiAnswer {
  endpoint: string;
  query?: string;
  params?: Record<string, string | string[]>;
  http_status: number;
  response: unknown;
}

/** The recorded answers of ../shared/fixtures/promtool-outputs/http-api/<dir>/api-answers.jsonl. */
export function apiAnswers(dir: 'live' | 'blocks'): ApiAnswer[] {
  const text = readFileSync(join(fixturesDir, 'promtool-outputs', 'http-api', dir, 'api-answers.jsonl'), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as ApiAnswer);
}

export function answerFor(dir: 'live' | 'blocks', endpoint: string, query?: string): unknown {
  const a = apiAnswers(dir).find((x) => x.endpoint === endpoint && (query === undefined || x.params?.['query'] === query));
  if (!a) throw new Error(`no recorded answer for ${endpoint} ${query ?? ''}`);
  return a.response;
}

export type Route = (url: URL, signal: AbortSignal) => unknown | Promise<unknown>;

/**
 * A fetch answering from a table of `path -> body` (path after /api/v1/), or from functions
 * for answers that depend on the query. Unknown paths answer 404 like Prometheus. A route
 * may return a Promise that never settles to model a slow server; abort rejects it.
 */
export function fakeFetch(routes: Record<string, unknown | Route>): FetchLike & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string, init: { signal: AbortSignal }) => {
    const u = new URL(url);
    calls.push(u.pathname + u.search);
    const path = u.pathname.replace(/^\/api\/v1\//, '');
    const route = routes[path];
    if (route === undefined) return { status: 404, text: async () => '404 page not found\n' };
    const body = typeof route === 'function' ? await abortable((route as Route)(u, init.signal), init.signal) : route;
    const status = isError(body) ? 400 : 200;
    return { status, text: async () => JSON.stringify(body) };
  };
  return Object.assign(f, { calls });
}

function isError(b: unknown): boolean {
  return typeof b === 'object' && b !== null && (b as { status?: string }).status === 'error';
}

function abortable<T>(p: T | Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((res, rej) => {
    const onAbort = () => rej(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(p).then(res, rej);
  });
}

/** The answers a healthy server gives, from the captured fixtures. */
export function healthyRoutes(): Record<string, unknown | Route> {
  return {
    'status/buildinfo': fixture('status_buildinfo'),
    'status/runtimeinfo': fixture('status_runtimeinfo'),
    'status/walreplay': fixture('status_walreplay'),
    'status/tsdb': fixture('status_tsdb'),
    'status/flags': fixture('status_flags'),
    'status/config': fixture('status_config'),
    targets: fixture('targets'),
    alerts: fixture('alerts'),
    rules: (u: URL) => rulesOfType(fixture('rules'), u.searchParams.get('type')),
    query: (u: URL) => {
      const q = u.searchParams.get('query') ?? '';
      if (q.startsWith('sum(rate(foo')) return fixture('query_parse_error');
      if (q.includes('prometheus_remote_storage')) return { status: 'success', data: { resultType: 'vector', result: [] } };
      return fixture('query_up');
    },
    query_range: (u: URL) =>
      u.searchParams.get('query')?.includes('prometheus_tsdb_head_samples_appended_total') ? ingestionAnswer(u) : answerFor('live', '/api/v1/query_range', u.searchParams.get('query') === 'node_load1' ? 'node_load1' : 'count by (job) ({__name__=~".+"})'),
    labels: answerFor('live', '/api/v1/labels'),
    'label/__name__/values': answerFor('live', '/api/v1/label/__name__/values'),
    'label/job/values': answerFor('live', '/api/v1/label/job/values'),
  };
}

/** A samples/s series over the asked window: a ramp from 100 to 159 (one point per step). */
function ingestionAnswer(u: URL): unknown {
  const start = Number(u.searchParams.get('start'));
  const end = Number(u.searchParams.get('end'));
  const step = Number(u.searchParams.get('step'));
  const values: [number, string][] = [];
  for (let t = start, i = 0; t <= end; t += step, i++) values.push([t, String(100 + i)]);
  return { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } };
}

function rulesOfType(body: unknown, type: string | null): unknown {
  if (type !== 'alert') return body;
  const b = body as { data: { groups: { rules: { type: string }[] }[] } };
  return { ...b, data: { groups: b.data.groups.map((g) => ({ ...g, rules: g.rules.filter((r) => r.type === 'alerting') })).filter((g) => g.rules.length) } };
}

/** The clock of the captures: a few seconds after the fixture server's last evaluation. */
export const FIXTURE_NOW = Date.parse('2026-11-25T02:56:46Z');

export function clientFor(routes: Record<string, unknown | Route>, timeoutMs = 2000): { api: ApiClient; fetch: ReturnType<typeof fakeFetch> } {
  const fetch = fakeFetch(routes);
  return { api: new ApiClient({ url: 'http://127.0.0.1:9090', fetch, timeoutMs, now: () => FIXTURE_NOW }), fetch };
}

/** A stand-in for process.stdout: a size and resize events. */
export class FakeTerminal extends EventEmitter {
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** Waits until lastFrame() satisfies check; fails with the last frame seen. */
export async function waitForFrame(lastFrame: () => string | undefined, check: (frame: string) => boolean, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = lastFrame() ?? '';
    if (check(f)) return f;
    if (Date.now() > deadline) throw new Error(`expected frame not seen within ${timeoutMs} ms; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
