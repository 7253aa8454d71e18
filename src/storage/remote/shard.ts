// One shard of a remote-write queue: a bounded FIFO of samples (parallel arrays, no object
// per sample) and a send loop that ships batches of max_samples_per_send, or whatever is
// queued when batch_send_deadline passes, one request at a time. Because a series always
// maps to the same shard and a shard has one request in flight, samples of a series arrive
// in order, also across retries.
import { ProtoWriter } from './proto.js';
import { sleep as sleepFor } from '../../model/index.js';
import { encodeWriteRequest, type ExemplarBatch } from './messages.js';
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
  /** send_exemplars: an entry with exemplar labels here is an exemplar, not a sample. */
  private readonly exLabels: (Buffer | null)[];
  /** Exemplars queued; while 0, batches take the samples-only path. */
  private exQueued = 0;
  /** Exemplar batch scratch. */
  private readonly ex: { labels: Buffer[]; exLabels: Buffer[]; ts: Float64Array; vs: Float64Array; n: number };
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
    this.exLabels = new Array<Buffer | null>(size).fill(null);
    this.ex = { labels: [], exLabels: [], ts: new Float64Array(s.maxSamplesPerSend), vs: new Float64Array(s.maxSamplesPerSend), n: 0 };
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
    this.kick();
    return true;
  }

  /**
   * Adds one exemplar (send_exemplars); it shares the queue, capacity and batches with the
   * samples, as in Prometheus. false when the shard is full.
   */
  enqueueExemplar(labels: Buffer, exLabels: Buffer, t: number, v: number): boolean {
    if (this.len >= this.s.capacity) return false;
    const i = (this.head + this.len) & this.mask;
    this.labels[i] = labels;
    this.exLabels[i] = exLabels;
    this.ts[i] = t;
    this.vs[i] = v;
    this.len++;
    this.exQueued++;
    this.kick();
    return true;
  }

  /** Starts a send for a full batch, or arms the batch deadline. */
  private kick(): void {
    if (!this.sending) {
      if (this.len >= this.s.maxSamplesPerSend) void this.run();
      else if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.run();
        }, this.s.batchSendDeadlineMs);
      }
    }
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
    const dropped = this.len - this.exQueued;
    this.metrics.exemplarsDropped += this.exQueued;
    this.metrics.exemplarsPending -= this.exQueued;
    this.exQueued = 0;
    this.exLabels.fill(null);
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
    const total = Math.min(this.len, this.s.maxSamplesPerSend);
    let maxT = -Infinity;
    let n = 0; // samples in this batch
    const ex = this.ex;
    ex.n = 0;
    for (let k = 0; k < total; k++) {
      const i = (this.head + k) & this.mask;
      if (this.exQueued > 0 && this.exLabels[i] !== null) {
        // send_exemplars: an exemplar entry.
        ex.labels[ex.n] = this.labels[i]!;
        ex.exLabels[ex.n] = this.exLabels[i]!;
        ex.ts[ex.n] = this.ts[i]!;
        ex.vs[ex.n] = this.vs[i]!;
        ex.n++;
        this.labels[i] = null;
        this.exLabels[i] = null;
        continue;
      }
      this.bLabels[n] = this.labels[i]!;
      this.labels[i] = null;
      this.bTs[n] = this.ts[i]!;
      this.bVs[n] = this.vs[i]!;
      if (this.ts[i]! > maxT) maxT = this.ts[i]!;
      n++;
    }
    this.head = (this.head + total) & this.mask;
    this.len -= total;
    this.exQueued -= ex.n;
    this.metrics.pending -= n;
    this.metrics.exemplarsPending -= ex.n;
    const req = compress(encodeWriteRequest(this.writer, this.bLabels, this.bTs, this.bVs, n, [], ex.n > 0 ? (ex as ExemplarBatch) : undefined));
    this.bLabels.length = 0;
    const ne = ex.n;
    ex.labels.length = 0;
    ex.exLabels.length = 0;
    await this.sendWithBackoff(req, n, maxT, ne);
  }

  private async sendWithBackoff(body: Buffer, n: number, maxT: number, ne = 0): Promise<void> {
    let backoff = this.s.minBackoffMs;
    for (;;) {
      const begin = performance.now();
      try {
        await this.client.post(body, HEADERS, this.abort.signal);
        const took = performance.now() - begin;
        this.metrics.samplesSent += n;
        this.metrics.exemplarsSent += ne;
        this.metrics.bytesSent += body.length;
        this.metrics.sendDurationMs += took;
        this.metrics.batches++;
        this.metrics.lastSendTimestampMs = Date.now();
        if (maxT / 1000 > this.metrics.highestSentTimestampSeconds) this.metrics.highestSentTimestampSeconds = maxT / 1000;
        return;
      } catch (e) {
        if (this.abort.signal.aborted) {
          this.metrics.samplesDropped += n;
          this.metrics.exemplarsDropped += ne;
          return;
        }
        const err = e instanceof RemoteError ? e : new RemoteError('remote_recoverable', String(e), 'Unexpected send error; retried.');
        if (err.code !== 'remote_recoverable') {
          this.metrics.samplesFailed += n;
          this.metrics.exemplarsFailed += ne;
          this.logger.error('non-recoverable error', { count: n, exemplarCount: ne, err: err.message });
          return;
        }
        this.metrics.samplesRetried += n;
        this.metrics.exemplarsRetried += ne;
        const sleep = err.retryAfterMs > 0 ? err.retryAfterMs : backoff;
        this.logger.warn('Failed to send batch, retrying', { err: err.message });
        await sleepFor(sleep, this.abort.signal);
        backoff = Math.min(sleep * 2, this.s.maxBackoffMs);
      }
    }
  }
}
