// The queue of one remote_write entry, like Prometheus 2.42's QueueManager: a WAL watcher
// feeds samples (labels resolved through series records, external labels added, then
// write_relabel_configs applied) into N shards chosen by series ref; every shardUpdate period
// the number of shards is recomputed from the incoming vs outgoing sample rate and the time
// a sample takes to send, within [min_shards, max_shards].
import { createHash } from 'node:crypto';
import type { RemoteWriteConfig } from '../../config/index.js';
import { Labels, LabelsBuilder } from '../../model/index.js';
import type { Logger } from '../../log/index.js';
import { relabel } from '../../relabel/index.js';
import type { SampleBatch } from '../../tsdb/index.js';
import { RemoteClient } from './client.js';
import { encodeLabels } from './messages.js';
import { MetadataSender, type MetadataSource } from './metadata.js';
import { QueueMetrics } from './metrics.js';
import { SeriesTable } from './series-table.js';
import { Shard, type ShardSettings } from './shard.js';
import { WalWatcher, type WatcherSink, type WalExemplar } from './watcher.js';

export interface QueueOptions {
  readonly config: RemoteWriteConfig;
  readonly externalLabels: Readonly<Record<string, string>>;
  /** The server's `<data>/wal` directory. */
  readonly walDir: string;
  readonly logger: Logger;
  /** --storage.remote.flush-deadline (default 1m). */
  readonly flushDeadlineMs: number;
  /** Samples at or before this time are not sent; default: now. */
  readonly startTime?: number;
  /** How often the shard count is reconsidered; Prometheus uses 10s. */
  readonly shardUpdateMs?: number;
  /** HELP/TYPE/UNIT of active targets, sent per metadata_config; none sent without it. */
  readonly metadata?: MetadataSource;
}

const EWMA_WEIGHT = 0.2;
const SHARD_TOLERANCE = 0.3;

/** An exponentially weighted rate ticked once per shard update, as Prometheus's ewmaRate. */
class EwmaRate {
  private pending = 0;
  private init = false;
  rate = 0;
  constructor(private readonly intervalS: number) {}
  add(n: number): void {
    this.pending += n;
  }
  tick(): void {
    const instant = this.pending / this.intervalS;
    this.pending = 0;
    if (this.init) this.rate += EWMA_WEIGHT * (instant - this.rate);
    else if (instant > 0) {
      this.init = true;
      this.rate = instant;
    }
  }
}

/** Prometheus names an unnamed queue by a hash of its config; we hash the URL and name. */
export function queueName(cfg: RemoteWriteConfig): string {
  return cfg.name || createHash('sha256').update(JSON.stringify({ url: cfg.url, relabel: cfg.write_relabel_configs })).digest('hex').slice(0, 6);
}

export class QueueManager implements WatcherSink {
  readonly metrics = new QueueMetrics();
  readonly name: string;
  private readonly client: RemoteClient;
  private readonly watcher: WalWatcher;
  private readonly metadataSender: MetadataSender | null;
  /** Encoded labels per WAL series ref (null when write_relabel_configs dropped the series). */
  private readonly series = new SeriesTable();
  private shards: Shard[] = [];
  private readonly settings: ShardSettings;
  private resharding = false;
  private stopped = false;
  private shardTimer: NodeJS.Timeout | null = null;
  private readonly shardUpdateMs: number;
  private readonly dataIn: EwmaRate;
  private readonly dataOut: EwmaRate;
  private readonly dataDropped: EwmaRate;
  private readonly dataOutDuration: EwmaRate;
  private lastOut = 0;
  private lastDropped = 0;
  private lastDuration = 0;
  private readonly extNames: string[];

