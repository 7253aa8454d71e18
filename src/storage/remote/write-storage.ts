// All remote_write queues of a server. applyConfig() is the reload path: a queue whose
// config (and the external labels) did not change keeps running with its WAL position and
// shards; changed or new entries get a fresh queue that starts at the current WAL end.
import { join } from 'node:path';
import type { Config, RemoteWriteConfig } from '../../config/index.js';
import type { Logger } from '../../log/index.js';
import { RemoteError } from './errors.js';
import { QueueManager, queueName } from './queue.js';
import type { QueueMetricsSnapshot } from './metrics.js';
import type { MetadataSource } from './metadata.js';

export interface WriteStorageOptions {
  /** The server's --storage.tsdb.path; queues tail `<dataDir>/wal`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** --storage.remote.flush-deadline in ms (Prometheus default 1m). */
  readonly flushDeadlineMs?: number;
  /** Shard update period; tests shorten it. Default 10s as Prometheus. */
  readonly shardUpdateMs?: number;
  /** Metadata of active targets (the scrape manager's), for metadata_config. */
  readonly metadata?: MetadataSource;
}

export class WriteStorage {
  private queues = new Map<string, { hash: string; q: QueueManager }>();

  constructor(private readonly o: WriteStorageOptions) {}

  /** Starts, keeps or restarts queues to match cfg.remote_write. Throws on duplicate names. */
  async applyConfig(cfg: Pick<Config, 'remote_write' | 'global'>): Promise<void> {
    const ext = cfg.global.external_labels;
    const next = new Map<string, { hash: string; q: QueueManager }>();
    const fresh: QueueManager[] = [];
    for (const rw of cfg.remote_write) {
      const name = queueName(rw);
      if (next.has(name)) throw new RemoteError('remote_config', `duplicate remote write configs are not allowed, found duplicate for URL: ${rw.url}`, 'Give each remote_write entry a distinct name or URL.');
      const hash = JSON.stringify([rw, ext]);
      const old = this.queues.get(name);
      if (old && old.hash === hash) {
        next.set(name, old);
        continue;
      }
      const q = this.newQueue(rw, ext);
      next.set(name, { hash, q });
      fresh.push(q);
    }
    const gone = [...this.queues.entries()].filter(([n, v]) => next.get(n) !== v).map(([, v]) => v.q);
    this.queues = next;
    await Promise.all(gone.map((q) => q.stop()));
    for (const q of fresh) q.start();
  }

  private newQueue(rw: RemoteWriteConfig, ext: Readonly<Record<string, string>>): QueueManager {
    return new QueueManager({
      config: rw,
      externalLabels: ext,
      walDir: join(this.o.dataDir, 'wal'),
      logger: this.o.logger,
      flushDeadlineMs: this.o.flushDeadlineMs ?? 60_000,
      shardUpdateMs: this.o.shardUpdateMs,
      metadata: this.o.metadata,
    });
  }

  /** Wakes every queue's WAL watcher (optional; they poll every 10ms anyway). */
  notify(): void {
    for (const { q } of this.queues.values()) q.notify();
  }

  queueList(): QueueManager[] {
    return [...this.queues.values()].map((v) => v.q);
  }

  metrics(): QueueMetricsSnapshot[] {
    return this.queueList().map((q) => ({ remoteName: q.name, url: q.url, metrics: q.metrics }));
  }

  /** Flushes every queue within the flush deadline and stops them. */
  async close(): Promise<void> {
    const qs = this.queueList();
    this.queues.clear();
    await Promise.all(qs.map((q) => q.stop()));
  }
}
