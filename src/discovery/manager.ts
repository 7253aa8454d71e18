// The discovery manager: runs one provider per SD config entry of every job, keeps the
// latest groups per (provider, source), and tells subscribers the full picture per job at
// most once per update interval (Prometheus batches the same way, every 5 s by default).
import type { ServiceDiscoveryConfigs, StaticConfig, FileSDConfig, HTTPSDConfig, DNSSDConfig, KubernetesSDConfig, ConsulSDConfig } from '../config/index.js';
import { nopLogger, type Logger } from '../log/index.js';
import { ConsulDiscoverer } from './consul/index.js';
import { DnsDiscoverer, type DnsResolver } from './dns.js';
import { FileDiscoverer } from './file.js';
import { HttpDiscoverer } from './http.js';
import { KubernetesDiscoverer } from './kubernetes/index.js';
import { StaticDiscoverer, staticGroups } from './static.js';
import type { Discoverer, DiscovererFactory, TargetGroup } from './types.js';

export type JobGroups = Map<string, TargetGroup[]>;
export type Subscriber = (groups: JobGroups) => void;

export interface DiscoveryManagerOptions {
  readonly logger?: Logger;
  /** How often at most subscribers hear about changes. Default 5000 ms, as Prometheus. */
  readonly updateIntervalMs?: number;
  /** User-Agent for HTTP SD. */
  readonly userAgent?: string;
  /** DNS resolver override (tests). */
  readonly dnsResolver?: DnsResolver;
}

const registry = new Map<string, DiscovererFactory>();

/**
 * Adds a provider for a YAML key (e.g. 'kubernetes_sd_configs'). The factory receives one
 * entry of that list. Built-in keys can be overridden (tests).
 */
export function registerDiscoverer(key: string, factory: DiscovererFactory): void {
  registry.set(key, factory);
}

interface Provider {
  readonly job: string;
  /** job + key + config JSON: an identical config on reload keeps the provider running. */
  readonly fingerprint: string;
  readonly name: string;
  readonly abort: AbortController;
  readonly done: Promise<void>;
  /** source -> group */
  readonly groups: Map<string, TargetGroup>;
}

