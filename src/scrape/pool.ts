// A scrape pool: the targets and loops of one scrape config (job). sync() turns discovered
// groups into targets and starts/stops loops so that unchanged targets keep their loop.
import type { ScrapeConfig } from '../config/index.js';
import { HttpClient, type TargetGroup } from '../discovery/index.js';
import type { Logger } from '../log/index.js';
import type { Appendable } from '../storage/index.js';
import { ScrapeError } from './append.js';
import { ScrapeLoop } from './loop.js';
import { targetsFromGroup, type Target } from './target.js';

export interface PoolOptions {
  readonly appendable: Appendable;
  readonly logger: Logger;
  readonly userAgent: string;
  readonly jitterSeed: bigint;
}

export class ScrapePool {
  private client: HttpClient;
  private readonly loops = new Map<bigint, ScrapeLoop>();
  private dropped: Target[] = [];
  private targetLimitErr: Error | undefined;
  /** Loops of removed targets still waiting to write their staleness markers. */
  private readonly stopping = new Set<Promise<void>>();

  constructor(
    private cfg: ScrapeConfig,
    private readonly o: PoolOptions,
  ) {
    this.client = new HttpClient(cfg);
  }

  get config(): ScrapeConfig {
    return this.cfg;
  }

  private newLoop(t: Target, cache?: ScrapeLoop['cache']): ScrapeLoop {
    const [interval, timeout] = t.intervalAndTimeout(this.cfg.scrape_interval, this.cfg.scrape_timeout);
    const loop = new ScrapeLoop({
      target: t,
      client: this.client,
      appendable: this.o.appendable,
      logger: this.o.logger.with({ target: t.url() }),
      intervalMs: interval,
      timeoutMs: timeout,
      honorLabels: this.cfg.honor_labels,
      honorTimestamps: this.cfg.honor_timestamps,
      metricRelabelConfigs: this.cfg.metric_relabel_configs ?? [],
      sampleLimit: this.cfg.sample_limit,
      limits: { labelLimit: this.cfg.label_limit, labelNameLengthLimit: this.cfg.label_name_length_limit, labelValueLengthLimit: this.cfg.label_value_length_limit },
      bodySizeLimit: this.cfg.body_size_limit,
      userAgent: this.o.userAgent,
      jitterSeed: this.o.jitterSeed,
      cache,
    });
    loop.forcedError = this.targetLimitErr;
    return loop;
  }

  /** Replaces the pool's targets with those of `groups`; removed targets get staleness markers. */
  sync(groups: readonly TargetGroup[]): void {
    const wanted = new Map<bigint, Target>();
    const dropped: Target[] = [];
    for (const g of groups) {
      const r = targetsFromGroup(g, this.cfg);
      for (const e of r.errors) this.o.logger.error('Creating target failed', { err: e });
      for (const t of r.active) if (!wanted.has(t.hash())) wanted.set(t.hash(), t);
      dropped.push(...r.dropped);
    }
    this.dropped = dropped;
    for (const [h, loop] of this.loops) {
      if (!wanted.has(h)) {
        this.loops.delete(h);
        const p: Promise<void> = loop.stop('next').finally(() => this.stopping.delete(p));
        this.stopping.add(p);
      }
    }
    for (const [h, t] of wanted) {
      if (this.loops.has(h)) continue;
      const loop = this.newLoop(t);
      this.loops.set(h, loop);
      loop.start();
    }
    this.checkTargetLimit();
  }

  /** target_limit: over the limit, every loop of the pool fails its scrapes with the error. */
  private checkTargetLimit(): void {
    const limit = this.cfg.target_limit;
    const n = this.loops.size;
    this.targetLimitErr = limit > 0 && n > limit
      ? new ScrapeError('target_limit', `target_limit exceeded (number of targets: ${n}, limit: ${limit})`, 'Raise target_limit or keep fewer targets with relabel_configs.')
      : undefined;
    if (this.targetLimitErr) this.o.logger.error('Target limit exceeded', { err: this.targetLimitErr.message });
    for (const l of this.loops.values()) l.forcedError = this.targetLimitErr;
  }

  /** A changed config: every loop restarts with the new settings, keeping its cache (no staleness gap). */
  async reload(cfg: ScrapeConfig): Promise<void> {
    this.cfg = cfg;
    const old = this.client;
    this.client = new HttpClient(cfg);
    const loops = [...this.loops.values()];
    await Promise.all(loops.map((l) => l.stop('none')));
    for (const l of loops) {
      const n = this.newLoop(l.target, l.cache);
      this.loops.set(l.target.hash(), n);
      n.start();
    }
    this.checkTargetLimit();
    await old.close();
  }

  /** Stops every loop; 'now' on shutdown, 'next' when the job was removed from the config. */
  async stop(stale: 'now' | 'next'): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all([...loops.map((l) => l.stop(stale)), ...this.stopping]);
    await this.client.close();
  }

  activeTargets(): Target[] {
    return [...this.loops.values()].map((l) => l.target);
  }

  droppedTargets(): Target[] {
    return this.dropped;
  }

  loopFor(t: Target): ScrapeLoop | undefined {
    return this.loops.get(t.hash());
  }
}
