// POSTs alert batches to one Alertmanager with the alertmanagers entry's timeout, auth and TLS.
// discovery's HttpClient only does GET today; this covers the http_client_config settings an
// Alertmanager endpoint normally needs (basic_auth, authorization/bearer, tls_config).
import { readFileSync } from 'node:fs';
import type { Agent } from 'undici';
import type { AlertmanagerConfig } from '../config/index.js';
import type { NotifierAlert } from './notifier.js';
import { NotifierError } from './errors.js';
import { undici } from '../model/index.js';

export class AlertPoster {
  /** TLS settings are read with the config (so a bad file fails the reload); the agent on first send. */
  private readonly connect: Record<string, unknown> = {};
  private agent: Agent | undefined;

  constructor(
    private readonly cfg: AlertmanagerConfig,
    private readonly userAgent = 'Prometheus/2.42.0',
  ) {
    const t = cfg.tls_config;
    const connect = this.connect;
    if (t) {
      connect['rejectUnauthorized'] = !t.insecure_skip_verify;
      if (t.ca_file) connect['ca'] = readFileSync(t.ca_file);
      if (t.cert_file) connect['cert'] = readFileSync(t.cert_file);
      if (t.key_file) connect['key'] = readFileSync(t.key_file);
      if (t.server_name) connect['servername'] = t.server_name;
    }
  }

  private authHeader(): string | undefined {
    const c = this.cfg;
    if (c.basic_auth) {
      const pw = c.basic_auth.password_file ? readFileSync(c.basic_auth.password_file, 'utf8').trim() : (c.basic_auth.password ?? '');
      return 'Basic ' + Buffer.from(`${c.basic_auth.username}:${pw}`).toString('base64');
    }
    const a = c.authorization;
    if (a && (a.credentials || a.credentials_file)) {
      const cred = a.credentials_file ? readFileSync(a.credentials_file, 'utf8').trim() : a.credentials!;
      return `${a.type || 'Bearer'} ${cred}`;
    }
    if (c.bearer_token || c.bearer_token_file) return `Bearer ${c.bearer_token_file ? readFileSync(c.bearer_token_file, 'utf8').trim() : c.bearer_token}`;
    return undefined;
  }

  /** Throws NotifierError on a network error, timeout or non-2xx answer. */
  async post(url: string, alerts: readonly NotifierAlert[]): Promise<void> {
    const v1 = this.cfg.api_version === 'v1';
    const body = JSON.stringify(alerts.map((a) => toAPIAlert(a, v1)));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': this.userAgent };
    const auth = this.authHeader();
    if (auth) headers['authorization'] = auth;
    const timeoutMs = this.cfg.timeout || 10_000;
    let res;
    try {
      res = await undici().request(url, { method: 'POST', body, headers, dispatcher: (this.agent ??= new (undici().Agent)({ connect: this.connect, keepAliveTimeout: 30_000 })), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new NotifierError('timeout', `Post "${url}": context deadline exceeded`);
      throw new NotifierError('network', `Post "${url}": ${(e as Error).message}`);
    }
    await res.body.text().catch(() => '');
    if (Math.floor(res.statusCode / 100) !== 2) throw new NotifierError('bad_status', `bad response status ${res.statusCode}`);
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}

/** The JSON of one alert as Alertmanager's API v2 (and v1) accepts it. */
export function toAPIAlert(a: NotifierAlert, v1 = false): Record<string, unknown> {
  const o: Record<string, unknown> = { labels: a.labels.toObject(), annotations: a.annotations.toObject() };
  if (a.startsAt) o['startsAt'] = rfc3339Millis(a.startsAt);
  if (a.endsAt) o['endsAt'] = rfc3339Millis(a.endsAt);
  o['generatorURL'] = a.generatorURL;
  void v1; // v1 and v2 share this shape for posting.
  return o;
}

function rfc3339Millis(ms: number): string {
  return new Date(ms).toISOString();
}
