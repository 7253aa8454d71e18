/** The Alerts view's data: alerting rules with their active alerts (GET /rules?type=alert). */
import type { ApiClient, RulesData } from '../api/index.js';
import { usePoll, type Polled } from './usePoll.js';

export function useAlerts(api: ApiClient, intervalMs: number, now: () => number): Polled<RulesData> {
  return usePoll((signal) => api.rules(signal, 'alert'), intervalMs, now, [api]);
}
