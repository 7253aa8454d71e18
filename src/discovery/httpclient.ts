// An HTTP client built from a Prometheus http_client_config (basic_auth, authorization,
// bearer_token, tls_config, proxy_url, follow_redirects), on undici. Shared by HTTP service
// discovery and the scrape loop. Errors read like Go's net/http ones ("Get \"URL\": ...") so
// that target pages and logs say the same thing Prometheus would.
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { gunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { HTTPClientConfig, TLSConfig } from '../config/index.js';
import { PromtsError, undici } from '../model/index.js';
import { OAuth2Error, OAuth2Token } from './oauth2.js';

export type HttpErrorCode = 'http_status' | 'timeout' | 'body_size_limit' | 'redirects' | 'tls' | 'connect' | 'http_error';

export class HttpClientError extends PromtsError {
  constructor(
    override readonly code: HttpErrorCode,
    message: string,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}

export const errBodySizeLimit = (): HttpClientError =>
  new HttpClientError('body_size_limit', 'body size limit exceeded', 'Raise body_size_limit in the scrape config, or reduce what the target exposes.');

export interface HttpResponse {
  readonly status: number;
  /** Go's resp.Status, e.g. "500 Internal Server Error". */
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface GetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Bytes after decompression; 0 = unlimited. Reaching it is an error, as in Prometheus. */
  readonly bodySizeLimit?: number;
  /** Extra abort (manager stop). */
  readonly signal?: AbortSignal;
  /** Decompress a gzip body (scrapes ask for gzip; SD does not). */
  readonly gunzip?: boolean;
}

const MAX_REDIRECTS = 10;

export class HttpClient {
  /** Made on the first request: loading undici is a quarter of the server's start-up (../model/undici.ts). */
  private dispatcher: Dispatcher | undefined;
  private readonly newDispatcher: () => Dispatcher;
  private readonly authHeader: string | undefined;
  private readonly followRedirects: boolean;
  private readonly oauth2: HTTPClientConfig['oauth2'];
  /** Made on the first request (errors name its URL), then shared by every request. */
  private token: OAuth2Token | undefined;

  /** Reads the TLS and credential files named in the config; throws when one is unreadable. */
  constructor(cfg: Partial<HTTPClientConfig> = {}) {
    const connect = tlsOptions(cfg.tls_config);
    const proxy = cfg.proxy_url;
    this.newDispatcher = () => (proxy ? new (undici().ProxyAgent)({ uri: proxy, requestTls: connect, connect }) : new (undici().Agent)({ connect, keepAliveTimeout: 30_000 }));
    this.authHeader = authHeader(cfg);
    this.followRedirects = cfg.follow_redirects ?? true;
    this.oauth2 = cfg.oauth2;
  }

  /** GET with Prometheus's semantics: non-2xx is not an error here, the caller decides. */
  async get(url: string, opts: GetOptions): Promise<HttpResponse> {
    // One controller with a cleared timer: AbortSignal.timeout would fire (and build an
    // exception) after every request, and AbortSignal.any links signals on each call.
    const ac = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, opts.timeoutMs);
    const outer = opts.signal;
    const onOuterAbort = (): void => ac.abort();
    if (outer) {
      if (outer.aborted) ac.abort();
      else outer.addEventListener('abort', onOuterAbort, { once: true });
    }
    const signal = ac.signal;
    const headers: Record<string, string> = { ...opts.headers };
    if (this.authHeader) headers['authorization'] = this.authHeader;
    let current = url;
    try {
      if (this.oauth2) {
        this.token ??= new OAuth2Token(this.oauth2, url, opts.timeoutMs);
        headers['authorization'] = await this.token.header();
      }
      for (let hops = 0; ; hops++) {
        const res = await undici().request(current, { method: 'GET', headers, signal, dispatcher: (this.dispatcher ??= this.newDispatcher()) });
        const location = res.headers['location'];
        if (this.followRedirects && [301, 302, 303, 307, 308].includes(res.statusCode) && typeof location === 'string') {
          for await (const _ of res.body) void _; // drain so the connection is reused
          if (hops + 1 >= MAX_REDIRECTS) {
            throw new HttpClientError('redirects', `Get ${JSON.stringify(url)}: stopped after ${MAX_REDIRECTS} redirects`, 'The target redirects in a loop; fix the target URL or set follow_redirects: false.');
          }
          current = new URL(location, current).toString();
          continue;
        }
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
        const limit = opts.bodySizeLimit && opts.bodySizeLimit > 0 ? opts.bodySizeLimit : Infinity;
        const gz = opts.gunzip === true && flat['content-encoding'] === 'gzip';
        const body = await readBody(res.body, gz ? Infinity : limit);
        return {
          status: res.statusCode,
          statusText: `${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}`.trimEnd(),
          headers: flat,
          body: gz ? await gunzipLimited(body, limit) : body,
        };
      }
    } catch (e) {
      if (e instanceof HttpClientError) throw e;
      if (e instanceof OAuth2Error) throw new HttpClientError('http_error', `Get ${JSON.stringify(url)}: ${e.message}`, e.hint);
      if (timedOut) {
        throw new HttpClientError('timeout', `Get ${JSON.stringify(url)}: context deadline exceeded`, 'The target did not answer within scrape_timeout; raise it or make the target faster.');
      }
      throw describeNetError(url, e);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  async close(): Promise<void> {
    await this.token?.close();
    await this.dispatcher?.close();
  }
}

async function readBody(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    const b = c as Buffer;
    n += b.length;
    if (n >= limit) {
      body.destroy();
      throw errBodySizeLimit();
    }
    chunks.push(b);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, n);
}

function gunzipLimited(b: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const opts = Number.isFinite(limit) ? { maxOutputLength: limit } : {};
    gunzip(b, opts, (err, out) => {
      if (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) reject(errBodySizeLimit());
        else reject(new HttpClientError('http_error', `gzip: ${err.message}`));
        return;
      }
      if (out.length >= limit) reject(errBodySizeLimit());
      else resolve(out);
    });
  });
}

