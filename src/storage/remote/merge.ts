// A Queryable that merges local series with series fetched beforehand from remote_read
// endpoints, like Prometheus's fanout storage with remote read as secondary queriers. Local
// queriers are synchronous in promts and remote reads are not, so the remote series are
// fetched first (see read-prefetch.ts) and held in memory for the one query.
import { Labels, type Matcher } from '../../model/index.js';
import { ArraySeriesSet, type Querier, type Queryable, type SampleIterator, type SelectHints, type Series, type SeriesSet } from '../index.js';

/** Yields the samples of two iterators in time order; on equal timestamps the first wins. */
class MergeIterator implements SampleIterator {
  t = 0;
  v = 0;
  private aOk = false;
  private bOk = false;
  private started = false;
  constructor(
    private readonly a: SampleIterator,
    private readonly b: SampleIterator,
  ) {}
  private pick(): boolean {
    if (this.aOk && (!this.bOk || this.a.t <= this.b.t)) {
      this.t = this.a.t;
      this.v = this.a.v;
      return true;
    }
    if (this.bOk) {
      this.t = this.b.t;
      this.v = this.b.v;
      return true;
    }
    return false;
  }
  next(): boolean {
    if (!this.started) {
      this.started = true;
      this.aOk = this.a.next();
      this.bOk = this.b.next();
      return this.pick();
    }
    // Advance whichever produced the current sample, and the other too on a tie (dedupe).
    const t = this.t;
    if (this.aOk && this.a.t === t) this.aOk = this.a.next();
    if (this.bOk && this.b.t === t) this.bOk = this.b.next();
    return this.pick();
  }
  seek(t: number): boolean {
    if (this.started && (this.aOk || this.bOk) && this.t >= t) return true;
    this.started = true;
    this.aOk = this.a.seek(t);
    this.bOk = this.b.seek(t);
    return this.pick();
  }
  err(): Error | null {
    return this.a.err() ?? this.b.err();
  }
}

class MergedSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly local: Series,
    private readonly remote: Series,
  ) {}
  iterator(): SampleIterator {
    return new MergeIterator(this.local.iterator(), this.remote.iterator());
  }
}

function matchesAll(ls: Labels, ms: readonly Matcher[]): boolean {
  for (const m of ms) if (!m.matches(ls.get(m.name) ?? '')) return false;
  return true;
}

/**
 * `remote` holds every series the prefetch returned (sorted, unique labels). A select takes
 * the local selection and adds the remote series its matchers match; with none, the local
 * set is returned untouched, so queries that read nothing remote cost nothing extra.
 */
export function mergedQueryable(local: Queryable, remote: readonly Series[], warnings: readonly string[]): Queryable {
  return {
    querier(mint: number, maxt: number): Querier {
      const q = local.querier(mint, maxt);
      return {
        select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
          const rs = remote.filter((s) => matchesAll(s.labels, matchers));
          if (rs.length === 0 && warnings.length === 0) return q.select(sortSeries, hints, ...matchers);
          const ls = q.select(true, hints, ...matchers);
          const out: Series[] = [];
          let ri = 0;
          while (ls.next()) {
            const l = ls.at();
            while (ri < rs.length && Labels.compare(rs[ri]!.labels, l.labels) < 0) out.push(rs[ri++]!);
            if (ri < rs.length && Labels.compare(rs[ri]!.labels, l.labels) === 0) out.push(new MergedSeries(l.labels, l, rs[ri++]!));
            else out.push(l);
          }
          while (ri < rs.length) out.push(rs[ri++]!);
          const err = ls.err();
          if (err) throw err;
          return new ArraySeriesSet(out, [...ls.warnings(), ...warnings]);
        },
        labelValues: (name, ...ms) => q.labelValues(name, ...ms),
        labelNames: (...ms) => q.labelNames(...ms),
        close: () => q.close(),
      };
    },
  };
}
