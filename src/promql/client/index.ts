// A small client for the Prometheus HTTP API (query, query_range, series, label values), the
// way promtool's `query` commands call it, plus their text renderings.
import { PromtsError, formatDuration, parseDuration, quoteLabelValue } from '../../model/index.js';

export class ClientError extends PromtsError {
  constructor(code: 'unreachable' | 'http' | 'api' | 'usage', message: string, hint?: string) {
    super(code, message, hint);
  }
}

export type ApiMetric = Record<string, string>;
export type ApiData =
  | { resultType: 'vector'; result: { metric: ApiMetric; value: [number, string] }[] }
  | { resultType: 'matrix'; result: { metric: ApiMetric; values: [number, string][] }[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export interface ClientOptions {
  /** Extra request headers; they win over the Authorization from httpConfigFile. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /**
   * promtool's --http.config.file: a prometheus/common HTTP client config (basic_auth,
   * authorization, bearer_token(_file), tls_config). Read before the first request; an
   * unreadable or invalid file makes that request throw HttpConfigError.
   */
  httpConfigFile?: string;
}

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

/** Parses promtool's time arguments: RFC3339 or a Unix timestamp in seconds (float). Returns ms. */
export function parseTimeArg(s: string): number {
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const ms = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(ms)) {
    throw new ClientError('usage', `cannot parse "${s}" to a valid timestamp`, 'use RFC3339 (2023-02-01T00:00:00Z) or Unix seconds');
  }
  return ms;
}

/** promtool's step: a duration ("15s") or seconds; default max(floor(range/250), 1) s. */
export function resolveStep(step: string | undefined, startMs: number, endMs: number): number {
  if (step === undefined || step === '') return Math.max(Math.floor((endMs - startMs) / 1000 / 250), 1) * 1000;
  if (/^[0-9]+(\.[0-9]+)?$/.test(step)) return Number(step) * 1000;
  try {
    return parseDuration(step);
  } catch {
    throw new ClientError('usage', `invalid step ${JSON.stringify(step)}`, 'use a duration such as 15s or 1m');
  }
}

const secs = (ms: number): string => String(ms / 1000);

export class PromClient {
  private readonly base: string;
  private transport?: Promise<{ headers: Record<string, string>; fetch: Fetch; tls: boolean }>;
  constructor(server: string, private readonly opts: ClientOptions = {}) {
    this.base = server.replace(/\/+$/, '');
  }

  /** Headers and fetch, with --http.config.file applied; its readers load only when it is given. */
  private setup(): Promise<{ headers: Record<string, string>; fetch: Fetch; tls: boolean }> {
    this.transport ??= (async () => {
      const file = this.opts.httpConfigFile;
      if (file === undefined) return { headers: { ...this.opts.headers }, fetch: (url, init) => fetch(url, init), tls: false };
      // The dashboard's reader of the same file format; its api/ index loads no UI code.
      const { loadHttpConfigFile } = await import('../../tui/api/index.js');
      const http = loadHttpConfigFile(file);
      const headers = { ...http.headers, ...this.opts.headers };
      if (!http.tls) return { headers, fetch: (url, init) => fetch(url, init), tls: false };
      // undici's own fetch: the global one does not take a dispatcher from the undici package.
      const { Agent, fetch: undiciFetch } = await import('undici');
      const dispatcher = new Agent({ connect: { ...http.tls } });
      return { headers, fetch: (url, init) => undiciFetch(url, { ...init, dispatcher }), tls: true };
    })();
    return this.transport;
  }

  /** POST (form-encoded, so long queries fit) except where the API only answers GET. */
  private async get<T>(path: string, params: [string, string][], method: 'GET' | 'POST' = 'POST'): Promise<{ data: T; warnings: string[] }> {
    const qs = new URLSearchParams(params).toString();
    const url = `${this.base}${path}`;
    const tr = await this.setup();
    let res: { status: number; text(): Promise<string> };
    try {
      res = await tr.fetch(method === 'GET' ? `${url}?${qs}` : url, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded', ...tr.headers } : { ...tr.headers },
        body: method === 'POST' ? qs : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string; code?: string } }).cause;
      const why = cause?.message ?? (e instanceof Error ? e.message : String(e));
      throw new ClientError('unreachable', `${method} ${url} failed: ${why}`, unreachableHint(url, cause?.code ?? '', why, tr.tls));
    }
    const text = await res.text();
    let json: ApiResponse<T>;
    try {
      json = JSON.parse(text) as ApiResponse<T>;
    } catch {
      const hint = res.status === 401 ? 'the server asks for credentials: pass --http.config.file with basic_auth or authorization' : undefined;
      throw new ClientError('http', `${method} ${url}: HTTP ${res.status}: ${text.trim().slice(0, 200)}`, hint);
    }
    if (json.status !== 'success') throw new ClientError('api', `${json.errorType ?? 'error'}: ${json.error ?? 'unknown error'}`);
    return { data: json.data as T, warnings: json.warnings ?? [] };
  }

  instant(expr: string, timeMs?: number): Promise<{ data: ApiData; warnings: string[] }> {
    const p: [string, string][] = [['query', expr]];
    if (timeMs !== undefined) p.push(['time', secs(timeMs)]);
    return this.get('/api/v1/query', p);
  }

  range(expr: string, startMs: number, endMs: number, stepMs: number): Promise<{ data: ApiData; warnings: string[] }> {
    return this.get('/api/v1/query_range', [['query', expr], ['start', secs(startMs)], ['end', secs(endMs)], ['step', secs(stepMs)]]);
  }

  series(matches: string[], startMs?: number, endMs?: number): Promise<{ data: ApiMetric[]; warnings: string[] }> {
    const p: [string, string][] = matches.map((m) => ['match[]', m]);
    if (startMs !== undefined) p.push(['start', secs(startMs)]);
    if (endMs !== undefined) p.push(['end', secs(endMs)]);
    return this.get('/api/v1/series', p);
  }

  labelValues(name: string, matches: string[] = [], startMs?: number, endMs?: number): Promise<{ data: string[]; warnings: string[] }> {
    const p: [string, string][] = matches.map((m) => ['match[]', m]);
    if (startMs !== undefined) p.push(['start', secs(startMs)]);
    if (endMs !== undefined) p.push(['end', secs(endMs)]);
    return this.get(`/api/v1/label/${encodeURIComponent(name)}/values`, p, 'GET');
  }
}

