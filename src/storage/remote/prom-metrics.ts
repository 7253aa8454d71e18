// Registers the prometheus_remote_storage_* metrics of a WriteStorage in a prom-client
// registry (the server's /metrics). Values are read from the queues' plain counters at
// scrape time, labelled remote_name and url as in Prometheus 2.42.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { QueueMetrics } from './metrics.js';
import type { WriteStorage } from './write-storage.js';

type Pick = (m: QueueMetrics) => number;

const COUNTERS: [string, string, Pick][] = [
  ['prometheus_remote_storage_samples_total', 'Total number of samples sent to remote storage.', (m) => m.samplesSent],
  ['prometheus_remote_storage_samples_failed_total', 'Total number of samples which failed on send to remote storage, non-recoverable errors.', (m) => m.samplesFailed],
  ['prometheus_remote_storage_samples_retried_total', 'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.', (m) => m.samplesRetried],
  ['prometheus_remote_storage_samples_dropped_total', 'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.', (m) => m.samplesDropped],
  ['prometheus_remote_storage_bytes_total', 'The total number of bytes of data (not metadata) sent by the queue after compression.', (m) => m.bytesSent],
  ['prometheus_remote_storage_metadata_total', 'Total number of metadata entries sent to remote storage.', (m) => m.metadataSent],
  ['prometheus_remote_storage_metadata_failed_total', 'Total number of metadata entries which failed on send to remote storage, non-recoverable errors.', (m) => m.metadataFailed],
  ['prometheus_remote_storage_metadata_retried_total', 'Total number of metadata entries which failed on send to remote storage but were retried because the send error was recoverable.', (m) => m.metadataRetried],
  ['prometheus_remote_storage_metadata_bytes_total', 'The total number of bytes of metadata sent by the queue after compression.', (m) => m.metadataBytes],
  ['prometheus_remote_storage_enqueue_retries_total', 'Total number of times enqueue has failed because a shards queue was full.', (m) => m.enqueueRetries],
  // send_exemplars
  ['prometheus_remote_storage_exemplars_total', 'Total number of exemplars sent to remote storage.', (m) => m.exemplarsSent],
  ['prometheus_remote_storage_exemplars_failed_total', 'Total number of exemplars which failed on send to remote storage, non-recoverable errors.', (m) => m.exemplarsFailed],
  ['prometheus_remote_storage_exemplars_retried_total', 'Total number of exemplars which failed on send to remote storage but were retried because the send error was recoverable.', (m) => m.exemplarsRetried],
  ['prometheus_remote_storage_exemplars_dropped_total', 'Total number of exemplars which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.', (m) => m.exemplarsDropped],
  ['prometheus_remote_storage_exemplars_in_total', 'Exemplars in to remote storage, compare to exemplars out for queue managers.', (m) => m.exemplarsIn],
];

const GAUGES: [string, string, Pick][] = [
  ['prometheus_remote_storage_samples_pending', 'The number of samples pending in the queues shards to be sent to the remote storage.', (m) => m.pending],
  ['prometheus_remote_storage_exemplars_pending', 'The number of exemplars pending in the queues shards to be sent to the remote storage.', (m) => m.exemplarsPending],
  ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds', 'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.', (m) => m.highestSentTimestampSeconds],
  ['prometheus_remote_storage_shards', 'The number of shards used for parallel sending to the remote storage.', (m) => m.shards],
  ['prometheus_remote_storage_shards_desired', 'The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.', (m) => m.shardsDesired],
  ['prometheus_remote_storage_shards_min', 'The minimum number of shards that the queue is allowed to run.', (m) => m.shardsMin],
  ['prometheus_remote_storage_shards_max', 'The maximum number of shards that the queue is allowed to run.', (m) => m.shardsMax],
  ['prometheus_remote_storage_shard_capacity', 'The capacity of each shard of the queue used for parallel sending to the remote storage.', (m) => m.shardCapacity],
  ['prometheus_remote_storage_max_samples_per_send', 'The maximum number of samples to be sent, in a single request, to the remote storage.', (m) => m.maxSamplesPerSend],
];

export function registerRemoteWriteMetrics(registry: Registry, rw: WriteStorage): void {
  const labelNames = ['remote_name', 'url'] as const;
  for (const [name, help, pick] of COUNTERS) {
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const q of rw.metrics()) this.inc({ remote_name: q.remoteName, url: q.url }, pick(q.metrics as QueueMetrics));
      },
    });
  }
  for (const [name, help, pick] of GAUGES) {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const q of rw.metrics()) this.set({ remote_name: q.remoteName, url: q.url }, pick(q.metrics as QueueMetrics));
      },
    });
  }
  new Gauge({
    name: 'prometheus_remote_storage_highest_timestamp_in_seconds',
    help: 'Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.',
    registers: [registry],
    collect() {
      this.set(rw.metrics().reduce((a, q) => Math.max(a, q.metrics.highestTimestampInSeconds), 0));
    },
  });
}
