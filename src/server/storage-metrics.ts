import type { DB } from '../tsdb/index.js';
import type { SelfMetrics } from './metrics.js';

/** Maps the TSDB's plain-number stats onto Prometheus's prometheus_tsdb_* metric names. */
export function registerStorageMetrics(m: SelfMetrics, db: DB): void {
  const s = () => db.headStats();
  m.gaugeFn('prometheus_tsdb_head_series', 'Total number of series in the head block.', () => s().numSeries);
  m.counterFn('prometheus_tsdb_head_series_created_total', 'Total number of series created in the head', () => s().seriesCreated);
  m.counterFn('prometheus_tsdb_head_series_removed_total', 'Total number of series removed in the head', () => s().seriesRemoved);
  m.gaugeFn('prometheus_tsdb_head_chunks', 'Total number of chunks in the head block.', () => s().chunks);
  m.counterFn('prometheus_tsdb_head_chunks_created_total', 'Total number of chunks created in the head', () => s().chunksCreated);
  m.counterFn('prometheus_tsdb_head_samples_appended_total', 'Total number of appended samples.', () => s().samplesAppended);
  m.counterFn('prometheus_tsdb_out_of_order_samples_total', 'Total number of out of order samples ingestion failed attempts due to out of order being disabled.', () => s().outOfOrderSamples);
  m.counterFn('prometheus_tsdb_out_of_bound_samples_total', 'Total number of out of bound samples ingestion failed attempts with out of order support disabled.', () => s().outOfBoundsSamples);
  m.counterFn('prometheus_tsdb_wal_corruptions_total', 'Total number of WAL corruptions.', () => s().walCorruptions);
  m.counterFn('prometheus_tsdb_head_truncations_total', 'Total number of head truncations attempted.', () => s().truncations);
  m.gaugeFn('prometheus_tsdb_head_min_time', 'Minimum time bound of the head block.', () => finite(s().minTime));
  m.gaugeFn('prometheus_tsdb_head_max_time', 'Maximum timestamp of the head block.', () => finite(s().maxTime));
  m.gaugeFn('prometheus_tsdb_head_active_appenders', 'Number of currently active appender transactions', () => s().activeAppenders);
  m.gaugeFn('prometheus_tsdb_blocks_loaded', 'Number of currently loaded data blocks', () => db.blocks.length);
  m.gaugeFn('prometheus_tsdb_storage_blocks_bytes', 'The number of bytes that are currently used for local storage by all blocks.', () => db.size());
  m.gaugeFn('prometheus_tsdb_lowest_timestamp_seconds', 'Lowest timestamp value stored in the database.', () => finite(db.timeRange().minTime) / 1000);
  // Exemplar storage: registered also with the feature off (max 0), as Prometheus does.
  const ex = () => db.exemplarStats();
  m.counterFn('prometheus_tsdb_exemplar_exemplars_appended_total', 'Total number of appended exemplars.', () => ex().exemplarsAppended);
  m.gaugeFn('prometheus_tsdb_exemplar_exemplars_in_storage', 'Number of exemplars currently in circular storage.', () => ex().exemplarsInStorage);
  m.gaugeFn('prometheus_tsdb_exemplar_series_with_exemplars_in_storage', 'Number of series with exemplars currently in circular storage.', () => ex().seriesWithExemplarsInStorage);
  m.gaugeFn(
    'prometheus_tsdb_exemplar_last_exemplars_timestamp_seconds',
    'The timestamp of the oldest exemplar stored in circular storage. Useful to check for what timerange the current exemplar buffer limit allows. This usually means the last timestampfor all exemplars for a typical setup. This is not true though if one of the series timestamp is in future compared to rest series.',
    () => ex().lastExemplarsTimestampSeconds,
  );
  m.counterFn('prometheus_tsdb_exemplar_out_of_order_exemplars_total', 'Total number of out of order exemplar ingestion failed attempts.', () => ex().outOfOrderExemplars);
  m.gaugeFn('prometheus_tsdb_exemplar_max_exemplars', 'Total number of exemplars the exemplar storage can store, resizeable.', () => ex().maxExemplars);
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}
