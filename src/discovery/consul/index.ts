// consul_sd_configs: Prometheus 2.42 discovery/consul. Watches the catalog for services (when
// no service list is given, or tags filter them), then each service's healthy-or-not instances
// through /v1/health/service with blocking queries, one group per service. Failed calls are
// logged and retried after retryInterval; stopping aborts the outstanding blocking queries.
import type { ConsulSDConfig } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { sleep } from '../../model/index.js';
import type { Discoverer, DiscovererContext } from '../types.js';
import { ConsulApi } from './api.js';
import { buildServiceGroup } from './targets.js';

export { ConsulApi, ConsulSDError, WATCH_TIMEOUT_MS, type ServiceEntry } from './api.js';
export { buildServiceGroup, aggregatedStatus } from './targets.js';

export interface ConsulDiscovererOptions {
  /** Pause after a failed call (Prometheus: 15 s). Tests shorten it. */
  readonly retryIntervalMs?: number;
}

export class ConsulDiscoverer implements Discoverer {
  private readonly api: ConsulApi;
  private readonly retryMs: number;
  private readonly refreshMs: number;
  private datacenter: string;

  constructor(private readonly cfg: ConsulSDConfig, userAgent = 'promts', opts: ConsulDiscovererOptions = {}) {
    this.api = new ConsulApi(cfg, userAgent);
    this.retryMs = opts.retryIntervalMs ?? 15_000;
    this.refreshMs = cfg.refresh_interval || 30_000;
    this.datacenter = cfg.datacenter ?? '';
  }

  async run(ctx: DiscovererContext): Promise<void> {
    try {
      await this.resolveDatacenter(ctx);
      const services = this.cfg.services ?? [];
      const tags = this.cfg.tags ?? [];
      if (services.length === 0 || tags.length > 0) await this.watchCatalog(ctx);
      else await Promise.all(services.map((s) => this.watchService(ctx, s, ctx.signal)));
    } finally {
      await this.api.close().catch(() => undefined);
    }
  }

  /** Asks the local agent for its datacenter until it answers, unless one is configured. */
  private async resolveDatacenter(ctx: DiscovererContext): Promise<void> {
    while (!this.datacenter && !ctx.signal.aborted) {
      try {
        this.datacenter = await this.api.datacenter(ctx.signal);
      } catch (e) {
        if (ctx.signal.aborted) return;
        ctx.logger.error('Error retrieving datacenter name', { err: (e as Error).message });
        await sleep(this.retryMs, ctx.signal);
      }
    }
  }

  /** Keeps one service watch per matching catalog service; empties groups of vanished ones. */
  private async watchCatalog(ctx: DiscovererContext): Promise<void> {
    const watched = new Map<string, AbortController>();
    const running = new Set<Promise<void>>();
    let index = '';
    while (!ctx.signal.aborted) {
      const started = Date.now();
      try {
        const res = await this.api.services(index, ctx.signal);
        // Same index: the blocking query timed out with nothing new.
        if (res.index !== index || index === '') {
          index = res.index;
          for (const [name, tags] of Object.entries(res.value ?? {})) {
            if (watched.has(name) || !this.shouldWatch(name, tags ?? [])) continue;
            const ac = new AbortController();
            watched.set(name, ac);
            const p: Promise<void> = this.watchService(ctx, name, AbortSignal.any([ctx.signal, ac.signal])).finally(() => running.delete(p));
            running.add(p);
          }
          for (const [name, ac] of watched) {
            if (res.value && name in res.value) continue;
            ac.abort();
            watched.delete(name);
            ctx.send([{ source: name, targets: [], labels: {} }]);
          }
        }
      } catch (e) {
        if (ctx.signal.aborted) break;
        ctx.logger.error('Error refreshing service list', { err: (e as Error).message });
        await sleep(this.retryMs, ctx.signal);
      }
      await sleep(Math.max(0, this.refreshMs - (Date.now() - started)), ctx.signal);
    }
    await Promise.all([...running]);
  }

  /** services (if any) must name it, and it must carry every configured tag. */
  private shouldWatch(name: string, tags: readonly string[]): boolean {
    const services = this.cfg.services ?? [];
    if (services.length > 0 && !services.includes(name)) return false;
    return (this.cfg.tags ?? []).every((t) => tags.includes(t));
  }

  /** Blocking-query loop for one service, at most once per refresh_interval. */
  private async watchService(ctx: DiscovererContext, name: string, signal: AbortSignal): Promise<void> {
    const logger: Logger = ctx.logger;
    let index = '';
    while (!signal.aborted) {
      const started = Date.now();
      try {
        const res = await this.api.health(name, this.cfg.tags ?? [], index, signal);
        if (!signal.aborted && (res.index !== index || index === '')) {
          index = res.index;
          ctx.send([buildServiceGroup(name, this.datacenter, this.cfg.tag_separator ?? ',', Array.isArray(res.value) ? res.value : [])]);
        }
      } catch (e) {
        if (signal.aborted) break;
        logger.error('Error refreshing service', { service: name, tags: (this.cfg.tags ?? []).join(','), err: (e as Error).message });
        await sleep(this.retryMs, signal);
      }
      await sleep(Math.max(0, this.refreshMs - (Date.now() - started)), signal);
    }
  }
}
