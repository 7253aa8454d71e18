// OAuth 2.0 client credentials for any http_client_config (prometheus/common's oauth2 round
// tripper over golang.org/x/oauth2/clientcredentials): POST the token endpoint, keep the
// token until 10 s before it expires, send it as `Authorization: Bearer …`. Used by scrapes,
// HTTP-based service discovery and remote write/read.
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import type { OAuth2Config } from '../config/index.js';
import { PromtsError, undici } from '../model/index.js';

/** A token could not be fetched; `status` is the token endpoint's HTTP status (0: no answer). */
export class OAuth2Error extends PromtsError {
  constructor(
    message: string,
    hint: string,
    readonly status = 0,
  ) {
    super('oauth2', message, hint);
  }
}

/** golang.org/x/oauth2 treats a token as expired this long before its expiry. */
const EXPIRY_DELTA_MS = 10_000;

interface Token {
  readonly header: string;
  /** ms since epoch; Infinity when the server gave no expires_in. */
  readonly expiresAt: number;
}

export class OAuth2Token {
  private token: Token | null = null;
  private fetching: Promise<Token> | null = null;
  private readonly dispatcher: Dispatcher;
  /** x/oauth2's AuthStyleAutoDetect: try HTTP Basic first, then credentials in the body. */
  private inBody = false;
  private secret = '';

  constructor(
    private readonly cfg: OAuth2Config,
    /** The remote URL this token is for, named in errors. */
    private readonly forUrl: string,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    const t = cfg.tls_config;
    const connect = t
      ? { rejectUnauthorized: !t.insecure_skip_verify, servername: t.server_name || undefined, ca: t.ca_file ? readFileSync(t.ca_file) : undefined, cert: t.cert_file ? readFileSync(t.cert_file) : undefined, key: t.key_file ? readFileSync(t.key_file) : undefined }
      : undefined;
    this.dispatcher = cfg.proxy_url ? new (undici().ProxyAgent)({ uri: cfg.proxy_url, requestTls: connect, connect }) : new (undici().Agent)({ connect });
  }

  /** The Authorization header value, fetching a new token when none is valid. */
  async header(): Promise<string> {
    // The secret file is re-read each time, so a rotated secret drops the cached token.
    const secret = this.cfg.client_secret_file ? readSecret(this.cfg.client_secret_file, this.forUrl) : (this.cfg.client_secret ?? '');
    if (secret !== this.secret) {
      this.secret = secret;
      this.token = null;
    }
    if (this.token && this.now() < this.token.expiresAt - EXPIRY_DELTA_MS) return this.token.header;
    // One request at a time: shards asking together share the answer.
    this.fetching ??= this.fetch(secret).finally(() => (this.fetching = null));
    this.token = await this.fetching;
    return this.token.header;
  }

  private async fetch(secret: string): Promise<Token> {
    const first = await this.post(secret, this.inBody);
    if (first.ok) return first.token;
    // AutoDetect: a server that rejects Basic credentials may want them in the body.
    if (!this.inBody && (first.status === 400 || first.status === 401)) {
      const second = await this.post(secret, true);
      if (second.ok) {
        this.inBody = true;
        return second.token;
      }
    }
    throw first.error;
  }

  private async post(secret: string, inBody: boolean): Promise<{ ok: true; token: Token } | { ok: false; status: number; error: OAuth2Error }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.cfg.scopes && this.cfg.scopes.length > 0) form.set('scope', this.cfg.scopes.join(' '));
    for (const [k, v] of Object.entries(this.cfg.endpoint_params ?? {})) form.set(k, v);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (inBody) {
      form.set('client_id', this.cfg.client_id);
      form.set('client_secret', secret);
    } else {
      // RFC 6749 2.3.1: both parts form-encoded before base64.
      headers['authorization'] = 'Basic ' + Buffer.from(`${encodeURIComponent(this.cfg.client_id)}:${encodeURIComponent(secret)}`).toString('base64');
    }
    const fail = (status: number, what: string) => ({
      ok: false as const,
      status,
      error: new OAuth2Error(`oauth2: cannot fetch token from ${this.cfg.token_url} for ${this.forUrl}: ${what}`, 'Check oauth2.token_url, client_id and client_secret; the request is retried.', status),
    });
    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(this.cfg.token_url, { method: 'POST', body: form.toString(), headers, dispatcher: this.dispatcher, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      return fail(0, e instanceof Error ? e.message : String(e));
    }
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) return fail(res.statusCode, `HTTP ${res.statusCode}: ${text.slice(0, 512)}`);
    let j: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      j = JSON.parse(text) as typeof j;
    } catch {
      return fail(res.statusCode, `response is not JSON: ${text.slice(0, 200)}`);
    }
    if (typeof j.access_token !== 'string' || j.access_token === '') return fail(res.statusCode, 'server response missing access_token');
    const expiresIn = Number(j.expires_in ?? 0);
    return { ok: true, token: { header: `${tokenType(j.token_type)} ${j.access_token}`, expiresAt: expiresIn > 0 ? this.now() + expiresIn * 1000 : Infinity } };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** x/oauth2's Token.Type(): canonical case for bearer/mac/basic, else as sent, default Bearer. */
function tokenType(t: unknown): string {
  if (typeof t !== 'string' || t === '') return 'Bearer';
  const l = t.toLowerCase();
  if (l === 'bearer') return 'Bearer';
  if (l === 'mac') return 'MAC';
  if (l === 'basic') return 'Basic';
  return t;
}

function readSecret(path: string, forUrl: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new OAuth2Error(`oauth2: cannot read client_secret_file ${path} for ${forUrl}: ${e instanceof Error ? e.message : String(e)}`, 'Make the file readable by the server; the request is retried.');
  }
}
