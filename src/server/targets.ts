import { hostname } from 'node:os';
import { formatDuration } from '../model/index.js';
import type { Target } from '../scrape/index.js';
import type { ActiveTarget, TargetMetadataSource, TargetsInfo } from '../web/index.js';
import type { Running } from './run.js';

/** /api/v1/targets from the scrape manager's pools, in pool-name order as Prometheus lists them. */
export function targetsInfo(r: Running): TargetsInfo {
  const s = r.scrape;
  if (!s) return { activeTargets: [], droppedTargets: [] };
  const active: ActiveTarget[] = [];
  for (const [pool, targets] of [...s.targetsActive()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cfg = r.config.scrape_configs.find((c) => c.job_name === pool);
    const defInterval = cfg?.scrape_interval ?? r.config.global.scrape_interval;
    const defTimeout = cfg?.scrape_timeout ?? r.config.global.scrape_timeout;
    for (const t of targets) active.push(activeTarget(pool, t, defInterval, defTimeout));
  }
  const dropped = [...s.targetsDropped().values()].flat().map((t) => ({ discoveredLabels: t.discoveredLabels.toObject() }));
  return { activeTargets: active, droppedTargets: dropped };
}

function activeTarget(pool: string, t: Target, defInterval: number, defTimeout: number): ActiveTarget {
  const [interval, timeout] = t.intervalAndTimeout(defInterval, defTimeout);
  const url = t.url();
  return {
    discoveredLabels: t.discoveredLabels.toObject(),
    labels: t.publicLabels().toObject(),
    scrapePool: pool,
    scrapeUrl: url,
    globalUrl: globalUrl(url),
    lastError: t.lastError,
    lastScrape: t.lastScrape > 0 ? new Date(t.lastScrape).toISOString() : '0001-01-01T00:00:00Z',
    lastScrapeDuration: t.lastScrapeDuration,
    health: t.health,
    scrapeInterval: formatDuration(interval),
    scrapeTimeout: formatDuration(timeout),
  };
}

/** Prometheus shows loopback targets under the machine's name, so links work from elsewhere. */
function globalUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.hostname === 'localhost' || u.hostname.startsWith('127.') || u.hostname === '[::1]') u.hostname = hostname();
    return u.toString();
  } catch {
    return url;
  }
}

/** Per-target HELP/TYPE/UNIT, grouped the way /api/v1/targets/metadata reads it. */
export function targetMetadata(r: Running): TargetMetadataSource[] {
  const s = r.scrape;
  if (!s) return [];
  const byTarget = new Map<Target, TargetMetadataSource>();
  for (const m of s.metadata()) {
    let e = byTarget.get(m.target);
    if (!e) byTarget.set(m.target, (e = { labels: m.target.publicLabels(), metadata: [] }));
    e.metadata.push({ metric: m.metric, type: m.metadata.type, help: m.metadata.help, unit: m.metadata.unit });
  }
  return [...byTarget.values()];
}
