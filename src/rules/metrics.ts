// prometheus_rule_* self-metrics as plain numbers the server maps onto its registry.

export type RuleCounter = 'evalTotal' | 'evalFailures' | 'iterationsMissed' | 'iterationsTotal';
export type RuleGauge = 'groupSamples' | 'groupLastDuration' | 'groupLastEvalTimestamp' | 'groupInterval' | 'groupRules';

/** Prometheus's metric name for each counter/gauge; all carry a rule_group="file;name" label. */
export const RULE_METRIC_NAMES: Record<RuleCounter | RuleGauge, string> = {
  evalTotal: 'prometheus_rule_evaluations_total',
  evalFailures: 'prometheus_rule_evaluation_failures_total',
  iterationsMissed: 'prometheus_rule_group_iterations_missed_total',
  iterationsTotal: 'prometheus_rule_group_iterations_total',
  groupSamples: 'prometheus_rule_group_last_evaluation_samples',
  groupLastDuration: 'prometheus_rule_group_last_duration_seconds',
  groupLastEvalTimestamp: 'prometheus_rule_group_last_evaluation_timestamp_seconds',
  groupInterval: 'prometheus_rule_group_interval_seconds',
  groupRules: 'prometheus_rule_group_rules',
};

export class RuleMetrics {
  /** metric -> rule_group -> value */
  readonly values = new Map<RuleCounter | RuleGauge, Map<string, number>>();
  /** Sum of evaluation durations (seconds) and their count, for prometheus_rule_evaluation_duration_seconds. */
  evalDurationSum = 0;
  evalDurationCount = 0;
  groupDurationSum = 0;
  groupDurationCount = 0;

  inc(m: RuleCounter, group: string, by = 1): void {
    const g = this.bucket(m);
    g.set(group, (g.get(group) ?? 0) + by);
  }

  set(m: RuleGauge, group: string, v: number): void {
    this.bucket(m).set(group, v);
  }

  /** Forgets a removed group's series, as Prometheus deletes its label values. */
  drop(group: string): void {
    for (const g of this.values.values()) g.delete(group);
  }

  private bucket(m: RuleCounter | RuleGauge): Map<string, number> {
    let g = this.values.get(m);
    if (!g) this.values.set(m, (g = new Map()));
    return g;
  }
}
