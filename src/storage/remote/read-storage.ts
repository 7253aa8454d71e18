// remote_read for PromQL: before a query is evaluated, every selector in it is sent to each
// remote_read endpoint over the time range the selector can touch (Prometheus's
// FindMinMaxTime), and the answers are merged with local data (merge.ts). The engine's
// querier is synchronous, hence this prefetch instead of Prometheus's lazy remote querier.
// A failing endpoint turns into a warning on the result, as Prometheus's fanout does.
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { Labels, type Matcher } from '../../model/index.js';
import { parseExpr, walk, type Engine, type Expr, type QueryResult } from '../../promql/index.js';
import type { Queryable, Series } from '../index.js';
import { mergedQueryable } from './merge.js';
import { RemoteReader, remoteReaders } from './read-client.js';

export interface SelectorRange {
  readonly matchers: readonly Matcher[];
  readonly mint: number;
  readonly maxt: number;
}

/**
 * The selectors of expr with the [mint, maxt] each may read when evaluated over
 * [start, end], as Prometheus 2.42's getTimeRangesForSelector: subquery offsets and ranges
 * on the path, @ (and start()/end()), the selector's own offset, and the matrix range or
 * else the lookback delta.
 */
export function selectorRanges(expr: Expr, start: number, end: number, lookbackMs: number): SelectorRange[] {
  const out: SelectorRange[] = [];
  const at = (ts: number | null, se: 'start' | 'end' | null): number | null => (ts !== null ? ts : se === 'start' ? start : se === 'end' ? end : null);
  walk(expr, (e, path) => {
    if (e.kind !== 'VectorSelector') return;
    let subqOffset = 0;
    let subqRange = 0;
    let subqTs: number | null = null;
    for (const n of path) {
      if (n.kind !== 'SubqueryExpr') continue;
      subqOffset += n.originalOffset;
      subqRange += n.range;
      const ts = at(n.timestamp, n.startOrEnd);
      if (ts !== null) {
        // @ on a subquery resets the offsets and ranges above it.
        subqOffset = n.originalOffset;
        subqRange = n.range;
        subqTs = ts;
      }
    }
    let lo = subqTs ?? start;
    let hi = subqTs ?? end;
    const ts = at(e.timestamp, e.startOrEnd);
    if (ts !== null) lo = hi = ts;
    else {
      lo -= subqOffset + subqRange;
      hi -= subqOffset;
    }
    const parent = path[path.length - 1];
    lo -= parent?.kind === 'MatrixSelector' ? parent.range : lookbackMs;
    out.push({ matchers: e.matchers, mint: lo - e.originalOffset, maxt: hi - e.originalOffset });
  });
  return out;
}

/** The remote_read entries of the running config, and the engine wrapper that uses them. */
export class ReadStorage {
  private readers: RemoteReader[] = [];

  constructor(
    private readonly logger: Logger,
    /** Oldest local sample time (ms); read_recent: false reads remotely only before it. */
    private readonly localStartTime: () => number,
    private readonly lookbackMs: number,
  ) {}

  async applyConfig(cfg: Pick<Config, 'remote_read' | 'global'>): Promise<void> {
    const old = this.readers;
    this.readers = remoteReaders(cfg.remote_read, cfg.global.external_labels, this.localStartTime);
    await Promise.all(old.map((r) => r.close()));
  }

  async close(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.close()));
    this.readers = [];
  }

  /** Fetches what expr needs from every remote_read endpoint and merges it with local. */
  async prefetch(local: Queryable, expr: Expr, start: number, end: number): Promise<Queryable> {
    if (this.readers.length === 0) return local;
    const sels = selectorRanges(expr, start, end, this.lookbackMs);
    const byKey = new Map<string, Series>();
    const warnings: string[] = [];
    await Promise.all(
      this.readers.flatMap((r) =>
        sels.map(async (s) => {
          try {
            const set = await r.select(s.mint, s.maxt, [...s.matchers]);
            while (set.next()) {
              const series = set.at();
              // Two endpoints (or selectors) returning one series: keep the first.
              const k = series.labels.toString();
              if (!byKey.has(k)) byKey.set(k, series);
            }
          } catch (e) {
            const msg = `remote_read ${r.config.url}: ${e instanceof Error ? e.message : String(e)}`;
            this.logger.warn('Error reading from remote storage', { url: r.config.url, err: msg });
            warnings.push(msg);
          }
        }),
      ),
    );
    const remote = [...byKey.values()].sort((a, b) => Labels.compare(a.labels, b.labels));
    return mergedQueryable(local, remote, warnings);
  }

  /** An engine with the web API's shape whose queries include remote_read data. */
  engine(engine: Engine): Pick<Engine, 'instantQuery' | 'rangeQuery'> {
    return {
      instantQuery: async (q: Queryable, query: string | Expr, timeMs: number, signal?: AbortSignal): Promise<QueryResult> => {
        const expr = typeof query === 'string' ? parseExpr(query) : query;
        return engine.instantQuery(await this.prefetch(q, expr, timeMs, timeMs), expr, timeMs, signal);
      },
      rangeQuery: async (q: Queryable, query: string | Expr, startMs: number, endMs: number, stepMs: number, signal?: AbortSignal): Promise<QueryResult> => {
        const expr = typeof query === 'string' ? parseExpr(query) : query;
        return engine.rangeQuery(await this.prefetch(q, expr, startMs, endMs), expr, startMs, endMs, stepMs, signal);
      },
    };
  }
}
