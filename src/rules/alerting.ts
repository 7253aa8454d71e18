// Alerting rules: pending -> firing after `for`, keep_firing_for, resolved alerts kept 15m so
// Alertmanager hears about the resolution, ALERTS / ALERTS_FOR_STATE series.
import { Labels, LabelsBuilder } from '../model/index.js';
import { expandAlertTemplate, type TemplateQueryFn } from '../template/index.js';
import { RuleEvalError } from './errors.js';
import type { EvalContext, Rule, RuleHealth, RuleSample } from './rule.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

/** An alert instance of a rule. Times in ms since the epoch; 0 = unset. */
export interface Alert {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** Resolved alerts stay around this long so they are sent as resolved (rules/alerting.go). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

const STATE_ORDER: Record<AlertState, number> = { inactive: 0, pending: 1, firing: 2 };

export class AlertingRule implements Rule {
  readonly kind = 'alerting' as const;
  health: RuleHealth = 'unknown';
  lastError: Error | null = null;
  evaluationTime = 0;
  lastEvaluation = 0;
  /** Keyed by the alert's label set. */
  active = new Map<string, Alert>();
  /** ALERTS samples are only written once `for` state was restored (or needs no restoring). */
  restored: boolean;

  constructor(
    readonly name: string,
    readonly query: string,
    /** ms */
    readonly holdDuration: number,
    /** ms */
    readonly keepFiringFor: number,
    readonly labels: Labels,
    readonly annotations: Labels,
    restored = true,
  ) {
    this.restored = restored;
  }

  equals(o: Rule): boolean {
    return (
      o instanceof AlertingRule &&
      o.name === this.name &&
      o.query === this.query &&
      o.holdDuration === this.holdDuration &&
      o.keepFiringFor === this.keepFiringFor &&
      o.labels.equals(this.labels) &&
      o.annotations.equals(this.annotations)
    );
  }

  /** The rule's state: the "worst" state among its alerts. */
  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) if (STATE_ORDER[a.state] > STATE_ORDER[s]) s = a.state;
    return s;
  }

  /** Alerts that are pending or firing (not the resolved ones kept for notification). */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive');
  }

  async eval(tsMs: number, ctx: EvalContext): Promise<RuleSample[]> {
    const res = await ctx.query(this.query, tsMs);
    const extLabels = ctx.externalLabels.toObject();
    const queryFn: TemplateQueryFn = async (q) => (await ctx.query(q, tsMs)).map((s) => ({ Labels: s.metric.toObject(), Value: s.v }));
    const expand = async (text: string, labels: Record<string, string>, value: number): Promise<string> => {
      if (!text.includes('{{')) return text;
      try {
        return await expandAlertTemplate(this.name, text, { labels, externalLabels: extLabels, externalURL: ctx.externalURL, value }, { query: queryFn, externalURL: safeURL(ctx.externalURL) });
      } catch (e) {
        ctx.warn?.('Expanding alert template failed', { alert: this.name, err: (e as Error).message });
        return `<error expanding template: ${(e as Error).message}>`;
      }
    };
    const fresh = new Map<string, Alert>();
    for (const s of res) {
      const l = s.metric.toObject();
      const lb = new LabelsBuilder(s.metric).del('__name__');
      for (let i = 0; i < this.labels.length; i++) lb.set(this.labels.name(i), await expand(this.labels.value(i), l, s.v));
      lb.set('alertname', this.name);
      const ann: [string, string][] = [];
      for (let i = 0; i < this.annotations.length; i++) ann.push([this.annotations.name(i), await expand(this.annotations.value(i), l, s.v)]);
      const labels = lb.labels();
      const k = labels.key();
      if (fresh.has(k)) throw new RuleEvalError('vector contains metrics with the same labelset after applying alert labels');
      fresh.set(k, { state: 'pending', labels, annotations: Labels.fromPairs(ann), value: s.v, activeAt: tsMs, firedAt: 0, resolvedAt: 0, lastSentAt: 0, validUntil: 0, keepFiringSince: 0 });
    }
    for (const [k, a] of fresh) {
      const old = this.active.get(k);
      if (old && old.state !== 'inactive') {
        old.value = a.value;
        old.annotations = a.annotations;
        continue;
      }
      this.active.set(k, a);
    }
    const vec: RuleSample[] = [];
    let numActivePending = 0;
    for (const [k, a] of this.active) {
      if (!fresh.has(k)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.keepFiringFor > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = tsMs;
          if (tsMs - a.keepFiringSince < this.keepFiringFor) keepFiring = true;
        }
        if (!keepFiring) {
          if (a.state === 'pending' || (a.resolvedAt !== 0 && tsMs - a.resolvedAt > RESOLVED_RETENTION_MS)) this.active.delete(k);
          if (a.state !== 'inactive') {
            a.state = 'inactive';
            a.resolvedAt = tsMs;
          }
          continue;
        }
      } else a.keepFiringSince = 0;
      numActivePending++;
      if (a.state === 'pending' && tsMs - a.activeAt >= this.holdDuration) {
        a.state = 'firing';
        a.firedAt = tsMs;
      }
      if (this.restored) {
        vec.push(this.alertsSample(a, tsMs));
        vec.push(this.forStateSample(a, tsMs, Math.trunc(a.activeAt / 1000)));
      }
    }
    if (ctx.limit > 0 && numActivePending > ctx.limit) {
      this.active.clear();
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${numActivePending} alerts`);
    }
    return vec;
  }

  private alertsSample(a: Alert, t: number): RuleSample {
    const lb = new LabelsBuilder(this.labels);
    for (let i = 0; i < a.labels.length; i++) lb.set(a.labels.name(i), a.labels.value(i));
    lb.set('__name__', 'ALERTS').set('alertname', this.name).set('alertstate', a.state);
    return { metric: lb.labels(), t, v: 1 };
  }

  forStateSample(a: Alert, t: number, v: number): RuleSample {
    const lb = new LabelsBuilder(this.labels);
    for (let i = 0; i < a.labels.length; i++) lb.set(a.labels.name(i), a.labels.value(i));
    lb.set('__name__', 'ALERTS_FOR_STATE').set('alertname', this.name);
    return { metric: lb.labels(), t, v };
  }

  /**
   * Alerts that must go to Alertmanager now: firing ones not sent within resendDelay, and ones
   * resolved since the last send. Marks them sent and sets validUntil (4 × max(resendDelay,
   * interval), allowing two missed evaluations or sends).
   */
  alertsToSend(tsMs: number, resendDelayMs: number, intervalMs: number): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const due = a.resolvedAt > a.lastSentAt || a.lastSentAt + resendDelayMs < tsMs;
      if (!due) continue;
      a.lastSentAt = tsMs;
      a.validUntil = tsMs + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({ ...a });
    }
    return out;
  }
}

function safeURL(u: string): URL | undefined {
  try {
    return u ? new URL(u) : undefined;
  } catch {
    return undefined;
  }
}
