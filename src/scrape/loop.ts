// One scrape loop per target: wait for the target's offset, then scrape every interval,
// append the body (or, on failure, only staleness markers) plus the five report series,
// and record the target's health. Stopping writes staleness markers for what it exposed.
import type { RelabelConfig } from '../config/index.js';
import { HttpClientError, type HttpClient } from '../discovery/index.js';
import type { Logger } from '../log/index.js';
import { Labels, STALE_NAN } from '../model/index.js';
import { StorageError, type Appendable, type Appender, type SeriesRef } from '../storage/index.js';
import { TextParseError } from '../textparse/index.js';
import { ScrapeCache } from './cache.js';
import { appendScrape, mutateReportSampleLabels, newAppendResult, ScrapeError, type AppendResult, type LabelLimits } from './append.js';
import type { Target } from './target.js';

/** Prometheus 2.42's Accept header for scrapes (protobuf is only asked for with native histograms). */
export const SCRAPE_ACCEPT_HEADER = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export const REPORT_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;

export interface LoopOptions {
  readonly target: Target;
  readonly client: HttpClient;
  readonly appendable: Appendable;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly metricRelabelConfigs: readonly RelabelConfig[];
  readonly sampleLimit: number;
  readonly limits: LabelLimits;
  readonly bodySizeLimit: number;
  readonly userAgent: string;
  readonly jitterSeed: bigint;
  /** Reuse a cache across a config reload so staleness keeps working. */
  readonly cache?: ScrapeCache;
}

const EMPTY = Buffer.alloc(0);

export class ScrapeLoop {
  readonly cache: ScrapeCache;
  readonly target: Target;
  /** Set by the pool when target_limit is exceeded: every scrape fails with it. */
  forcedError: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private current: Promise<void> | undefined;
  private nextAt = 0;
  private readonly abort = new AbortController();
  private readonly reportLabels: Labels[];
  private readonly reportRefs: (SeriesRef | 0)[] = [0, 0, 0, 0, 0];
  private readonly headers: Record<string, string>;
  private readonly url: string;
  private readonly opts: Parameters<typeof appendScrape>[5];

  constructor(private readonly o: LoopOptions) {
    this.target = o.target;
    this.cache = o.cache ?? new ScrapeCache();
    const pub = o.target.publicLabels();
    this.reportLabels = REPORT_SERIES.map((n) => mutateReportSampleLabels(Labels.fromObject({ __name__: n }), pub));
    this.url = o.target.url();
    this.opts = {
      targetLabels: pub,
      honorLabels: o.honorLabels,
      honorTimestamps: o.honorTimestamps,
      metricRelabelConfigs: o.metricRelabelConfigs,
      sampleLimit: o.sampleLimit,
      limits: o.limits,
    };
    this.headers = {
      accept: SCRAPE_ACCEPT_HEADER,
      'accept-encoding': 'gzip',
      'user-agent': o.userAgent,
      'x-prometheus-scrape-timeout-seconds': String(o.timeoutMs / 1000),
    };
  }

