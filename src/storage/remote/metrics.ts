// Plain-number counters behind Prometheus 2.42's prometheus_remote_storage_* metrics, one set
// per queue (label remote_name + url). The web layer renders them; nothing here depends on a
// metrics library so the hot path only does `+=`.
export class QueueMetrics {
  /** prometheus_remote_storage_samples_total */
  samplesSent = 0;
  /** prometheus_remote_storage_samples_failed_total */
  samplesFailed = 0;
  /** prometheus_remote_storage_samples_retried_total */
  samplesRetried = 0;
  /** prometheus_remote_storage_samples_dropped_total (relabelled away, unknown series, hard shutdown) */
  samplesDropped = 0;
  /** prometheus_remote_storage_samples_pending */
  pending = 0;
  /** prometheus_remote_storage_samples_in_total (samples read from the WAL for this queue) */
  samplesIn = 0;
  /** prometheus_remote_storage_bytes_total */
  bytesSent = 0;
  /** prometheus_remote_storage_enqueue_retries_total */
  enqueueRetries = 0;
  /** prometheus_remote_storage_queue_highest_sent_timestamp_seconds */
  highestSentTimestampSeconds = 0;
  /** prometheus_remote_storage_highest_timestamp_in_seconds (per queue here; the server may take the max) */
  highestTimestampInSeconds = 0;
  /** prometheus_remote_storage_shards, _desired, _min, _max */
  shards = 0;
  shardsDesired = 0;
  shardsMin = 0;
  shardsMax = 0;
  /** prometheus_remote_storage_shard_capacity */
  shardCapacity = 0;
  /** prometheus_remote_storage_max_samples_per_send */
  maxSamplesPerSend = 0;
  /** Sum/count for prometheus_remote_storage_sent_batch_duration_seconds */
  sendDurationMs = 0;
  batches = 0;
  lastSendTimestampMs = 0;
  /** prometheus_remote_storage_metadata_total, _failed_total, _retried_total, _bytes_total */
  metadataSent = 0;
  metadataFailed = 0;
  metadataRetried = 0;
  metadataBytes = 0;
  /** send_exemplars: prometheus_remote_storage_exemplars_total, _failed_total, _retried_total, _dropped_total, _in_total, _pending */
  exemplarsSent = 0;
  exemplarsFailed = 0;
  exemplarsRetried = 0;
  exemplarsDropped = 0;
  exemplarsIn = 0;
  exemplarsPending = 0;
}

/** One queue's metrics with the labels Prometheus attaches to them. */
export interface QueueMetricsSnapshot {
  readonly remoteName: string;
  readonly url: string;
  readonly metrics: Readonly<QueueMetrics>;
}

/** Renders the counters in text exposition format (for /metrics). */
export function renderQueueMetrics(qs: readonly QueueMetricsSnapshot[]): string {
  const rows: [string, string, (m: QueueMetrics) => number][] = [
    ['prometheus_remote_storage_samples_total', 'counter', (m) => m.samplesSent],
    ['prometheus_remote_storage_samples_failed_total', 'counter', (m) => m.samplesFailed],
    ['prometheus_remote_storage_samples_retried_total', 'counter', (m) => m.samplesRetried],
    ['prometheus_remote_storage_samples_dropped_total', 'counter', (m) => m.samplesDropped],
    ['prometheus_remote_storage_samples_pending', 'gauge', (m) => m.pending],
    ['prometheus_remote_storage_bytes_total', 'counter', (m) => m.bytesSent],
    ['prometheus_remote_storage_enqueue_retries_total', 'counter', (m) => m.enqueueRetries],
    ['prometheus_remote_storage_queue_highest_sent_timestamp_seconds', 'gauge', (m) => m.highestSentTimestampSeconds],
    ['prometheus_remote_storage_shards', 'gauge', (m) => m.shards],
    ['prometheus_remote_storage_shards_desired', 'gauge', (m) => m.shardsDesired],
    ['prometheus_remote_storage_shards_min', 'gauge', (m) => m.shardsMin],
    ['prometheus_remote_storage_shards_max', 'gauge', (m) => m.shardsMax],
    ['prometheus_remote_storage_shard_capacity', 'gauge', (m) => m.shardCapacity],
    ['prometheus_remote_storage_max_samples_per_send', 'gauge', (m) => m.maxSamplesPerSend],
  ];
  let out = '';
  for (const [name, type, get] of rows) {
    out += `# TYPE ${name} ${type}\n`;
    for (const q of qs) out += `${name}{remote_name="${esc(q.remoteName)}",url="${esc(q.url)}"} ${get(q.metrics as QueueMetrics)}\n`;
  }
  const hi = qs.reduce((a, q) => Math.max(a, q.metrics.highestTimestampInSeconds), 0);
  out += `# TYPE prometheus_remote_storage_highest_timestamp_in_seconds gauge\nprometheus_remote_storage_highest_timestamp_in_seconds ${hi}\n`;
  return out;
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
