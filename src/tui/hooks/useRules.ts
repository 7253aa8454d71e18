/** The Rules view's data: every rule group (GET /rules). */
import type { ApiClient, RulesData } from '../api/index.js';
import { usePoll, type Polled } from './usePoll.js';

export function useRules(api: ApiClient, intervalMs: number, now: () => number): Polled<RulesData> {
  return usePoll((signal) => api.rules(signal), intervalMs, now, [api]);
}
