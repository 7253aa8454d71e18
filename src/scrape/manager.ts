// The scrape manager: one pool per scrape config, fed by the discovery manager's target
// groups. applyConfig() keeps unchanged pools (and their loops) running, reloads changed
// ones, stops removed ones with staleness markers, and starts new ones.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScrapeConfig } from '../config/index.js';
import type { JobGroups, TargetGroup } from '../discovery/index.js';
import { nopLogger, type Logger } from '../log/index.js';
import type { Appendable, Metadata } from '../storage/index.js';
import { ScrapePool } from './pool.js';
import type { Target } from './target.js';

export interface ScrapeManagerOptions {
  readonly appendable: Appendable;
  readonly logger?: Logger;
  /** Default `promts/<package version>`. */
  readonly userAgent?: string;
  /** Mixed into each target's offset so two servers scraping the same targets spread differently. */
  readonly jitterSeed?: bigint;
}

export interface TargetMetadata {
  readonly target: Target;
  readonly metric: string;
  readonly metadata: Metadata;
}

export class ScrapeManager {
  private readonly pools = new Map<string, ScrapePool>();
  private readonly groups = new Map<string, TargetGroup[]>();
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly jitterSeed: bigint;
  private stopped = false;

  constructor(private readonly o: ScrapeManagerOptions) {
    this.logger = o.logger ?? nopLogger;
    this.userAgent = o.userAgent ?? `promts/${packageVersion()}`;
    this.jitterSeed = o.jitterSeed ?? 0n;
  }

  /** Applies the scrape configs of a (re)loaded prometheus.yml. */
  async applyConfig(configs: readonly ScrapeConfig[]): Promise<void> {
    const next = new Map(configs.map((c) => [c.job_name, c]));
    const work: Promise<void>[] = [];
    for (const [job, pool] of this.pools) {
      const c = next.get(job);
      if (!c) {
        this.pools.delete(job);
        this.groups.delete(job);
        work.push(pool.stop('next'));
      } else if (JSON.stringify(c) !== JSON.stringify(pool.config)) {
        work.push(pool.reload(c).then(() => pool.sync(this.groups.get(job) ?? [])));
      }
    }
    for (const [job, c] of next) {
      if (this.pools.has(job)) continue;
      const pool = new ScrapePool(c, { appendable: this.o.appendable, logger: this.logger.with({ component: 'scrape manager', scrape_pool: job }), userAgent: this.userAgent, jitterSeed: this.jitterSeed });
      this.pools.set(job, pool);
      const g = this.groups.get(job);
      if (g) pool.sync(g);
    }
    await Promise.all(work);
  }

  /** Takes the full per-job target groups from discovery (DiscoveryManager.subscribe). */
  sync(groups: JobGroups): void {
    if (this.stopped) return;
    for (const [job, gs] of groups) {
      this.groups.set(job, gs);
      this.pools.get(job)?.sync(gs);
    }
  }

  /** Stops every loop, writing staleness markers for everything scraped. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.stop('now')));
  }

  /** Active targets per scrape pool (job), for /api/v1/targets. */
  targetsActive(): Map<string, Target[]> {
    return new Map([...this.pools].map(([j, p]) => [j, p.activeTargets()]));
  }

  /** Targets dropped by relabeling per pool (their labels are empty; see discoveredLabels). */
  targetsDropped(): Map<string, Target[]> {
    return new Map([...this.pools].map(([j, p]) => [j, p.droppedTargets()]));
  }

  /** HELP/TYPE/UNIT each active target exposed, for /api/v1/targets/metadata and /api/v1/metadata. */
  metadata(): TargetMetadata[] {
    const out: TargetMetadata[] = [];
    for (const p of this.pools.values()) {
      for (const t of p.activeTargets()) {
        const loop = p.loopFor(t);
        if (!loop) continue;
        for (const [metric, m] of loop.cache.metadata) out.push({ target: t, metric, metadata: { type: m.type, help: m.help, unit: m.unit } });
      }
    }
    return out;
  }
}

let version: string | undefined;
function packageVersion(): string {
  if (version) return version;
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    try {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'promts') return (version = pkg.version ?? '0.0.0');
    } catch {
      // keep walking up
    }
    if (dirname(d) === d) return (version = '0.0.0');
  }
}
