import { LabelsBuilder, type Labels } from '../model/index.js';
import { RuleEvalError } from './errors.js';
import type { EvalContext, Rule, RuleHealth, RuleSample } from './rule.js';

export class RecordingRule implements Rule {
  readonly kind = 'recording' as const;
  health: RuleHealth = 'unknown';
  lastError: Error | null = null;
  evaluationTime = 0;
  lastEvaluation = 0;

  constructor(
    readonly name: string,
    readonly query: string,
    readonly labels: Labels,
  ) {}

  async eval(tsMs: number, ctx: EvalContext): Promise<RuleSample[]> {
    const vector = await ctx.query(this.query, tsMs);
    const seen = new Set<string>();
    const out: RuleSample[] = [];
    for (const s of vector) {
      const lb = new LabelsBuilder(s.metric).set('__name__', this.name);
      for (let i = 0; i < this.labels.length; i++) lb.set(this.labels.name(i), this.labels.value(i));
      const metric = lb.labels();
      const k = metric.key();
      if (seen.has(k)) throw new RuleEvalError('vector contains metrics with the same labelset after applying rule labels');
      seen.add(k);
      out.push({ metric, t: s.t, v: s.v });
    }
    if (ctx.limit > 0 && out.length > ctx.limit) throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${out.length} series`);
    return out;
  }

  equals(o: Rule): boolean {
    return o instanceof RecordingRule && o.name === this.name && o.query === this.query && o.labels.equals(this.labels);
  }
}
