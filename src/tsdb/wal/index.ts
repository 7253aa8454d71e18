// tsdb/wal: Prometheus 2.42's write-ahead log — segments, records, checkpoints, repair.
export { WAL, openSegmentsReader, removeTmpDirs, type WalOptions } from './wal.js';
export { WalReader, readSegmentPadded } from './reader.js';
export { WalCorruptionError, WalError } from './errors.js';
export {
  RecordType,
  RecordEncoder,
  RecordDecodeError,
  LabelStringCache,
  SampleBatch,
  recordType,
  decodeSeries,
  decodeSamples,
  decodeTombstones,
  decodeExemplars,
  decodeMetadata,
  type RefSeries,
  type Tombstone,
  type RefExemplar,
  type RefMetadata,
} from './records.js';
export { createCheckpoint, lastCheckpoint, deleteCheckpoints, checkpointDirName, type CheckpointStats, type CheckpointOptions } from './checkpoint.js';
export { snappyCompress, snappyDecompress } from './snappy.js';
export { PAGE_SIZE, DEFAULT_SEGMENT_SIZE, listSegments, segmentRange, segmentName, segmentPath, type SegmentRef } from './segments.js';
