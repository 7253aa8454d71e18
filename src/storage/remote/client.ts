// HTTP client for remote write and remote read endpoints: POSTs snappy protobuf bodies with
// the config's headers and credentials, and classifies failures the way Prometheus 2.42
// does: 5xx, network errors and timeouts are recoverable (retried with backoff); 429 only
// with retry_on_http_429; any other non-2xx is final and the batch is counted as failed.
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import type { HTTPClientConfig, SigV4Config } from '../../config/index.js';
import { authorizerFor, type Authorizer } from './auth.js';
import { RemoteError } from './errors.js';
import { undici } from '../../model/index.js';

export interface RemoteClientOptions {
  readonly url: string;
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly retryOn429?: boolean;
  readonly http?: Partial<HTTPClientConfig>;
  /** remote_write only: sign requests for AWS (service aps) instead of other credentials. */
  readonly sigv4?: SigV4Config;
}

/** Longest error body kept in a message, as Prometheus truncates it (maxErrMsgLen = 1024). */
const MAX_ERR_BODY = 1024;

export class RemoteClient {
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;
  private readonly auth: Authorizer | undefined;

  constructor(private readonly opts: RemoteClientOptions) {
    const http = opts.http ?? {};
    const tls = http.tls_config;
    const connect = tls ? { rejectUnauthorized: !tls.insecure_skip_verify, servername: tls.server_name || undefined, ca: tls.ca_file ? readFileSync(tls.ca_file) : undefined, cert: tls.cert_file ? readFileSync(tls.cert_file) : undefined, key: tls.key_file ? readFileSync(tls.key_file) : undefined } : undefined;
    this.dispatcher = http.proxy_url ? new (undici().ProxyAgent)({ uri: http.proxy_url, requestTls: connect, connect }) : new (undici().Agent)({ connect, keepAliveTimeout: 30_000 });
    this.headers = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) this.headers[k.toLowerCase()] = v;
    this.auth = authorizerFor(opts.url, opts.timeoutMs, http, opts.sigv4);
  }

  get url(): string {
    return this.opts.url;
  }

  /**
   * POSTs body and returns the response body for 2xx. Throws RemoteError with code
   * 'remote_recoverable' or 'remote_unrecoverable'.
   */
  async post(body: Uint8Array, headers: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Buffer> {
    // One controller and a cleared timer per request: AbortSignal.timeout would fire (and build
    // a DOMException) remote_timeout after every request, done or not.
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, this.opts.timeoutMs);
    const onAbort = (): void => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) ac.abort();
    try {
      return await this.send(body, headers, ac.signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async send(body: Uint8Array, headers: Readonly<Record<string, string>>, sig: AbortSignal, timedOut: () => boolean): Promise<Buffer> {
    let res: Dispatcher.ResponseData;
    try {
      const h = { ...this.headers, ...headers };
      // Credentials last: a SigV4 signature covers the final headers and the body.
      if (this.auth) await this.auth.authorize('POST', this.opts.url, h, body);
      res = await undici().request(this.opts.url, { method: 'POST', body, headers: h, signal: sig, dispatcher: this.dispatcher });
    } catch (e) {
      const msg = timedOut() ? 'context deadline exceeded' : e instanceof Error ? e.message : String(e);
      throw new RemoteError('remote_recoverable', `Post "${this.opts.url}": ${msg}`, 'The remote end is unreachable or slow; samples stay in the WAL and are retried.');
    }
    const chunks: Buffer[] = [];
    try {
      for await (const c of res.body) chunks.push(c as Buffer);
    } catch (e) {
      throw new RemoteError('remote_recoverable', `Post "${this.opts.url}": reading response: ${String(e)}`, 'The connection broke mid-response; the batch is retried.');
    }
    const out = Buffer.concat(chunks);
    const st = res.statusCode;
    if (st >= 200 && st < 300) return out;
    const text = out.subarray(0, MAX_ERR_BODY).toString('utf8').trim();
    const msg = `server returned HTTP status ${st}: ${text}`;
    const retryAfter = parseRetryAfter(res.headers['retry-after']);
    if (st >= 500 || (st === 429 && this.opts.retryOn429)) {
      throw new RemoteError('remote_recoverable', msg, 'The remote end is overloaded or failing; the batch is retried with backoff.', st, retryAfter);
    }
    throw new RemoteError('remote_unrecoverable', msg, st === 429 ? 'Set queue_config.retry_on_http_429: true to retry rate-limited batches.' : 'The remote end rejected the batch; check its logs. The samples are dropped.', st);
  }

  async close(): Promise<void> {
    await Promise.all([this.dispatcher.close(), this.auth?.close()]);
  }
}

function parseRetryAfter(v: string | string[] | undefined): number {
  if (typeof v !== 'string') return 0;
  const s = Number(v);
  if (Number.isFinite(s)) return s > 0 ? s * 1000 : 0;
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : 0;
}
