// The three Consul HTTP API calls discovery makes, as Prometheus 2.42's client makes them:
// blocking queries (?index=&wait=) answered with X-Consul-Index, token in X-Consul-Token,
// dc/ns/partition/stale/node-meta/tag as query parameters.
import type { ConsulSDConfig } from '../../config/index.js';
import { PromtsError } from '../../model/index.js';
import { HttpClient } from '../httpclient.js';

/** How long a blocking query may wait on the server (Prometheus's watchTimeout). */
export const WATCH_TIMEOUT_MS = 120_000;

export class ConsulSDError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('consul_sd_error', message, hint);
  }
}

/** One entry of /v1/health/service/<name>. */
export interface ServiceEntry {
  Node?: { Node?: string; Address?: string; TaggedAddresses?: Record<string, string> | null; Meta?: Record<string, string> | null };
  Service?: { ID?: string; Service?: string; Tags?: string[] | null; Address?: string; Port?: number; Meta?: Record<string, string> | null; Namespace?: string; Partition?: string };
  Checks?: { CheckID?: string; Status?: string }[] | null;
}

/** A blocking query's answer: the data and the index to wait on next. */
export interface Indexed<T> {
  readonly value: T;
  readonly index: string;
}

export class ConsulApi {
  private readonly client: HttpClient;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  /** Throws when a TLS or credentials file named in the config cannot be read. */
  constructor(private readonly cfg: ConsulSDConfig, userAgent: string) {
    this.client = new HttpClient(cfg);
    let scheme = cfg.scheme || 'http';
    let server = cfg.server;
    // Like Consul's client, an address may carry its own scheme.
    const m = /^(https?):\/\/(.*)$/.exec(server);
    if (m) [scheme, server] = [m[1]!, m[2]!];
    this.base = `${scheme}://${server.replace(/\/+$/, '')}${(cfg.path_prefix ?? '').replace(/\/+$/, '')}`;
    this.headers = { 'user-agent': userAgent, accept: 'application/json' };
    if (cfg.token) this.headers['x-consul-token'] = cfg.token;
  }

  /** The local agent's datacenter, for __meta_consul_dc when datacenter is not configured. */
  async datacenter(signal: AbortSignal): Promise<string> {
    const { value } = await this.get<{ Config?: { Datacenter?: unknown } }>('/v1/agent/self', new URLSearchParams(), signal, 30_000);
    const dc = value?.Config?.Datacenter;
    if (typeof dc !== 'string') throw new ConsulSDError(`invalid value '${String(dc)}' for Config.Datacenter`);
    return dc;
  }

  /** Service name -> tags, from the catalog; blocks until `index` changes (or the wait ends). */
  services(index: string, signal: AbortSignal): Promise<Indexed<Record<string, string[] | null>>> {
    return this.get('/v1/catalog/services', this.query(index), signal);
  }

  /** Instances of a service with their checks; blocks like services(). */
  health(service: string, tags: readonly string[], index: string, signal: AbortSignal): Promise<Indexed<ServiceEntry[]>> {
    const q = this.query(index);
    for (const t of tags) q.append('tag', t);
    return this.get(`/v1/health/service/${encodeURIComponent(service)}`, q, signal);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private query(index: string): URLSearchParams {
    const q = new URLSearchParams();
    if (this.cfg.datacenter) q.set('dc', this.cfg.datacenter);
    if (this.cfg.namespace) q.set('ns', this.cfg.namespace);
    if (this.cfg.partition) q.set('partition', this.cfg.partition);
    if (this.cfg.allow_stale) q.set('stale', '');
    if (index) q.set('index', index);
    q.set('wait', `${WATCH_TIMEOUT_MS}ms`);
    for (const [k, v] of Object.entries(this.cfg.node_meta ?? {})) q.append('node-meta', `${k}:${v}`);
    return q;
  }

  private async get<T>(path: string, q: URLSearchParams, signal: AbortSignal, timeoutMs = WATCH_TIMEOUT_MS + 15_000): Promise<Indexed<T>> {
    const qs = q.toString();
    const url = `${this.base}${path}${qs ? '?' + qs : ''}`;
    const res = await this.client.get(url, { timeoutMs, signal, headers: this.headers });
    const body = res.body.toString('utf8');
    if (res.status !== 200) {
      const hint = res.status === 403 ? 'The ACL token lacks read permission: set token (or authorization) to one with service:read and node:read.' : undefined;
      throw new ConsulSDError(`GET ${url}: Unexpected response code: ${res.status} (${body.trim().slice(0, 300)})`, hint);
    }
    try {
      return { value: JSON.parse(body) as T, index: res.headers['x-consul-index'] ?? '' };
    } catch (e) {
      throw new ConsulSDError(`GET ${url}: invalid JSON: ${(e as Error).message}`, 'Is server the address of a Consul agent?');
    }
  }
}