  constructor(private readonly o: QueueOptions) {
    const c = o.config;
    const q = c.queue_config;
    this.name = queueName(c);
    this.client = new RemoteClient({ url: c.url, timeoutMs: c.remote_timeout, headers: c.headers, retryOn429: q.retry_on_http_429, http: c, sigv4: c.sigv4 });
    this.settings = {
      capacity: q.capacity,
      maxSamplesPerSend: q.max_samples_per_send,
      batchSendDeadlineMs: q.batch_send_deadline,
      minBackoffMs: q.min_backoff,
      maxBackoffMs: q.max_backoff,
    };
    this.shardUpdateMs = o.shardUpdateMs ?? 10_000;
    const iv = this.shardUpdateMs / 1000;
    this.dataIn = new EwmaRate(iv);
    this.dataOut = new EwmaRate(iv);
    this.dataDropped = new EwmaRate(iv);
    this.dataOutDuration = new EwmaRate(iv);
    this.extNames = Object.keys(o.externalLabels);
    const m = this.metrics;
    m.shardsMin = q.min_shards;
    m.shardsMax = q.max_shards;
    m.shardCapacity = q.capacity;
    m.maxSamplesPerSend = q.max_samples_per_send;
    this.metadataSender = o.metadata
      ? new MetadataSender(c.metadata_config, o.metadata, this.client, m, { minMs: q.min_backoff, maxMs: q.max_backoff }, o.logger.with({ component: 'remote', remote_name: this.name, url: c.url }))
      : null;
    this.watcher = new WalWatcher(o.walDir, this, o.logger.with({ component: 'remote', remote_name: this.name, url: c.url }), o.startTime ?? Date.now());
  }

  /** Series whose labels the queue keeps (for tests and debugging; shrinks after checkpoints). */
  get knownSeries(): number {
    return this.series.size;
  }

  get url(): string {
    return this.o.config.url;
  }

  start(): void {
    this.setShards(this.o.config.queue_config.min_shards);
    this.metrics.shardsDesired = this.shards.length;
    this.watcher.start();
    this.metadataSender?.start();
    this.shardTimer = setInterval(() => this.updateShards(), this.shardUpdateMs);
    this.shardTimer.unref?.();
  }

  /** Wake the WAL watcher now (call after a commit to cut latency below the 10ms poll). */
  notify(): void {
    this.watcher.notify();
  }

  /**
   * Stops reading the WAL and sends what is queued, for at most flushDeadlineMs; after that
   * in-flight requests are cancelled and what remains is counted as dropped (it is still in
   * the WAL, as with Prometheus).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.shardTimer) clearInterval(this.shardTimer);
    // Take in what the WAL holds right now (e.g. staleness markers the scrape manager wrote
    // while stopping), then stop reading. During a reshard append() refuses anyway.
    if (!this.resharding) this.watcher.drain();
    this.stopped = true;
    this.watcher.stop();
    await Promise.all([this.flushShards(this.o.flushDeadlineMs), this.metadataSender?.stop()]);
    await this.client.close();
  }

  // --- WatcherSink ---------------------------------------------------------------------

  seriesReset(segment: number): void {
    this.series.resetBefore(segment);
  }

  storeSeries(ref: number, lset: Labels, segment: number): void {
    let ls: Labels | null = lset;
    if (this.extNames.length > 0) {
      // External labels are added unless the series has the name already (series wins).
      const b = new LabelsBuilder(lset);
      for (const n of this.extNames) if (!lset.has(n)) b.set(n, this.o.externalLabels[n]!);
      ls = b.labels();
    }
    if (this.o.config.write_relabel_configs.length > 0) ls = relabel(ls, this.o.config.write_relabel_configs);
    this.series.set(ref, ls && ls.length > 0 ? encodeLabels(ls) : null, segment);
  }

  /** send_exemplars from the remote_write config. */
  get sendExemplars(): boolean {
    return this.o.config.send_exemplars;
  }

  /** Queues exemplars [from, list.length) on their series' shards; returns how many were taken. */
  appendExemplars(list: readonly WalExemplar[], from: number): number {
    if (this.resharding || this.stopped) return 0;
    const m = this.metrics;
    const ns = this.shards.length;
    let i = from;
    let dropped = 0;
    for (; i < list.length; i++) {
      const e = list[i]!;
      const lb = this.series.get(e.ref);
      if (lb === undefined || lb === null) {
        dropped++;
        continue;
      }
      if (!this.shards[e.ref % ns]!.enqueueExemplar(lb, encodeLabels(e.labels), e.t, e.v)) {
        m.enqueueRetries++;
        break;
      }
    }
    const taken = i - from - dropped;
    m.exemplarsDropped += dropped;
    m.exemplarsIn += taken;
    m.exemplarsPending += taken;
    return i - from;
  }

