// A rule group: rules evaluated in order at one timestamp, outputs appended to storage, stale
// markers for series a rule stopped producing (rules/manager.go Group.Eval).
import { Labels, STALE_NAN, type Labels as LabelsT } from '../model/index.js';
import { formatExpr, parseExpr } from '../promql/index.js';
import type { Appendable } from '../storage/index.js';
import { AlertingRule, type Alert } from './alerting.js';
import type { RuleFileError } from './errors.js';
import { RecordingRule } from './recording.js';
import type { QueryFunc, Rule, RuleSample } from './rule.js';
import { parseRuleFile } from './rulefmt.js';
import { RuleMetrics } from './metrics.js';

/** Receives alerts that need sending; `expr` is the rule's query (for the generator URL). */
export type NotifyFunc = (expr: string, alerts: Alert[]) => void;

export interface GroupOptions {
  appendable: Appendable;
  query: QueryFunc;
  externalURL: string;
  externalLabels: LabelsT;
  notify?: NotifyFunc;
  /** --rules.alert.resend-delay, ms. */
  resendDelay?: number;
  metrics?: RuleMetrics;
  warn?: (msg: string, fields: Record<string, unknown>) => void;
}

export class Group {
  /** Per rule: series written at the previous evaluation, by label key. */
  seriesInPreviousEval: Map<string, LabelsT>[];
  evaluationTime = 0;
  lastEvaluation = 0;
  /** Eval timestamp of the last evaluation (ms). */
  lastEvalTimestamp = 0;

  constructor(
    readonly name: string,
    readonly file: string,
    /** ms */
    readonly interval: number,
    readonly limit: number,
    readonly rules: Rule[],
    public opts: GroupOptions,
  ) {
    this.seriesInPreviousEval = rules.map(() => new Map());
  }

  key(): string {
    return groupKey(this.file, this.name);
  }

  /** Same rules in the same order, same interval and limit: reload may keep this group's state. */
  equals(o: Group): boolean {
    return (
      o.name === this.name &&
      o.file === this.file &&
      o.interval === this.interval &&
      o.limit === this.limit &&
      o.rules.length === this.rules.length &&
      o.rules.every((r, i) => r.equals(this.rules[i]!))
    );
  }

  alertingRules(): AlertingRule[] {
    return this.rules.filter((r): r is AlertingRule => r instanceof AlertingRule);
  }

