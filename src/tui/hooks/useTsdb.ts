/** The TSDB view's data: head cardinality stats, plus the server's flags and loaded config. */
import type { ApiClient, ConfigData, FlagsData, TsdbStatus } from '../api/index.js';
import { all, usePoll, type Polled } from './usePoll.js';

export interface TsdbData {
  readonly tsdb: TsdbStatus;
  readonly flags: FlagsData;
  readonly config: ConfigData;
}

export function useTsdb(api: ApiClient, intervalMs: number, now: () => number): Polled<TsdbData> {
  return usePoll((signal) => all({ tsdb: api.tsdbStatus(signal), flags: api.flags(signal), config: api.config(signal) }), intervalMs, now, [api]);
}