  append(batch: SampleBatch, from: number): number {
    if (this.resharding || this.stopped) return 0;
    const m = this.metrics;
    const shards = this.shards;
    const ns = shards.length;
    const series = this.series;
    const { refs, ts, vs } = batch;
    // Counters are summed locally and added once per batch, not per sample.
    let dropped = 0;
    let maxT = -Infinity;
    let i = from;
    for (; i < batch.n; i++) {
      const ref = refs[i]!;
      const lb = series.get(ref);
      if (lb === undefined || lb === null) {
        dropped++;
        continue;
      }
      const t = ts[i]!;
      if (!shards[ref % ns]!.enqueue(lb, t, vs[i]!)) {
        m.enqueueRetries++;
        break;
      }
      if (t > maxT) maxT = t;
    }
    const taken = i - from - dropped;
    m.samplesDropped += dropped;
    this.dataDropped.add(dropped);
    m.pending += taken;
    m.samplesIn += taken;
    this.dataIn.add(taken);
    if (maxT / 1000 > m.highestTimestampInSeconds) m.highestTimestampInSeconds = maxT / 1000;
    return i - from;
  }

  // --- shards ------------------------------------------------------------------------

  private setShards(n: number): void {
    this.shards = [];
    for (let i = 0; i < n; i++) this.shards.push(new Shard(this.settings, this.client, this.metrics, this.o.logger));
    this.metrics.shards = n;
  }

  private async flushShards(deadlineMs: number): Promise<void> {
    const all = Promise.all(this.shards.map((s) => s.flush()));
    if (!Number.isFinite(deadlineMs)) return void (await all);
    let t: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (t = setTimeout(() => r(true), deadlineMs)))]);
    clearTimeout(t);
    if (timedOut) {
      for (const s of this.shards) {
        const dropped = s.hardStop();
        this.metrics.pending -= dropped;
        this.metrics.samplesDropped += dropped;
      }
      await all;
    }
  }

  /** Prometheus's calculateDesiredShards, then a reshard if the answer changed. */
  desiredShards(): number {
    const m = this.metrics;
    this.dataOut.add(m.samplesSent - this.lastOut);
    this.lastOut = m.samplesSent;
    this.dataDropped.add(m.samplesDropped - this.lastDropped);
    this.lastDropped = m.samplesDropped;
    this.dataOutDuration.add(m.sendDurationMs - this.lastDuration);
    this.lastDuration = m.sendDurationMs;
    this.dataIn.tick();
    this.dataOut.tick();
    this.dataDropped.tick();
    this.dataOutDuration.tick();
    const cur = this.shards.length;
    const inRate = this.dataIn.rate;
    const outRate = this.dataOut.rate;
    if (outRate <= 0) return cur;
    const keptRatio = outRate / (this.dataDropped.rate + outRate);
    const outDurationS = this.dataOutDuration.rate / 1000;
    const delay = m.highestTimestampInSeconds - m.highestSentTimestampSeconds;
    const pending = delay * inRate * keptRatio;
    const timePerSample = outDurationS / outRate;
    let desired = timePerSample * (inRate * keptRatio + 0.05 * pending);
    desired = Math.ceil(desired);
    if (desired >= cur * (1 - SHARD_TOLERANCE) && desired <= cur * (1 + SHARD_TOLERANCE)) return cur;
    // Do not shrink while more than ten seconds behind.
    if (desired < cur && delay > 10) return cur;
    const q = this.o.config.queue_config;
    return Math.max(q.min_shards, Math.min(q.max_shards, desired));
  }

  private updateShards(): void {
    if (this.resharding || this.stopped) return;
    const want = this.desiredShards();
    this.metrics.shardsDesired = want;
    if (want === this.shards.length) return;
    // Skip while sends fail: more shards would only add load to a struggling remote end.
    if (this.metrics.lastSendTimestampMs < Date.now() - 2 * this.settings.batchSendDeadlineMs) {
      this.o.logger.warn('Skipping resharding, last successful send was beyond threshold', { remote_name: this.name });
      return;
    }
    this.o.logger.info('Remote storage resharding', { from: this.shards.length, to: want, remote_name: this.name });
    void this.reshard(want);
  }

  /**
   * Drains the old shards completely before the new ones take samples, so a series whose
   * shard changes never has a newer sample sent before an older one.
   */
  private async reshard(n: number): Promise<void> {
    this.resharding = true;
    try {
      // No deadline here: a reshard must not drop samples; stop() still hard-stops these shards.
      await this.flushShards(Infinity);
      if (!this.stopped) this.setShards(n);
    } finally {
      this.resharding = false;
    }
    this.watcher.notify();
  }
}