  /** Evaluates every rule at tsMs. Failures are recorded on the rule; the rest keeps going. */
  async eval(tsMs: number): Promise<void> {
    const start = performance.now();
    const m = this.opts.metrics;
    const key = this.key();
    let samplesTotal = 0;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const t0 = performance.now();
      rule.lastEvaluation = Date.now();
      m?.inc('evalTotal', key);
      let vector: RuleSample[];
      try {
        vector = await rule.eval(tsMs, {
          query: this.opts.query,
          externalURL: this.opts.externalURL,
          externalLabels: this.opts.externalLabels,
          limit: this.limit,
          warn: this.opts.warn,
        });
      } catch (e) {
        rule.health = 'err';
        rule.lastError = e as Error;
        rule.evaluationTime = (performance.now() - t0) / 1000;
        m?.inc('evalFailures', key);
        this.opts.warn?.('Evaluating rule failed', { name: rule.name, index: i, err: (e as Error).message });
        continue;
      }
      rule.health = 'ok';
      rule.lastError = null;
      samplesTotal += vector.length;
      if (rule instanceof AlertingRule && this.opts.notify) {
        const alerts = rule.alertsToSend(tsMs, this.opts.resendDelay ?? 60_000, this.interval);
        if (alerts.length > 0) this.opts.notify(rule.query, alerts);
      }
      await this.append(i, rule, vector, tsMs);
      rule.evaluationTime = (performance.now() - t0) / 1000;
    }
    m?.set('groupSamples', key, samplesTotal);
    this.evaluationTime = (performance.now() - start) / 1000;
    this.lastEvaluation = Date.now();
    this.lastEvalTimestamp = tsMs;
    m?.set('groupLastDuration', key, this.evaluationTime);
    m?.set('groupLastEvalTimestamp', key, tsMs / 1000);
  }

  private async append(i: number, rule: Rule, vector: RuleSample[], tsMs: number): Promise<void> {
    const app = this.opts.appendable.appender();
    const returned = new Map<string, LabelsT>();
    for (const s of vector) {
      try {
        app.append(0, s.metric, s.t, s.v);
        returned.set(s.metric.key(), s.metric);
      } catch (e) {
        rule.health = 'err';
        rule.lastError = e as Error;
        // Out-of-order and duplicates are expected when two rules write one series; others are news.
        const code = (e as { code?: string }).code;
        if (code !== 'out_of_order' && code !== 'duplicate_sample' && code !== 'too_old') {
          this.opts.warn?.('Rule evaluation result discarded', { name: rule.name, index: i, err: (e as Error).message, sample: s.metric.toString() });
        }
      }
    }
    for (const [k, lset] of this.seriesInPreviousEval[i]!) {
      if (returned.has(k)) continue;
      try {
        app.append(0, lset, tsMs, STALE_NAN);
      } catch {
        // Expected when another rule exposes the same series; Prometheus ignores these too.
      }
    }
    try {
      await app.commit();
      this.seriesInPreviousEval[i] = returned;
    } catch (e) {
      rule.health = 'err';
      rule.lastError = e as Error;
      this.opts.metrics?.inc('evalFailures', this.key());
    }
  }

  /** Writes stale markers for everything this group wrote last time (group removed on reload). */
  async markStale(tsMs: number): Promise<void> {
    const app = this.opts.appendable.appender();
    for (const series of this.seriesInPreviousEval) {
      for (const lset of series.values()) {
        try {
          app.append(0, lset, tsMs, STALE_NAN);
        } catch {
          // see append()
        }
      }
    }
    await app.commit();
  }

  /** Takes over alert state and previous-series bookkeeping from the same group before a reload. */
  copyState(from: Group): void {
    this.evaluationTime = from.evaluationTime;
    this.lastEvaluation = from.lastEvaluation;
    this.lastEvalTimestamp = from.lastEvalTimestamp;
    const byName = new Map<string, number[]>();
    from.rules.forEach((r, i) => {
      const k = `${r.kind}\u0000${r.name}\u0000${r.query}`;
      byName.set(k, [...(byName.get(k) ?? []), i]);
    });
    this.rules.forEach((r, i) => {
      const k = `${r.kind}\u0000${r.name}\u0000${r.query}`;
      const idx = byName.get(k);
      if (!idx || idx.length === 0) return;
      const j = idx.shift()!;
      const old = from.rules[j]!;
      this.seriesInPreviousEval[i] = from.seriesInPreviousEval[j]!;
      r.health = old.health;
      r.lastError = old.lastError;
      r.evaluationTime = old.evaluationTime;
      r.lastEvaluation = old.lastEvaluation;
      if (r instanceof AlertingRule && old instanceof AlertingRule) {
        r.active = old.active;
        r.restored = old.restored;
      }
    });
  }
}

export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

/**
 * Loads rule files into groups (rules.Manager.LoadGroups). `restore` marks alerting rules as
 * needing `for`-state restore before they write ALERTS. File errors come back, nothing thrown.
 */
export function loadGroups(
  files: readonly string[],
  defaultInterval: number,
  opts: GroupOptions,
  restore = false,
): { ok: true; groups: Group[] } | { ok: false; errors: RuleFileError[] } {
  const groups: Group[] = [];
  const errors: RuleFileError[] = [];
  for (const file of files) {
    const res = parseRuleFile(file);
    if (!res.ok) {
      errors.push(...res.errors);
      continue;
    }
    for (const g of res.value.groups) {
      const rules: Rule[] = g.rules.map((r) => {
        const query = formatExpr(parseExpr(r.expr.value));
        const labels = Labels.fromObject(r.labels);
        if (r.alert.value !== '') {
          return new AlertingRule(r.alert.value, query, r.for, r.keepFiringFor, labels, Labels.fromObject(r.annotations), !restore);
        }
        return new RecordingRule(r.record.value, query, labels);
      });
      groups.push(new Group(g.name, file, g.interval || defaultInterval, g.limit, rules, opts));
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, groups };
}
