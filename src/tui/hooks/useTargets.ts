/** The Targets view's data: active targets, polled; the filter is applied in the view. */
import type { ApiClient, TargetsData } from '../api/index.js';
import { usePoll, type Polled } from './usePoll.js';

export function useTargets(api: ApiClient, intervalMs: number, now: () => number): Polled<TargetsData> {
  return usePoll((signal) => api.targets(signal), intervalMs, now, [api]);
}
