// http_sd_configs: GET a JSON list of target groups every refresh_interval (Prometheus 2.42
// discovery/http), adding __meta_url; a failed refresh keeps the previous groups.
import type { HTTPSDConfig } from '../config/index.js';
import { PromtsError } from '../model/index.js';
import { HttpClient } from './httpclient.js';
import { sleep } from '../model/index.js';
import type { Discoverer, DiscovererContext, TargetGroup } from './types.js';

export const URL_LABEL = '__meta_url';
const JSON_CT = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

export class HttpSDError extends PromtsError {
  constructor(message: string) {
    super('http_sd_error', message, 'The endpoint must answer 200 with Content-Type application/json and a list of {"targets": [...], "labels": {...}}.');
  }
}

export class HttpDiscoverer implements Discoverer {
  private lastLength = 0;
  private readonly client: HttpClient;

  constructor(private readonly cfg: HTTPSDConfig, private readonly userAgent: string) {
    this.client = new HttpClient(cfg);
  }

  /** One refresh: the groups to send (with empty ones for sources that went away). */
  async refresh(signal?: AbortSignal): Promise<TargetGroup[]> {
    const interval = this.cfg.refresh_interval || 60_000;
    const res = await this.client.get(this.cfg.url, {
      timeoutMs: interval,
      signal,
      headers: { 'user-agent': this.userAgent, accept: 'application/json', 'x-prometheus-refresh-interval-seconds': String(interval / 1000) },
    });
    if (res.status !== 200) throw new HttpSDError(`server returned HTTP status ${res.statusText}`);
    const ct = res.headers['content-type'] ?? '';
    if (!JSON_CT.test(ct.trim())) throw new HttpSDError(`unsupported content type ${JSON.stringify(ct)}`);
    let raw: unknown;
    try {
      raw = JSON.parse(res.body.toString('utf8'));
    } catch (e) {
      throw new HttpSDError((e as Error).message);
    }
    const list = raw === null ? [] : raw;
    if (!Array.isArray(list)) throw new HttpSDError('json: cannot unmarshal into []*targetgroup.Group: expected a list');
    const groups: TargetGroup[] = list.map((g: unknown, i) => {
      if (g === null || typeof g !== 'object') throw new HttpSDError('nil target group item found');
      const o = g as { targets?: unknown[]; labels?: Record<string, unknown> };
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(o.labels ?? {})) labels[k] = String(v);
      labels[URL_LABEL] = this.cfg.url;
      return { source: `${this.cfg.url}:${i}`, targets: (o.targets ?? []).map((t) => ({ __address__: String(t) })), labels };
    });
    for (let i = groups.length; i < this.lastLength; i++) groups.push({ source: `${this.cfg.url}:${i}`, targets: [], labels: {} });
    this.lastLength = list.length;
    return groups;
  }

  async run(ctx: DiscovererContext): Promise<void> {
    try {
      while (!ctx.signal.aborted) {
        try {
          ctx.send(await this.refresh(ctx.signal));
        } catch (e) {
          if (!ctx.signal.aborted) ctx.logger.error('Unable to refresh target groups', { err: (e as Error).message });
        }
        await sleep(this.cfg.refresh_interval || 60_000, ctx.signal);
      }
    } finally {
      await this.client.close();
    }
  }
}
