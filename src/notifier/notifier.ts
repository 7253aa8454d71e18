// The Alertmanager client (notifier/notifier.go in 2.42): external labels and
// alert_relabel_configs applied on send, a bounded queue that drops the oldest alerts when full,
// batches of at most 64 posted to every discovered Alertmanager of every `alertmanagers` entry.
// A failed post is counted (errors, dropped) and not retried as such: the rule manager re-sends
// firing alerts every --rules.alert.resend-delay, which is how Prometheus recovers too.
import { Labels, LabelsBuilder } from '../model/index.js';
import type { AlertmanagerConfig, Config, RelabelConfig } from '../config/index.js';
import type { DiscoveryManager, JobGroups, TargetGroup } from '../discovery/index.js';
import { relabel } from '../relabel/index.js';
import { nopLogger, type Logger } from '../log/index.js';
import type { AlertmanagersInfo } from '../web/types.js';
import { AlertPoster } from './post.js';

/** An alert handed to the notifier (times in ms since the epoch; 0 = unset). */
export interface NotifierAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

export interface NotifierOptions {
  /** --alertmanager.notification-queue-capacity (default 10000). */
  queueCapacity?: number;
  /** Discovery for `alerting.alertmanagers`; each entry is a job named "config-<i>". */
  discovery?: DiscoveryManager;
  logger?: Logger;
  /** User-Agent, Prometheus sends "Prometheus/<version>". */
  userAgent?: string;
}

/** Counters and gauges the server exports as prometheus_notifications_*. */
export interface NotifierMetrics {
  /** prometheus_notifications_sent_total{alertmanager} */
  sent: Map<string, number>;
  /** prometheus_notifications_errors_total{alertmanager} */
  errors: Map<string, number>;
  /** prometheus_notifications_latency_seconds{alertmanager}: sum and count. */
  latency: Map<string, { sum: number; count: number }>;
  /** prometheus_notifications_dropped_total */
  dropped: number;
}

/** Prometheus caps each POST at this many alerts (maxBatchSize in notifier.go). */
export const MAX_BATCH_SIZE = 64;

interface AmSet {
  key: string;
  cfg: AlertmanagerConfig;
  poster: AlertPoster;
  active: string[];
  dropped: string[];
}

export class Notifier {
  private queue: NotifierAlert[] = [];
  private readonly capacity: number;
  private externalLabels = Labels.EMPTY;
  private relabelConfigs: RelabelConfig[] = [];
  private sets = new Map<string, AmSet>();
  private unsubscribe: (() => void) | null = null;
  private draining: Promise<void> | null = null;
  private stopped = false;
  private readonly logger: Logger;
  readonly metrics: NotifierMetrics = { sent: new Map(), errors: new Map(), latency: new Map(), dropped: 0 };

  constructor(private readonly opts: NotifierOptions = {}) {
    this.capacity = opts.queueCapacity ?? 10_000;
    this.logger = (opts.logger ?? nopLogger).with({ component: 'notifier' });
    if (opts.discovery) this.unsubscribe = opts.discovery.subscribe((groups) => this.onTargets(groups));
  }

  /** Applies `alerting` and `global.external_labels`; starts discovery of the Alertmanagers. */
  async applyConfig(cfg: Pick<Config, 'alerting' | 'global'>): Promise<void> {
    this.externalLabels = cfg.global.external_labels ? externalLabelsOf(cfg.global.external_labels) : Labels.EMPTY;
    this.relabelConfigs = cfg.alerting.alert_relabel_configs ?? [];
    const next = new Map<string, AmSet>();
    const sd: Record<string, AlertmanagerConfig> = {};
    for (const [i, am] of (cfg.alerting.alertmanagers ?? []).entries()) {
      const key = `config-${i}`;
      const old = this.sets.get(key);
      const same = old && JSON.stringify(old.cfg) === JSON.stringify(am);
      next.set(key, same ? old : { key, cfg: am, poster: new AlertPoster(am, this.opts.userAgent), active: old?.active ?? [], dropped: old?.dropped ?? [] });
      if (old && !same) await old.poster.close();
      sd[key] = am;
    }
    for (const [k, s] of this.sets) if (!next.has(k)) await s.poster.close();
    this.sets = next;
    this.opts.discovery?.applyConfig(sd);
  }

  /** Sets the Alertmanager targets of one set directly (used without a DiscoveryManager). */
  setTargets(key: string, groups: TargetGroup[]): void {
    this.onTargets(new Map([[key, groups]]));
  }