function tlsOptions(t: TLSConfig | undefined): Record<string, unknown> {
  if (!t) return {};
  const o: Record<string, unknown> = { rejectUnauthorized: !t.insecure_skip_verify };
  if (t.ca_file) o['ca'] = readFileSync(t.ca_file);
  if (t.cert_file) o['cert'] = readFileSync(t.cert_file);
  if (t.key_file) o['key'] = readFileSync(t.key_file);
  if (t.server_name) o['servername'] = t.server_name;
  const v = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
  if (t.min_version) o['minVersion'] = v[t.min_version];
  if (t.max_version) o['maxVersion'] = v[t.max_version];
  return o;
}

function authHeader(cfg: Partial<HTTPClientConfig>): string | undefined {
  if (cfg.basic_auth) {
    const pw = cfg.basic_auth.password_file ? readFileSync(cfg.basic_auth.password_file, 'utf8').trim() : (cfg.basic_auth.password ?? '');
    return 'Basic ' + Buffer.from(`${cfg.basic_auth.username}:${pw}`).toString('base64');
  }
  if (cfg.authorization) {
    const cred = cfg.authorization.credentials_file ? readFileSync(cfg.authorization.credentials_file, 'utf8').trim() : (cfg.authorization.credentials ?? '');
    return `${cfg.authorization.type || 'Bearer'} ${cred}`;
  }
  if (cfg.bearer_token_file) return 'Bearer ' + readFileSync(cfg.bearer_token_file, 'utf8').trim();
  if (cfg.bearer_token) return 'Bearer ' + cfg.bearer_token;
  return undefined;
}

const TLS_UNKNOWN_AUTHORITY = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);

/** Turns a Node/undici network error into Go's wording, keeping the kind in `code`. */
function describeNetError(url: string, e: unknown): HttpClientError {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException & { address?: string; port?: number } };
  const c = (err.cause ?? err) as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  const where = c.address ? `${c.address}${c.port ? ':' + c.port : ''}` : '';
  const pre = `Get ${JSON.stringify(url)}: `;
  const code = c.code ?? '';
  if (TLS_UNKNOWN_AUTHORITY.has(code)) return new HttpClientError('tls', pre + 'x509: certificate signed by unknown authority', 'Set tls_config.ca_file to the CA that signed the target certificate, or insecure_skip_verify.');
  if (code === 'CERT_HAS_EXPIRED') return new HttpClientError('tls', pre + 'x509: certificate has expired or is not yet valid', 'Renew the target certificate.');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new HttpClientError('tls', pre + `x509: ${c.message}`, 'Set tls_config.server_name to a name in the certificate.');
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /ssl|tls/i.test(c.message ?? '')) {
    return new HttpClientError('tls', pre + `tls: ${c.message}`, 'Check that the target speaks TLS and that scheme/tls_config match it.');
  }
  if (code === 'ECONNREFUSED') return new HttpClientError('connect', pre + `dial tcp ${where}: connect: connection refused`, 'Is the target running and listening on that address?');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new HttpClientError('connect', pre + `dial tcp: lookup ${c.hostname ?? ''}: no such host`, 'Check the target host name.');
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return new HttpClientError('http_error', pre + 'EOF', 'The target closed the connection; is it speaking HTTP on that port?');
  return new HttpClientError('http_error', pre + (c.message || String(e)));
}
