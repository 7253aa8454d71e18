// The rule manager: runs each group on its interval at Prometheus's slot (offset from a hash of
// file+name), restores `for` state after a restart, reloads without losing state, and serves the
// /api/v1/rules and /api/v1/alerts shapes.
import { Labels, Matcher, isStaleNaN } from '../model/index.js';
import type { Engine } from '../promql/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import { nopLogger, type Logger } from '../log/index.js';
import { formatE } from '../template/index.js';
import type { AlertInfo, AlertingRuleInfo, RecordingRuleInfo, RuleGroupInfo } from '../web/types.js';
import { AlertingRule, type Alert } from './alerting.js';
import { RuleFileError } from './errors.js';
import { Group, loadGroups, type GroupOptions } from './group.js';
import { RuleMetrics } from './metrics.js';
import type { QueryFunc, RuleSample } from './rule.js';
import { evalTimestamp } from './xxhash.js';

/** An alert as the notifier takes it (notifier.Alert); times in ms, 0 = unset. */
export interface OutgoingAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

export interface RuleManagerOptions {
  appendable: Appendable;
  queryable: Queryable;
  /** Only instant queries are run; the server passes one that also consults remote_read. */
  engine: Pick<Engine, 'instantQuery'>;
  /** --web.external-url (no trailing slash), used in templates and generator URLs. */
  externalURL: string;
  /** Receives alerts to send (the notifier's send()). */
  notify?: (alerts: OutgoingAlert[]) => void;
  /** --rules.alert.resend-delay, ms (default 1m). */
  resendDelay?: number;
  /** --rules.alert.for-outage-tolerance, ms (default 1h). */
  outageTolerance?: number;
  /** --rules.alert.for-grace-period, ms (default 10m). */
  forGracePeriod?: number;
  logger?: Logger;
  metrics?: RuleMetrics;
  /** Clock (ms), injectable for tests. */
  now?: () => number;
}

/** Reload failed; the previous rules keep running. `errors` name file:line like promtool. */
export class RulesLoadError extends RuleFileError {
  constructor(readonly errors: RuleFileError[]) {
    super('rule_invalid', 'error loading rules, previous rule set restored', errors[0]?.file ?? '', 0, 0, errors.map((e) => e.message).join('\n'));
  }
}

interface Runner {
  group: Group;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  stopped: boolean;
  shouldRestore: boolean;
  nextTs: number;
  evals: number;
}