  private onTargets(groups: JobGroups): void {
    for (const [key, tgs] of groups) {
      const set = this.sets.get(key);
      if (!set) continue;
      const active = new Set<string>();
      const dropped: string[] = [];
      for (const tg of tgs) {
        for (const t of tg.targets) {
          const lb = new LabelsBuilder(Labels.fromObject({ ...tg.labels, ...t }));
          lb.set('__scheme__', set.cfg.scheme || 'http');
          lb.set('__alerts_path__', postPath(set.cfg.path_prefix ?? '', set.cfg.api_version ?? 'v2'));
          const orig = lb.labels();
          const lset = relabel(orig, set.cfg.relabel_configs ?? []);
          if (!lset) {
            dropped.push(amURL(orig));
            continue;
          }
          if (lset.get('__address__') === '') continue;
          active.add(amURL(lset));
        }
      }
      set.active = [...active];
      set.dropped = dropped;
    }
  }

  /** /api/v1/alertmanagers */
  alertmanagers(): AlertmanagersInfo {
    const all = [...this.sets.values()];
    return { activeAlertmanagers: all.flatMap((s) => s.active.map((url) => ({ url }))), droppedAlertmanagers: all.flatMap((s) => s.dropped.map((url) => ({ url }))) };
  }

  queueLength(): number {
    return this.queue.length;
  }

  queueCapacity(): number {
    return this.capacity;
  }

  /**
   * Queues alerts for delivery after adding external labels (the alert's own labels win) and
   * applying alert_relabel_configs. Never blocks: when the queue is full the oldest go, counted.
   */
  send(alerts: readonly NotifierAlert[]): void {
    if (this.stopped) return;
    let batch: NotifierAlert[] = [];
    for (const a of alerts) {
      const lb = new LabelsBuilder(a.labels);
      for (let i = 0; i < this.externalLabels.length; i++) {
        if (a.labels.get(this.externalLabels.name(i)) === '') lb.set(this.externalLabels.name(i), this.externalLabels.value(i));
      }
      const l = relabel(lb.labels(), this.relabelConfigs);
      if (l) batch.push({ ...a, labels: l });
    }
    if (batch.length > this.capacity) {
      const d = batch.length - this.capacity;
      batch = batch.slice(d);
      this.metrics.dropped += d;
      this.logger.warn('Alert batch larger than queue capacity, dropping alerts', { num_dropped: d });
    }
    const overflow = this.queue.length + batch.length - this.capacity;
    if (overflow > 0) {
      this.queue = this.queue.slice(overflow);
      this.metrics.dropped += overflow;
      this.logger.warn('Alert notification queue full, dropping alerts', { num_dropped: overflow });
    }
    this.queue.push(...batch);
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.stopped) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queue.length > 0 && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, MAX_BATCH_SIZE);
      if (!(await this.sendAll(batch))) this.metrics.dropped += batch.length;
    }
  }

  /** Posts to every Alertmanager; true if at least one accepted the batch (sendAll). */
  private async sendAll(batch: NotifierAlert[]): Promise<boolean> {
    // With no Alertmanager at all nothing accepted the batch: Prometheus counts it as dropped too.
    const sets = [...this.sets.values()].filter((s) => s.active.length > 0);
    let ok = 0;
    await Promise.all(
      sets.flatMap((s) =>
        s.active.map(async (url) => {
          const t0 = performance.now();
          try {
            await s.poster.post(url, batch);
            ok++;
          } catch (e) {
            this.logger.error('Error sending alert', { alertmanager: url, count: batch.length, err: (e as Error).message });
            this.metrics.errors.set(url, (this.metrics.errors.get(url) ?? 0) + 1);
          }
          const l = this.metrics.latency.get(url) ?? { sum: 0, count: 0 };
          l.sum += (performance.now() - t0) / 1000;
          l.count++;
          this.metrics.latency.set(url, l);
          this.metrics.sent.set(url, (this.metrics.sent.get(url) ?? 0) + batch.length);
        }),
      ),
    );
    return ok > 0;
  }

  /** Sends what is queued (best effort, like Prometheus's drain on shutdown) and stops. */
  async stop(): Promise<void> {
    if (this.draining) await this.draining;
    this.stopped = true;
    this.unsubscribe?.();
    for (const s of this.sets.values()) await s.poster.close();
  }
}

function externalLabelsOf(v: unknown): Labels {
  if (v instanceof Labels) return v;
  if (Array.isArray(v)) return Labels.fromPairs(v.map((x: { name: string; value: string }) => [x.name, x.value] as [string, string]));
  return Labels.fromObject(v as Record<string, string>);
}

/** The API path for an api_version below a path_prefix (postPath in notifier.go). */
export function postPath(prefix: string, version: string): string {
  return prefix.replace(/\/+$/, '') + `/api/${version}/alerts`;
}

function amURL(l: Labels): string {
  return `${l.get('__scheme__')}://${l.get('__address__')}${l.get('__alerts_path__')}`;
}
