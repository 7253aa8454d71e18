// tsdb/block: persistent blocks (meta.json, chunks/, index, tombstones): reading, querying
// and writing them in Prometheus 2.42's on-disk format.
export { Block } from './block.js';
export { BlockQuerier, BlockSeries, BlockSeriesIterator } from './querier.js';
export { postingsForMatchers } from './postings_for_matchers.js';
export { MergeQuerier, MergeSeriesSet } from './merge.js';
export { openBlocks, blockDirs, blocksQuerier } from './datadir.js';
export { ChunkReader, ChunkWriter, chunkRef, listSegmentFiles, CHUNKS_MAGIC, DEFAULT_SEGMENT_SIZE, type RawChunk, type ChunkSource } from './chunks.js';
export { cachedPageBytes, setPageCacheBudget, PAGE_CACHE_BYTES, PAGE_SIZE } from '../paged_file.js';
export { readMeta, writeMeta, encodeMeta, isULID, META_VERSION_1, type BlockMeta, type BlockStats, type BlockDesc } from './meta.js';
export { Tombstones, readTombstones, writeTombstones, encodeTombstones, TOMBSTONES_MAGIC, type Interval } from './tombstones.js';
export { newULID, ulidTime } from './ulid.js';
export { BlockCorruptError, BlockOpenError, ChunkUnsupportedError } from './errors.js';
export { writeBlock, cutChunks, DEFAULT_CHUNK_RANGE, type BlockSeriesInput, type WriteBlockOptions, type WrittenBlock } from './writer.js';
export { formatBlockList, analyzeBlock, pickBlock, AnalyzeError, dumpSamples, dumpDataDir, HeadNeededError, formatCliError, parseSeriesSelector, type OpenWithHead, SelectorParseError, formatGoDuration, formatGoG, formatBase2Bytes } from './inspect/index.js';
export { compactBlocks, compactedMeta, type CompactMode, type CompactOptions } from './compact.js';
export { BlockWriter, type BlockWriterOptions, type FinishOptions } from './stream_writer.js';
export { trimChunk, overlapsIntervals, xorNumSamples, type ChunkSeriesSet, type EncodedChunk } from './chunk_series.js';
export { BlockChunkSeriesSet } from './chunk_series_set.js';
export { MergeChunkSeriesSet, ChunkMerger } from './chunk_merge.js';
export { PackedChunkSeriesBuilder, PackedChunkSeriesSet, transferList, type PackedChunkSeries } from './packed_chunks.js';