export class RuleManager {
  private runners = new Map<string, Runner>();
  private restoredOnce = false;
  readonly metrics: RuleMetrics;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: RuleManagerOptions) {
    this.metrics = opts.metrics ?? new RuleMetrics();
    this.logger = (opts.logger ?? nopLogger).with({ component: 'rule manager' });
    this.now = opts.now ?? Date.now;
  }

  /**
   * Loads `files` and (re)starts groups. Unchanged groups keep running with their state; changed
   * ones take over alert state; removed ones stop and mark their series stale. On a bad file it
   * throws RulesLoadError and keeps the old rules.
   */
  async update(files: readonly string[], evaluationInterval: number, externalLabels: Labels = Labels.EMPTY): Promise<void> {
    const gopts = this.groupOptions(externalLabels);
    const shouldRestore = !this.restoredOnce;
    const loaded = loadGroups(files, evaluationInterval, gopts, shouldRestore);
    if (!loaded.ok) {
      for (const e of loaded.errors) this.logger.error('loading groups failed', { err: e.message });
      throw new RulesLoadError(loaded.errors);
    }
    this.restoredOnce = true;
    const next = new Map<string, Runner>();
    for (const g of loaded.groups) {
      const key = g.key();
      const old = this.runners.get(key);
      this.runners.delete(key);
      if (old && old.group.equals(g)) {
        next.set(key, old);
        continue;
      }
      if (old) {
        await this.stopRunner(old);
        g.copyState(old.group);
      }
      const r: Runner = { group: g, timer: null, running: null, stopped: false, shouldRestore, nextTs: 0, evals: 0 };
      next.set(key, r);
      this.start(r);
    }
    for (const [key, old] of this.runners) {
      await this.stopRunner(old);
      await old.group.markStale(this.now()).catch(() => undefined);
      this.metrics.drop(key);
    }
    this.runners = next;
  }

  /** Stops every group; in-flight evaluations finish first. */
  async stop(): Promise<void> {
    for (const r of this.runners.values()) await this.stopRunner(r);
  }

  groups(): Group[] {
    return [...this.runners.values()].map((r) => r.group);
  }

  /** /api/v1/rules */
  rules(): RuleGroupInfo[] {
    return this.groups().map((g) => ({
      name: g.name,
      file: g.file,
      rules: g.rules.map((r): AlertingRuleInfo | RecordingRuleInfo => {
        const common = {
          health: r.health,
          ...(r.lastError ? { lastError: r.lastError.message } : {}),
          evaluationTime: r.evaluationTime,
          lastEvaluation: rfc3339(r.lastEvaluation),
        };
        if (r instanceof AlertingRule) {
          return {
            state: r.state(),
            name: r.name,
            query: r.query,
            duration: r.holdDuration / 1000,
            keepFiringFor: r.keepFiringFor / 1000,
            labels: r.labels.toObject(),
            annotations: r.annotations.toObject(),
            alerts: r.activeAlerts().map(alertInfo),
            ...common,
            type: 'alerting',
          };
        }
        const rr = r as import('./recording.js').RecordingRule;
        return { name: r.name, query: r.query, ...(rr.labels.length > 0 ? { labels: rr.labels.toObject() } : {}), ...common, type: 'recording' };
      }),
      interval: g.interval / 1000,
      limit: g.limit,
      evaluationTime: g.evaluationTime,
      lastEvaluation: rfc3339(g.lastEvaluation),
    }));
  }

  /** /api/v1/alerts */
  alerts(): AlertInfo[] {
    return this.groups().flatMap((g) => g.alertingRules().flatMap((r) => r.activeAlerts().map(alertInfo)));
  }

  private groupOptions(externalLabels: Labels): GroupOptions {
    const { engine, queryable } = this.opts;
    const query: QueryFunc = async (q, ts) => {
      const res = await engine.instantQuery(queryable, q, ts);
      const v = res.value;
      if (v.type === 'vector') return v.samples.map((s): RuleSample => ({ metric: s.metric, t: ts, v: s.v }));
      if (v.type === 'scalar') return [{ metric: Labels.EMPTY, t: ts, v: v.v }];
      throw new Error('rule result is not a vector or scalar');
    };
    const externalURL = this.opts.externalURL.replace(/\/$/, '');
    return {
      appendable: this.opts.appendable,
      query,
      externalURL,
      externalLabels,
      resendDelay: this.opts.resendDelay ?? 60_000,
      metrics: this.metrics,
      warn: (msg, fields) => this.logger.warn(msg, fields),
      notify: this.opts.notify
        ? (expr, alerts) =>
            this.opts.notify!(
              alerts.map((a: Alert) => ({
                labels: a.labels,
                annotations: a.annotations,
                startsAt: a.firedAt,
                endsAt: a.resolvedAt !== 0 ? a.resolvedAt : a.validUntil,
                generatorURL: externalURL + tableLink(expr),
              })),
            )
        : undefined,
    };
  }

  private start(r: Runner): void {
    const g = r.group;
    this.metrics.set('groupInterval', g.key(), g.interval / 1000);
    this.metrics.set('groupRules', g.key(), g.rules.length);
    // First evaluation at the group's next slot, like Prometheus (EvalTimestamp + interval).
    r.nextTs = evalTimestamp(g.file, g.name, g.interval, this.now()) + g.interval;
    this.schedule(r);
  }

  private schedule(r: Runner): void {
    if (r.stopped) return;
    const delay = Math.max(0, r.nextTs - this.now());
    r.timer = setTimeout(() => {
      r.timer = null;
      r.running = this.iterate(r).finally(() => {
        r.running = null;
      });
    }, delay);
    r.timer.unref?.();
  }

  private async iterate(r: Runner): Promise<void> {
    const g = r.group;
    const key = g.key();
    // Slots we slept through (a slow evaluation or a suspended process) are counted, not replayed.
    const missed = Math.max(0, Math.floor((this.now() - r.nextTs) / g.interval));
    if (missed > 0) {
      this.metrics.inc('iterationsMissed', key, missed);
      r.nextTs += missed * g.interval;
    }
    const ts = r.nextTs;
    this.metrics.inc('iterationsTotal', key);
    const t0 = performance.now();
    try {
      await g.eval(ts);
    } catch (e) {
      this.logger.error('group evaluation failed', { group: g.name, file: g.file, err: (e as Error).message });
    }
    this.metrics.groupDurationSum += (performance.now() - t0) / 1000;
    this.metrics.groupDurationCount++;
    for (const rule of g.rules) {
      this.metrics.evalDurationSum += rule.evaluationTime;
      this.metrics.evalDurationCount++;
    }
    r.evals++;
    // Restore `for` state after the second evaluation, when recording rules had a chance to run.
    if (r.shouldRestore && r.evals >= 2) {
      this.restoreForState(g, this.now());
      r.shouldRestore = false;
    }
    r.nextTs = ts + g.interval;
    this.schedule(r);
  }

  private async stopRunner(r: Runner): Promise<void> {
    r.stopped = true;
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    if (r.running) await r.running;
  }

  /**
   * Brings back alerts' activeAt from ALERTS_FOR_STATE so a restart does not reset `for`
   * (rules/manager.go RestoreForState), honouring the outage tolerance and grace period.
   */
  restoreForState(g: Group, tsMs: number): void {
    const tolerance = this.opts.outageTolerance ?? 3_600_000;
    const grace = this.opts.forGracePeriod ?? 600_000;
    const q = this.opts.queryable.querier(tsMs - tolerance, tsMs);
    try {
      for (const rule of g.alertingRules()) {
        if (rule.holdDuration < grace) {
          rule.restored = true;
          continue;
        }
        for (const a of rule.active.values()) {
          const metric = rule.forStateSample(a, tsMs, 0).metric;
          const matchers: Matcher[] = [];
          for (let i = 0; i < metric.length; i++) matchers.push(new Matcher('=', metric.name(i), metric.value(i)));
          const set = q.select(false, undefined, ...matchers);
          let found = null;
          while (set.next()) {
            if (set.at().labels.length === matchers.length) {
              found = set.at();
              break;
            }
          }
          if (!found) continue;
          const it = found.iterator();
          let t = 0;
          let v = 0;
          let any = false;
          while (it.next()) {
            t = it.t;
            v = it.v;
            any = true;
          }
          if (!any || isStaleNaN(v)) continue;
          const downAt = Math.trunc(t / 1000) * 1000;
          let restoredActiveAt = Math.trunc(v) * 1000;
          const remaining = rule.holdDuration - (downAt - restoredActiveAt);
          if (remaining <= 0) {
            // It was firing when we went down; the next evaluation fires it again if still true.
          } else if (remaining < grace) restoredActiveAt = tsMs + grace - rule.holdDuration;
          else restoredActiveAt += tsMs - downAt;
          a.activeAt = restoredActiveAt;
        }
        rule.restored = true;
      }
    } finally {
      q.close();
    }
  }
}

function alertInfo(a: Alert): AlertInfo {
  return {
    labels: a.labels.toObject(),
    annotations: a.annotations.toObject(),
    state: a.state,
    activeAt: rfc3339(a.activeAt, true),
    value: formatE(a.value, -1),
  };
}

/** Go's time.Time in RFC3339Nano (UTC); 0 is Go's zero time ("never") unless `epochIsSet`. */
export function rfc3339(ms: number, epochIsSet = false): string {
  if (ms === 0 && !epochIsSet) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

/** strutil.TableLinkForExpression: the /graph link Prometheus puts in generatorURL. */
export function tableLink(expr: string): string {
  return `/graph?g0.expr=${goQueryEscape(expr)}&g0.tab=1`;
}

/** Go's url.QueryEscape: space -> '+', everything but [A-Za-z0-9-_.~] percent-encoded. */
export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}
