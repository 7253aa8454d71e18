// Targets: Prometheus 2.42's label building (scrape/target.go populateLabels and
// TargetsFromGroup), the scrape URL, and the health a target reports to /api/v1/targets.
import type { ScrapeConfig } from '../config/index.js';
import type { TargetGroup } from '../discovery/index.js';
import { Labels, LabelsBuilder, formatDuration, parseDuration, PromtsError } from '../model/index.js';
import { relabel } from '../relabel/index.js';

export class TargetError extends PromtsError {
  constructor(message: string) {
    super('target_error', message, 'Fix the target address or the relabel_configs that build it.');
  }
}

export type TargetHealth = 'up' | 'down' | 'unknown';

/**
 * One scrape target. `labels` are the final target labels (including `__`-prefixed ones
 * that drive the scrape: address, scheme, path, params, interval, timeout);
 * `discoveredLabels` what discovery produced before relabeling.
 */
export class Target {
  health: TargetHealth = 'unknown';
  lastError = '';
  /** Unix ms of the last scrape start; 0 = never. */
  lastScrape = 0;
  /** Seconds. */
  lastScrapeDuration = 0;
  private readonly _hash: bigint;

  constructor(
    readonly labels: Labels,
    readonly discoveredLabels: Labels,
    readonly params: Readonly<Record<string, readonly string[]>> = {},
  ) {
    this._hash = fnv64a(labels.key() + '\x00' + this.url());
  }

  /** The labels a sample gets from its target: every label not starting with "__". */
  publicLabels(): Labels {
    const kv: string[] = [];
    for (let i = 0; i < this.labels.length; i++) if (!this.labels.name(i).startsWith('__')) kv.push(this.labels.name(i), this.labels.value(i));
    return Labels.fromSortedFlat(kv);
  }

  /** scheme://address/path?params, params from the config overridden by __param_* labels. */
  url(): string {
    const params = new Map<string, string[]>();
    for (const [k, v] of Object.entries(this.params)) params.set(k, [...v]);
    for (let i = 0; i < this.labels.length; i++) {
      const n = this.labels.name(i);
      if (!n.startsWith('__param_')) continue;
      const k = n.slice('__param_'.length);
      const cur = params.get(k);
      if (cur && cur.length > 0) cur[0] = this.labels.value(i);
      else params.set(k, [this.labels.value(i)]);
    }
    // Go's url.Values.Encode: keys sorted, QueryEscape'd (space as '+').
    const q = [...params.keys()].sort().flatMap((k) => params.get(k)!.map((v) => `${goQueryEscape(k)}=${goQueryEscape(v)}`)).join('&');
    return `${this.labels.get('__scheme__')}://${this.labels.get('__address__')}${this.labels.get('__metrics_path__')}${q ? '?' + q : ''}`;
  }

  /** Scrape interval and timeout in ms, from the target's labels (they may be relabeled). */
  intervalAndTimeout(defInterval: number, defTimeout: number): [number, number] {
    const i = this.labels.get('__scrape_interval__');
    const t = this.labels.get('__scrape_timeout__');
    return [i ? parseDuration(i) : defInterval, t ? parseDuration(t) : defTimeout];
  }

  /** The delay before the first scrape: spreads targets over the interval by their hash. */
  offset(intervalMs: number, jitterSeed: bigint, nowMs = Date.now()): number {
    const base = intervalMs - (nowMs % intervalMs);
    const off = Number((this._hash ^ jitterSeed) % BigInt(intervalMs));
    let next = base + off;
    if (next > intervalMs) next -= intervalMs;
    return next;
  }

  /** Identity of a target inside a pool: same labels and URL = same target across syncs. */
  hash(): bigint {
    return this._hash;
  }
}

