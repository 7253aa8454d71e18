// One shard of a remote-write queue: a bounded FIFO of samples (parallel arrays, no object
// per sample) and a send loop that ships batches of max_samples_per_send, or whatever is
// queued when batch_send_deadline passes, one request at a time. Because a series always
// maps to the same shard and a shard has one request in flight, samples of a series arrive
// in order, also across retries.
import { ProtoWriter } from './proto.js';
import { sleep as sleepFor } from '../../model/index.js';
import { encodeWriteRequest } from './messages.js';
import { compress, writeHeaders } from './codec.js';
import { RemoteError } from './errors.js';
import type { RemoteClient } from './client.js';
import type { QueueMetrics } from './metrics.js';
import type { Logger } from '../../log/index.js';

export interface ShardSettings {
  readonly capacity: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadlineMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

const HEADERS = writeHeaders();

export class Shard {
  /** Ring buffer; size = capacity rounded up to a power of two so the index is a mask. */
  private readonly labels: (Buffer | null)[];
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private readonly mask: number;
  private head = 0;
  private len = 0;
  /** Batch scratch, reused for every request of this shard. */
  private readonly bLabels: Buffer[] = [];
  private readonly bTs: Float64Array;
  private readonly bVs: Float64Array;
  private readonly writer = new ProtoWriter();
  private sending = false;
  /** Set by flush() while a send is running: keep sending partial batches until empty. */
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly s: ShardSettings,
    private readonly client: RemoteClient,
    private readonly metrics: QueueMetrics,
    private readonly logger: Logger,
  ) {
    let size = 1;
    while (size < s.capacity) size *= 2;
    this.mask = size - 1;
    this.labels = new Array<Buffer | null>(size).fill(null);
    this.ts = new Float64Array(size);
    this.vs = new Float64Array(size);
    this.bTs = new Float64Array(s.maxSamplesPerSend);
    this.bVs = new Float64Array(s.maxSamplesPerSend);
  }

  /** Queued samples not yet in a request. */
  get pending(): number {
    return this.len;
  }

  /** Adds one sample; false when the shard holds `capacity` samples already. */
  enqueue(labels: Buffer, t: number, v: number): boolean {
    if (this.len >= this.s.capacity) return false;
    const i = (this.head + this.len) & this.mask;
    this.labels[i] = labels;
    this.ts[i] = t;
    this.vs[i] = v;
    this.len++;
    if (!this.sending) {
      if (this.len >= this.s.maxSamplesPerSend) void this.run();
      else if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.run();
        }, this.s.batchSendDeadlineMs);
      }
    }
    return true;
  }

  /** Sends everything queued; resolves when the shard is empty and idle. */
  flush(): Promise<void> {
    if (this.len === 0 && !this.sending) return Promise.resolve();
    const p = new Promise<void>((r) => this.idleWaiters.push(r));
    if (!this.sending) void this.run(true);
    else this.flushing = true;
    return p;
  }

  /** Cancels an in-flight request or backoff (hard shutdown after the flush deadline). */
  hardStop(): number {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const dropped = this.len;
    this.len = 0;
    return dropped;
  }

  private async run(flush = false): Promise<void> {
    if (this.sending) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.sending = true;
    try {
      while (this.len > 0 && !this.abort.signal.aborted) {
        // Full batches go out at once; a partial batch only when the deadline fired or on flush.
        await this.sendBatch();
        if (this.len < this.s.maxSamplesPerSend && !flush && !this.flushing) break;
      }
    } finally {
      this.sending = false;
    }
    if (this.len > 0 && !this.abort.signal.aborted) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.run();
      }, this.s.batchSendDeadlineMs);
    } else if (this.len === 0) {
      this.flushing = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of w) r();
    }
  }

  private async sendBatch(): Promise<void> {
    const n = Math.min(this.len, this.s.maxSamplesPerSend);
    let maxT = -Infinity;
    for (let k = 0; k < n; k++) {
      const i = (this.head + k) & this.mask;
      this.bLabels[k] = this.labels[i]!;
      this.labels[i] = null;
      this.bTs[k] = this.ts[i]!;
      this.bVs[k] = this.vs[i]!;
      if (this.ts[i]! > maxT) maxT = this.ts[i]!;
    }
    this.head = (this.head + n) & this.mask;
    this.len -= n;
    this.metrics.pending -= n;
    const req = compress(encodeWriteRequest(this.writer, this.bLabels, this.bTs, this.bVs, n));
    this.bLabels.length = 0;
    await this.sendWithBackoff(req, n, maxT);
  }

  private async sendWithBackoff(body: Buffer, n: number, maxT: number): Promise<void> {
    let backoff = this.s.minBackoffMs;
    for (;;) {
      const begin = performance.now();
      try {
        await this.client.post(body, HEADERS, this.abort.signal);
        const took = performance.now() - begin;
        this.metrics.samplesSent += n;
        this.metrics.bytesSent += body.length;
        this.metrics.sendDurationMs += took;
        this.metrics.batches++;
        this.metrics.lastSendTimestampMs = Date.now();
        if (maxT / 1000 > this.metrics.highestSentTimestampSeconds) this.metrics.highestSentTimestampSeconds = maxT / 1000;
        return;
      } catch (e) {
        if (this.abort.signal.aborted) {
          this.metrics.samplesDropped += n;
          return;
        }
        const err = e instanceof RemoteError ? e : new RemoteError('remote_recoverable', String(e), 'Unexpected send error; retried.');
        if (err.code !== 'remote_recoverable') {
          this.metrics.samplesFailed += n;
          this.logger.error('non-recoverable error', { count: n, exemplarCount: 0, err: err.message });
          return;
        }
        this.metrics.samplesRetried += n;
        const sleep = err.retryAfterMs > 0 ? err.retryAfterMs : backoff;
        this.logger.warn('Failed to send batch, retrying', { err: err.message });
        await sleepFor(sleep, this.abort.signal);
        backoff = Math.min(sleep * 2, this.s.maxBackoffMs);
      }
    }
  }
}
