import type { Matcher } from '../../model/index.js';
import { ApiError, invalidParam } from '../errors.js';
import { parseMetricSelector } from '../selector.js';
import type { WebDeps } from '../types.js';

/** What API handlers share: the injected providers, flags, the clock, the selector parser. */
export class ApiContext {
  readonly now: () => number;
  private readonly parseSel: (s: string) => Matcher[];

  constructor(
    readonly deps: WebDeps,
    readonly enableAdmin: boolean,
  ) {
    this.now = deps.now ?? Date.now;
    this.parseSel = deps.parseMetricSelector ?? parseMetricSelector;
  }

  parseSelector(s: string): Matcher[] {
    return this.parseSel(s);
  }

  /**
   * Prometheus's parseMatchersParam: each match[] parsed, and each set must contain a
   * matcher that does not match the empty string. `paramName` set: errors are wrapped as
   * `invalid parameter "match[]": ...` (series, delete_series); unset: bare (labels, values).
   */
  matcherSets(values: string[], paramName?: string): Matcher[][] {
    const wrap = (msg: string) => (paramName ? invalidParam(paramName, msg) : new ApiError('bad_data', msg));
    const sets: Matcher[][] = [];
    for (const v of values) {
      try {
        sets.push(this.parseSelector(v));
      } catch (e) {
        throw wrap(e instanceof Error ? e.message : String(e));
      }
    }
    for (const ms of sets) {
      if (!ms.some((m) => !m.matches(''))) throw wrap('match[] must contain at least one non-empty matcher');
    }
    return sets;
  }
}
