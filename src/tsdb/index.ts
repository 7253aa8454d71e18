// tsdb: Prometheus 2.42's storage engine — WAL, head, chunks_head, blocks — behind the
// storage seams. Other areas import only this file (blocks: ./block/index.ts for tools).
export { DB, openDB, DBLockError, DEFAULT_RETENTION_MS, DEFAULT_BLOCK_DURATION_MS, type DBOptions } from './db/index.js';
export { openDBReadOnly, ReadWalError, type ReadOnlyDB } from './db/index.js';
export { Head, type HeadStats, type HeadCardinality, type CardinalityStat, type ReplayProgress } from './head/index.js';
export { WAL, WalReader, WalCorruptionError, RecordType, RecordEncoder, SampleBatch, recordType, decodeSeries, decodeSamples, decodeMetadata, decodeTombstones, decodeExemplars, createCheckpoint, lastCheckpoint, listSegments, openSegmentsReader, type WalOptions } from './wal/index.js';
export { ChunkDiskMapper, HeadChunkCorruptionError } from './chunks/index.js';