export class DiscoveryManager {
  private readonly logger: Logger;
  private readonly updateIntervalMs: number;
  private readonly userAgent: string;
  private readonly dnsResolver: DnsResolver | undefined;
  private providers: Provider[] = [];
  private jobs: string[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private seq = 0;

  constructor(opts: DiscoveryManagerOptions = {}) {
    this.logger = opts.logger ?? nopLogger;
    this.updateIntervalMs = opts.updateIntervalMs ?? 5000;
    this.userAgent = opts.userAgent ?? 'promts';
    this.dnsResolver = opts.dnsResolver;
  }

  /** Receives the full per-job target groups after each batch of changes. Returns an unsubscribe. */
  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /**
   * Starts providers for new or changed SD configs, stops the ones no longer configured, and
   * keeps identical ones (and their groups) running. `configs` maps job name to its SD lists.
   */
  applyConfig(configs: ReadonlyMap<string, ServiceDiscoveryConfigs> | Readonly<Record<string, ServiceDiscoveryConfigs>>): void {
    const entries = configs instanceof Map ? [...configs.entries()] : Object.entries(configs);
    const wanted: { job: string; key: string; index: number; cfg: unknown; fingerprint: string }[] = [];
    for (const [job, sd] of entries) {
      for (const [key, list] of Object.entries(sd as Record<string, unknown>)) {
        // Only SD lists: a whole scrape config may come in, with relabel_configs and the like.
        if ((key !== 'static_configs' && !key.endsWith('_sd_configs')) || !Array.isArray(list)) continue;
        if (key === 'static_configs') {
          // All static configs of a job are one provider, with sources "0", "1", ...
          if (list.length > 0) wanted.push({ job, key, index: 0, cfg: list, fingerprint: `${job}\x00${key}\x00${JSON.stringify(list)}` });
          continue;
        }
        list.forEach((cfg, index) => wanted.push({ job, key, index, cfg, fingerprint: `${job}\x00${key}\x00${JSON.stringify(cfg)}` }));
      }
    }
    const keep = new Set<Provider>();
    const next: Provider[] = [];
    for (const w of wanted) {
      const existing = this.providers.find((p) => p.fingerprint === w.fingerprint && !keep.has(p));
      if (existing) {
        keep.add(existing);
        next.push(existing);
        continue;
      }
      let d: Discoverer | undefined;
      try {
        d = this.create(w.key, w.cfg);
      } catch (e) {
        // E.g. an unreadable TLS or credentials file: the other providers still run.
        this.logger.error('Cannot create service discovery', { config: w.job, mechanism: w.key, err: (e as Error).message });
      }
      if (!d) continue;
      next.push(this.start(w.job, `${w.key.replace(/_configs$/, '')}/${this.seq++}`, w.fingerprint, d));
    }
    for (const p of this.providers) if (!keep.has(p)) p.abort.abort();
    this.providers = next;
    this.jobs = entries.map(([j]) => j);
    this.markDirty(true);
  }

  private create(key: string, cfg: unknown): Discoverer | undefined {
    const f = registry.get(key);
    if (f) return f(cfg, { name: key });
    switch (key) {
      case 'static_configs':
        return new StaticDiscoverer(staticGroups(cfg as StaticConfig[]));
      case 'file_sd_configs':
        return new FileDiscoverer(cfg as FileSDConfig);
      case 'http_sd_configs':
        return new HttpDiscoverer(cfg as HTTPSDConfig, this.userAgent);
      case 'dns_sd_configs':
        return new DnsDiscoverer(cfg as DNSSDConfig, this.dnsResolver);
      case 'kubernetes_sd_configs':
        return new KubernetesDiscoverer(cfg as KubernetesSDConfig, { userAgent: this.userAgent });
      case 'consul_sd_configs':
        return new ConsulDiscoverer(cfg as ConsulSDConfig, this.userAgent);
    }
    this.logger.warn('Service discovery mechanism not supported by promts yet; its targets are ignored', { mechanism: key });
    return undefined;
  }

  private start(job: string, name: string, fingerprint: string, d: Discoverer): Provider {
    const abort = new AbortController();
    const groups = new Map<string, TargetGroup>();
    const logger = this.logger.with({ component: 'discovery manager', discovery: name, config: job });
    const provider: Provider = {
      job, fingerprint, name, abort, groups,
      done: d
        .run({
          logger,
          signal: abort.signal,
          send: (gs) => {
            if (abort.signal.aborted) return;
            for (const g of gs) {
              if (g.targets.length === 0) groups.delete(g.source);
              else groups.set(g.source, g);
            }
            this.markDirty(false);
          },
        })
        .catch((e: unknown) => logger.error('Discoverer failed', { err: (e as Error).message })),
    };
    return provider;
  }

  private markDirty(now: boolean): void {
    this.dirty = true;
    if (this.stopped) return;
    if (now) {
      // After a config change downstream wants the full state straight away.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      queueMicrotask(() => this.flush());
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.updateIntervalMs);
  }

  private flush(): void {
    if (!this.dirty || this.stopped) return;
    this.dirty = false;
    const all = this.targetGroups();
    for (const s of this.subscribers) s(all);
  }

  /** Current groups per configured job (jobs without targets map to []). */
  targetGroups(): JobGroups {
    const out: JobGroups = new Map();
    for (const j of this.jobs) out.set(j, []);
    for (const p of this.providers) {
      const list = out.get(p.job) ?? [];
      for (const g of p.groups.values()) list.push(g);
      out.set(p.job, list);
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.providers) p.abort.abort();
    await Promise.all(this.providers.map((p) => p.done));
    this.providers = [];
  }
}
