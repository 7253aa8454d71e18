// What recording and alerting rules share: evaluation contract, health, and the sample shape.
import type { Labels } from '../model/index.js';

export type RuleHealth = 'ok' | 'err' | 'unknown';

/** One output sample of a rule evaluation (t in ms). */
export interface RuleSample {
  metric: Labels;
  t: number;
  v: number;
}

/**
 * Runs an instant query at `tsMs` and returns a vector, as rules.EngineQueryFunc does: a scalar
 * result becomes one sample without labels; any other type is an error.
 */
export type QueryFunc = (expr: string, tsMs: number) => Promise<RuleSample[]>;

export interface EvalContext {
  query: QueryFunc;
  externalURL: string;
  externalLabels: Labels;
  /** 0 = no limit. */
  limit: number;
  /** Warns about template expansion failures and the like. */
  warn?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface Rule {
  readonly kind: 'recording' | 'alerting';
  readonly name: string;
  /** The expression as Prometheus prints it (what the API shows as `query`). */
  readonly query: string;
  health: RuleHealth;
  lastError: Error | null;
  /** Seconds the last evaluation took. */
  evaluationTime: number;
  /** Start of the last evaluation, ms; 0 = never. */
  lastEvaluation: number;
  eval(tsMs: number, ctx: EvalContext): Promise<RuleSample[]>;
  /** Same definition (used to carry state across reloads). */
  equals(o: Rule): boolean;
}
