// tsdb: Prometheus 2.42's storage engine — WAL, head, chunks_head, blocks — behind the
// storage seams. Other areas import only this file (block-level tools also use ./block/).
//
// A server does:
//   const replayProgress = { min: 0, max: 0, current: 0, done: false };  // /api/v1/status/walreplay
//   const db = await openDB(flags.storageTsdbPath, { retentionTime, retentionSize, walCompression,
//     minBlockDuration, maxBlockDuration, noLockfile, replayProgress }, logger.with({ component: 'tsdb' }));
//   db.ready()                 // /-/ready (false until the WAL replay ends)
//   db.appender() / db.querier(mint, maxt)   // storage.Storage
//   db.headStats()             // plain numbers for prometheus_tsdb_head_* metrics
//   db.headCardinality(10)     // /api/v1/status/tsdb
//   await db.cleanTombstones() / await db.snapshot(dir, withHead)   // admin API
//   await db.close()
export { DB, openDB, DBLockError, DEFAULT_RETENTION_MS, DEFAULT_BLOCK_DURATION_MS, type DBOptions } from './db/index.js';
export { openDBReadOnly, ReadWalError, type ReadOnlyDB } from './db/index.js';
export { snapshotName, blockRanges, planCompaction, CompactionError } from './db/index.js';
export { Head, type HeadStats, type HeadCardinality, type CardinalityStat, type ReplayProgress } from './head/index.js';
export {
  WAL,
  WalReader,
  WalCorruptionError,
  RecordType,
  RecordEncoder,
  SampleBatch,
  recordType,
  decodeSeries,
  decodeSamples,
  decodeMetadata,
  decodeTombstones,
  decodeExemplars,
  createCheckpoint,
  lastCheckpoint,
  listSegments,
  openSegmentsReader,
  snappyCompress,
  snappyDecompress,
  type WalOptions,
} from './wal/index.js';
export { ChunkDiskMapper, HeadChunkCorruptionError } from './chunks/index.js';
