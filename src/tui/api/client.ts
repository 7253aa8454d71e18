/**
 * The dashboard's only way to the server: GET requests against the Prometheus HTTP API v1.
 *
 * Every call is async, bounded by a timeout and cancellable through an AbortSignal, so the UI
 * never waits on a slow or dead server. Results are a union, never a throw: a view shows the
 * error in place of its data. The client also keeps the connection state (connected or not),
 * which the status bar shows; any answer from the server, even an API error, counts as
 * connected, and only network failures and timeouts count as disconnected.
 */
import type { AlertState, BuildInfo, ConfigData, FlagsData, QueryData, RulesData, RuntimeInfo, TargetsData, TsdbStatus, WalReplayStatus } from './types.js';

export type ApiErrorKind =
  /** The server could not be reached (refused, reset, DNS, TLS). */
  | 'network'
  /** No answer within the timeout. */
  | 'timeout'
  /** The caller cancelled (Esc on a running query, a view unmounted). */
  | 'aborted'
  /** The server is up but still starting (HTTP 503 before /-/ready). */
  | 'not_ready'
  /** An HTTP error without a Prometheus JSON body (401, 404 from a proxy, ...). */
  | 'http'
  /** A Prometheus error answer: {"status":"error","errorType":...,"error":...}. */
  | 'api';

export interface ApiError {
  readonly kind: ApiErrorKind;
  readonly message: string;
  readonly status?: number;
  readonly errorType?: string;
}

export type ApiResult<T> = { readonly ok: true; readonly data: T; readonly warnings?: readonly string[] } | { readonly ok: false; readonly error: ApiError };

export interface ConnectionState {
  readonly connected: boolean;
  /** Why the last request failed to reach the server; set only while disconnected. */
  readonly lastError?: string;
  /** Unix ms of the last change of `connected`. */
  readonly since: number;
}

/** The subset of fetch the client uses; tests pass a fake that answers from fixtures. */
export type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{
  readonly status: number;
  text(): Promise<string>;
}>;

export interface ApiClientOptions {
  /** Base URL of the server, e.g. http://localhost:9090 (a path prefix is kept). */
  readonly url: string;
  readonly fetch: FetchLike;
  /** Extra request headers (Authorization from --http.config.file). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per-request timeout in ms; queries get their own, longer, one. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export type Params = Readonly<Record<string, string | number | undefined>>;

export class ApiClient {
  readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private state: ConnectionState;
  private readonly listeners = new Set<(s: ConnectionState) => void>();

  constructor(opts: ApiClientOptions) {
    this.baseUrl = opts.url.replace(/\/+$/, '');
    this.fetchFn = opts.fetch;
    this.headers = { Accept: 'application/json', ...opts.headers };
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.state = { connected: true, since: this.now() };
  }

  connection(): ConnectionState {
    return this.state;
  }

  /** Calls listener on every change of the connection state; returns the unsubscribe. */
  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** GET /api/v1/<path>; resolves (never rejects) with the data or the error. */
  async get<T>(path: string, params: Params = {}, signal?: AbortSignal, timeoutMs = this.timeoutMs): Promise<ApiResult<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.append(k, String(v));
    const q = qs.toString();
    const url = `${this.baseUrl}/api/v1/${path}${q ? '?' + q : ''}`;
    // Our own timer rather than AbortSignal.timeout(): that one is unref'd, so a request could
    // outlive its deadline whenever nothing else keeps the event loop awake.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
    let status: number;
    let body: string;
    try {
      const res = await this.fetchFn(url, { signal: combined, headers: this.headers });
      status = res.status;
      body = await res.text();
    } catch (e) {
      if (signal?.aborted) return { ok: false, error: { kind: 'aborted', message: 'cancelled' } };
      if (timeout.signal.aborted) {
        this.setConnected(false, `no answer within ${timeoutMs / 1000}s`);
        return { ok: false, error: { kind: 'timeout', message: `no answer within ${timeoutMs / 1000}s` } };
      }
      const message = describeNetworkError(e);
      this.setConnected(false, message);
      return { ok: false, error: { kind: 'network', message } };
    } finally {
      clearTimeout(timer);
    }
    this.setConnected(true);
    return parseAnswer<T>(status, body);
  }

  buildInfo(signal?: AbortSignal) {
    return this.get<BuildInfo>('status/buildinfo', {}, signal);
  }
  runtimeInfo(signal?: AbortSignal) {
    return this.get<RuntimeInfo>('status/runtimeinfo', {}, signal);
  }
  walReplay(signal?: AbortSignal) {
    return this.get<WalReplayStatus>('status/walreplay', {}, signal);
  }
  tsdbStatus(signal?: AbortSignal) {
    return this.get<TsdbStatus>('status/tsdb', {}, signal);
  }
  flags(signal?: AbortSignal) {
    return this.get<FlagsData>('status/flags', {}, signal);
  }
  config(signal?: AbortSignal) {
    return this.get<ConfigData>('status/config', {}, signal);
  }
  targets(signal?: AbortSignal) {
    return this.get<TargetsData>('targets', { state: 'active' }, signal);
  }
  rules(signal?: AbortSignal, type?: 'alert' | 'record') {
    return this.get<RulesData>('rules', { type }, signal);
  }
  alerts(signal?: AbortSignal) {
    return this.get<{ alerts: readonly { state: AlertState }[] }>('alerts', {}, signal);
  }
  /** An instant query; `time` in unix seconds (default: the server's now). */
  query(query: string, signal?: AbortSignal, time?: number, timeoutMs?: number) {
    return this.get<QueryData>('query', { query, time }, signal, timeoutMs);
  }
  /** A range query; start/end in unix seconds, step in seconds. */
  queryRange(query: string, start: number, end: number, step: number, signal?: AbortSignal, timeoutMs?: number) {
    return this.get<QueryData>('query_range', { query, start, end, step }, signal, timeoutMs);
  }
  labelNames(signal?: AbortSignal) {
    return this.get<readonly string[]>('labels', {}, signal);
  }
  labelValues(name: string, signal?: AbortSignal) {
    return this.get<readonly string[]>(`label/${encodeURIComponent(name)}/values`, {}, signal);
  }

  private setConnected(connected: boolean, lastError?: string): void {
    if (connected === this.state.connected && lastError === this.state.lastError) return;
    const since = connected === this.state.connected ? this.state.since : this.now();
    this.state = connected ? { connected, since } : { connected, since, lastError };
    for (const l of this.listeners) l(this.state);
  }
}

/** Turns a status + body into a result: Prometheus's JSON envelope first, bare HTTP status second. */
export function parseAnswer<T>(status: number, body: string): ApiResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (isEnvelope(json)) {
    if (json.status === 'success') return { ok: true, data: json.data as T, warnings: json.warnings };
    return { ok: false, error: { kind: 'api', status, errorType: json.errorType, message: json.error ?? 'unknown error' } };
  }
  // Prometheus answers 503 with a plain-text body until it is ready (WAL replay).
  if (status === 503) return { ok: false, error: { kind: 'not_ready', status, message: 'server is starting (not ready yet)' } };
  const text = body.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return { ok: false, error: { kind: 'http', status, message: `HTTP ${status}${text ? ': ' + text : ''}` } };
}

interface Envelope {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

function isEnvelope(v: unknown): v is Envelope {
  return typeof v === 'object' && v !== null && ((v as Envelope).status === 'success' || (v as Envelope).status === 'error');
}

/** fetch hides the useful part (ECONNREFUSED, a TLS error) in err.cause. */
function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return code && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return e.message;
}