/** FNV-1a 64-bit of a string's UTF-16 code units (only used to spread and identify targets). */
export function fnv64a(s: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h ^= BigInt(s.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

function goQueryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Go's net.SplitHostPort succeeds? (host:port, [v6]:port). */
function hasPort(addr: string): boolean {
  if (addr.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(addr);
  const i = addr.lastIndexOf(':');
  return i >= 0 && addr.indexOf(':') === i;
}

/** Would appending ":1234" make a valid host:port? (not for a bare IPv6 or a stray colon). */
function portAddable(addr: string): boolean {
  return hasPort(addr + ':1234');
}

export interface PopulateResult {
  /** Final labels, or null when relabeling dropped the target. */
  readonly labels: Labels | null;
  /** Labels before relabeling (for /api/v1/targets droppedTargets). */
  readonly discovered: Labels;
}

/**
 * Builds a target's labels from discovered ones (Prometheus's populateLabels): job, scrape
 * interval/timeout, metrics path, scheme and params as defaults; relabel_configs; address
 * port defaulting; validation; __meta_* removed; instance defaulted to the address.
 * Throws TargetError with Prometheus's wording.
 */
export function populateLabels(lset: Labels, cfg: ScrapeConfig): PopulateResult {
  const lb = new LabelsBuilder(lset);
  const defaults: [string, string][] = [
    ['job', cfg.job_name],
    ['__scrape_interval__', formatDuration(cfg.scrape_interval)],
    ['__scrape_timeout__', formatDuration(cfg.scrape_timeout)],
    ['__metrics_path__', cfg.metrics_path],
    ['__scheme__', cfg.scheme],
  ];
  for (const [n, v] of defaults) if (lset.get(n) === '') lb.set(n, v);
  for (const [k, v] of Object.entries(cfg.params ?? {})) if (v.length > 0) lb.set('__param_' + k, v[0]!);
  const pre = lb.labels();
  const res = relabel(pre, cfg.relabel_configs ?? []);
  if (res === null) return { labels: null, discovered: pre };
  let addr = res.get('__address__');
  if (addr === '') throw new TargetError('no address');
  const out = new LabelsBuilder(res);
  if (!hasPort(addr) && portAddable(addr)) {
    const scheme = res.get('__scheme__');
    if (scheme === 'http' || scheme === '') addr += ':80';
    else if (scheme === 'https') addr += ':443';
    else throw new TargetError(`invalid scheme: ${JSON.stringify(cfg.scheme)}`);
    out.set('__address__', addr);
  }
  if (addr.includes('/')) throw new TargetError(`${JSON.stringify(addr)} is not a valid hostname`);
  const interval = res.get('__scrape_interval__');
  const timeout = res.get('__scrape_timeout__');
  const iv = parseOr(interval, 'error parsing scrape interval');
  if (iv === 0) throw new TargetError('scrape interval cannot be 0');
  const tv = parseOr(timeout, 'error parsing scrape timeout');
  if (tv === 0) throw new TargetError('scrape timeout cannot be 0');
  if (tv > iv) throw new TargetError(`scrape timeout cannot be greater than scrape interval (${JSON.stringify(timeout)} > ${JSON.stringify(interval)})`);
  // Meta labels are dropped after relabeling; other internal labels stay with the target.
  for (let i = 0; i < res.length; i++) if (res.name(i).startsWith('__meta_')) out.del(res.name(i));
  if (res.get('instance') === '') out.set('instance', addr);
  const final = out.labels();
  for (let i = 0; i < final.length; i++) {
    const v = final.value(i);
    // A JS string is invalid UTF-8 exactly when it holds a lone surrogate.
    if (/\p{Surrogate}/u.test(v)) {
      throw new TargetError(`invalid label value for ${JSON.stringify(final.name(i))}: ${JSON.stringify(v)}`);
    }
  }
  return { labels: final, discovered: pre };
}

function parseOr(s: string, what: string): number {
  try {
    return parseDuration(s);
  } catch (e) {
    throw new TargetError(`${what}: ${(e as Error).message}`);
  }
}

/**
 * Targets of one group (TargetsFromGroup): group labels fill in what a target lacks. Errors
 * are returned, not thrown, so one bad target does not hide the others; dropped targets
 * come back with `labels.length === 0` semantics via `dropped`.
 */
export function targetsFromGroup(tg: TargetGroup, cfg: ScrapeConfig): { active: Target[]; dropped: Target[]; errors: string[] } {
  const active: Target[] = [];
  const dropped: Target[] = [];
  const errors: string[] = [];
  tg.targets.forEach((t, i) => {
    const m = new Map<string, string>(Object.entries(tg.labels));
    for (const [k, v] of Object.entries(t)) m.set(k, v);
    try {
      const r = populateLabels(Labels.fromMap(m), cfg);
      if (r.labels) active.push(new Target(r.labels, r.discovered, cfg.params ?? {}));
      else dropped.push(new Target(Labels.EMPTY, r.discovered, cfg.params ?? {}));
    } catch (e) {
      if (!(e instanceof TargetError)) throw e;
      errors.push(`instance ${i} in group ${tg.source}: ${e.message}`);
    }
  });
  return { active, dropped, errors };
}
