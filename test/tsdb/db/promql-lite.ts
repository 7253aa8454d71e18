// Just enough of PromQL's instant vector selection to compare storage answers with what
// Prometheus's HTTP API returned for plain selectors: the newest sample within the 5 m
// lookback [T-5m, T], dropped when it is a staleness marker.
import type { Matcher } from '../../../src/model/index.js';
import { formatFloat, isStaleNaN } from '../../../src/model/index.js';
import type { Queryable } from '../../../src/storage/index.js';

export const LOOKBACK_MS = 5 * 60 * 1000;

/** labels (JSON of the label object) -> formatted value, at time T (ms). */
export function instantSelect(db: Queryable, t: number, ...matchers: Matcher[]): Map<string, string> {
  const q = db.querier(t - LOOKBACK_MS, t);
  const ss = q.select(true, undefined, ...matchers);
  const out = new Map<string, string>();
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    let have = false;
    let v = 0;
    let stale = false;
    if (it.seek(t - LOOKBACK_MS)) {
      do {
        if (it.t > t) break;
        have = true;
        v = it.v;
        stale = isStaleNaN(it.v);
      } while (it.next());
    }
    if (it.err()) throw it.err();
    if (have && !stale) out.set(JSON.stringify(s.labels.toObject()), formatFloat(v));
  }
  if (ss.err()) throw ss.err();
  q.close();
  return out;
}

/** Same as a query_range of a plain selector: labels -> [[t_ms, value], ...]. */
export function rangeSelect(db: Queryable, start: number, end: number, step: number, ...matchers: Matcher[]): Map<string, [number, string][]> {
  const out = new Map<string, [number, string][]>();
  for (let t = start; t <= end; t += step) {
    for (const [k, v] of instantSelect(db, t, ...matchers)) {
      let l = out.get(k);
      if (!l) out.set(k, (l = []));
      l.push([t, v]);
    }
  }
  return out;
}