  /** Starts scraping after the target's offset within the interval. */
  start(): void {
    const delay = this.o.target.offset(this.o.intervalMs, this.o.jitterSeed);
    this.nextAt = Date.now() + delay;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const at = this.nextAt;
      // Ticks stay on the grid start + k*interval; a late tick skips missed slots.
      do this.nextAt += this.o.intervalMs;
      while (this.nextAt <= Date.now());
      this.current = this.scrapeAndReport(Math.max(at, Date.now())).finally(() => (this.current = undefined));
      this.schedule();
    }, Math.max(0, this.nextAt - Date.now()));
  }

  /**
   * Stops the loop. `stale`: 'next' waits until the next scrape would have happened (plus
   * 10% of the interval, as Prometheus) and then marks every series stale; 'now' marks them
   * stale at once (shutdown); 'none' leaves them (config reload reusing the cache).
   */
  async stop(stale: 'next' | 'now' | 'none'): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (stale !== 'next') this.abort.abort();
    await this.current;
    if (stale === 'none' || this.o.target.lastScrape === 0) return;
    let t = Date.now();
    if (stale === 'next') {
      const wait = this.nextAt - Date.now() + this.o.intervalMs / 10;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      t = this.nextAt + this.o.intervalMs / 10;
    }
    const app = this.o.appendable.appender();
    try {
      for (const st of this.cache.lastSeries()) appendIgnoringOrder(app, st.ref, st.lset, t, STALE_NAN);
      for (let i = 0; i < this.reportLabels.length; i++) appendIgnoringOrder(app, this.reportRefs[i]!, this.reportLabels[i]!, t, STALE_NAN);
      await app.commit();
    } catch (e) {
      await app.rollback();
      this.o.logger.warn('Stale append failed', { err: (e as Error).message });
    }
  }

  /** One scrape at `appendTime` (ms); exposed for tests and for the first scrape on demand. */
  async scrapeAndReport(appendTime: number): Promise<void> {
    const start = Date.now();
    let body: Buffer = EMPTY;
    let contentType: string | undefined;
    let scrapeErr: Error | undefined = this.forcedError;
    if (!scrapeErr) {
      try {
        const res = await this.o.client.get(this.url, { headers: this.headers, timeoutMs: this.o.timeoutMs, bodySizeLimit: this.o.bodySizeLimit, signal: this.abort.signal, gunzip: true });
        contentType = res.headers['content-type'];
        if (res.status !== 200) scrapeErr = new ScrapeError('http_status', `server returned HTTP status ${res.statusText}`, 'The target answered, but not with 200 OK; check its URL and health.');
        else body = res.body;
      } catch (e) {
        scrapeErr = e instanceof Error ? e : new Error(String(e));
      }
    }
    if (this.stopped && this.abort.signal.aborted) return;
    let app = this.o.appendable.appender();
    const r = newAppendResult();
    // A failed scrape is an empty scrape: appending nothing still writes staleness markers.
    try {
      appendScrape(app, this.cache, body, contentType, appendTime, this.opts, r);
    } catch (e) {
      await app.rollback();
      app = this.o.appendable.appender();
      if (!scrapeErr) scrapeErr = describeAppendError(e, contentType);
      this.o.logger.debug('Append failed', { err: scrapeErr.message });
      try {
        appendScrape(app, this.cache, EMPTY, undefined, appendTime, this.opts, newAppendResult());
      } catch (e2) {
        await app.rollback();
        app = this.o.appendable.appender();
        this.o.logger.warn('Append failed', { err: (e2 as Error).message });
      }
    }
    if (r.outOfOrder > 0) this.o.logger.warn('Error on ingesting out-of-order samples', { num_dropped: r.outOfOrder });
    if (r.duplicates > 0) this.o.logger.warn('Error on ingesting samples with different value but same timestamp', { num_dropped: r.duplicates });
    if (r.outOfBounds > 0) this.o.logger.warn('Error on ingesting samples that are too old or are too far into the future', { num_dropped: r.outOfBounds });
    const duration = (Date.now() - start) / 1000;
    this.report(app, appendTime, duration, r, scrapeErr);
    try {
      await app.commit();
    } catch (e) {
      this.o.logger.error('Scrape commit failed', { err: (e as Error).message });
    }
    const t = this.o.target;
    t.health = scrapeErr ? 'down' : 'up';
    t.lastError = scrapeErr ? scrapeErr.message : '';
    t.lastScrape = start;
    t.lastScrapeDuration = duration;
  }

  private report(app: Appender, t: number, duration: number, r: AppendResult, err: Error | undefined): void {
    const values = [err ? 0 : 1, duration, r.total, r.added, r.seriesAdded];
    try {
      for (let i = 0; i < values.length; i++) this.reportRefs[i] = app.append(this.reportRefs[i]!, this.reportLabels[i]!, t, values[i]!);
    } catch (e) {
      this.o.logger.warn('Appending scrape report failed', { err: (e as Error).message });
    }
  }
}

function appendIgnoringOrder(app: Appender, ref: SeriesRef | 0, l: Labels, t: number, v: number): void {
  try {
    app.append(ref, l, t, v);
  } catch (e) {
    if (!(e instanceof StorageError) || (e.code !== 'out_of_order' && e.code !== 'duplicate_sample')) throw e;
  }
}

/** Says what was wrong with the body: Prometheus's parser message plus the line and a hint for HTML. */
function describeAppendError(e: unknown, contentType: string | undefined): Error {
  if (e instanceof TextParseError) {
    const html = contentType !== undefined && /^\s*text\/html/i.test(contentType);
    const msg = `${e.message} (line ${e.line} of the scraped body${html ? `; the target answered with ${contentType}, not a metrics exposition` : ''})`;
    return new ScrapeError('parse_error', msg, html ? 'The URL serves a web page; point metrics_path at the metrics endpoint.' : 'Fix the exposition at that line.');
  }
  if (e instanceof ScrapeError || e instanceof StorageError || e instanceof HttpClientError) return e;
  return e instanceof Error ? e : new Error(String(e));
}