function unreachableHint(url: string, code: string, why: string, tls: boolean): string {
  if (/CERT|TLS|SSL/i.test(code) || /certificate/i.test(why)) {
    return tls ? 'check tls_config in --http.config.file (ca_file, server_name, cert_file/key_file)' : 'the server\'s certificate is not trusted: pass --http.config.file with tls_config.ca_file';
  }
  if (url.startsWith('http:') && /socket hang up|other side closed|ECONNRESET/i.test(why)) return 'the server may speak HTTPS: try an https:// address';
  return 'check that the server address is right and that Prometheus is running';
}

/** model.Metric.String(): `up{instance="a", job="b"}`. */
export function metricString(m: ApiMetric): string {
  const name = m.__name__ ?? '';
  const rest = Object.keys(m).filter((k) => k !== '__name__').sort().map((k) => `${k}=${quoteLabelValue(m[k]!)}`);
  if (rest.length === 0) return name === '' ? '{}' : name;
  return `${name}{${rest.join(', ')}}`;
}

/** model.LabelSet.String(): `{__name__="up", instance="a"}`. */
export function labelSetString(m: ApiMetric): string {
  return '{' + Object.keys(m).sort().map((k) => `${k}=${quoteLabelValue(m[k]!)}`).join(', ') + '}';
}

/** promtool's default (promql) rendering of a query result (model.Value.String()). */
export function formatValuePromQL(d: ApiData): string {
  const pair = (t: number, v: string) => `${v} @[${t}]`;
  switch (d.resultType) {
    case 'vector': return d.result.map((s) => `${metricString(s.metric)} => ${pair(s.value[0], s.value[1])}`).join('\n');
    case 'matrix': return d.result.map((s) => `${metricString(s.metric)} =>\n${s.values.map(([t, v]) => pair(t, v)).join('\n')}`).join('\n');
    case 'scalar': return `scalar: ${d.result[1]} @[${d.result[0]}]`;
    case 'string': return `${quoteLabelValue(d.result[1])} @[${d.result[0]}]`;
  }
}

/** Rows for a terminal table: [series, timestamp, value]. */
export function valueRows(d: ApiData): string[][] {
  const ts = (t: number) => new Date(t * 1000).toISOString();
  switch (d.resultType) {
    case 'vector': return d.result.map((s) => [metricString(s.metric), ts(s.value[0]), s.value[1]]);
    case 'matrix': return d.result.flatMap((s) => s.values.map(([t, v]) => [metricString(s.metric), ts(t), v]));
    case 'scalar': return [['scalar', ts(d.result[0]), d.result[1]]];
    case 'string': return [['string', ts(d.result[0]), d.result[1]]];
  }
}

export { formatDuration };
