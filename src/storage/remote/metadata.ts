// metadata_config of one remote_write queue, like Prometheus 2.42's MetadataWatcher +
// QueueManager.AppendMetadata: every send_interval, the HELP/TYPE/UNIT of every active
// target (duplicates across targets included, as Prometheus sends them) goes out in
// WriteRequests holding only metadata, max_samples_per_send entries each, with the same
// retry rules as samples. Sent outside the shards: metadata has no ordering with samples.
import type { MetadataConfig } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import type { MetricType } from '../index.js';
import { sleep } from '../../model/index.js';
import type { RemoteClient } from './client.js';
import { compress, writeHeaders } from './codec.js';
import { RemoteError } from './errors.js';
import { encodeWriteRequest, type MetadataEntry } from './messages.js';
import type { QueueMetrics } from './metrics.js';
import { ProtoWriter } from './proto.js';

/** One metric family a target exposed; ScrapeManager.metadata() returns these. */
export interface TargetMetadataEntry {
  readonly metric: string;
  readonly metadata: { readonly type: MetricType; readonly help: string; readonly unit: string };
}

/** Where metadata comes from (the scrape manager); empty until scraping has started. */
export type MetadataSource = () => Iterable<TargetMetadataEntry>;

const HEADERS = writeHeaders();
const NO_SAMPLES = new Float64Array(0);

export class MetadataSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private readonly writer = new ProtoWriter(16 * 1024);

  constructor(
    private readonly cfg: MetadataConfig,
    private readonly source: MetadataSource,
    private readonly client: RemoteClient,
    private readonly metrics: QueueMetrics,
    private readonly backoff: { readonly minMs: number; readonly maxMs: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.cfg.send || this.cfg.send_interval <= 0) return;
    // A ticker, as Prometheus: the first send is one interval after start.
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sendAll().finally(() => (this.running = null));
    }, this.cfg.send_interval);
    this.timer.unref?.();
  }

  /** Stops the ticker and cancels a send in progress (metadata is resent next interval anyway). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running;
  }

  /** Collects and sends all current metadata now; resolves when done or given up. */
  async sendAll(): Promise<void> {
    const all: MetadataEntry[] = [];
    for (const e of this.source()) all.push({ family: e.metric, type: e.metadata.type, help: e.metadata.help, unit: e.metadata.unit });
    const per = Math.max(1, this.cfg.max_samples_per_send);
    for (let i = 0; i < all.length && !this.abort.signal.aborted; i += per) {
      const part = all.slice(i, i + per);
      try {
        await this.sendWithBackoff(part);
      } catch (e) {
        this.metrics.metadataFailed += part.length;
        this.logger.error('non-recoverable error while sending metadata', { count: part.length, err: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private async sendWithBackoff(part: readonly MetadataEntry[]): Promise<void> {
    const body = compress(encodeWriteRequest(this.writer, [], NO_SAMPLES, NO_SAMPLES, 0, part));
    let backoff = this.backoff.minMs;
    for (;;) {
      try {
        await this.client.post(body, HEADERS, this.abort.signal);
        this.metrics.metadataSent += part.length;
        this.metrics.metadataBytes += body.length;
        return;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        if (!(e instanceof RemoteError) || e.code !== 'remote_recoverable') throw e;
        this.metrics.metadataRetried += part.length;
        const wait = e.retryAfterMs > 0 ? e.retryAfterMs : backoff;
        this.logger.warn('Failed to send metadata, retrying', { err: e.message });
        await sleep(wait, this.abort.signal);
        backoff = Math.min(wait * 2, this.backoff.maxMs);
      }
    }
  }
}
