// tsdb/head: the in-memory, appendable newest part of the TSDB.
export { Head, type HeadOptions, type HeadReader, type HeadStats, type HeadCardinality, type CardinalityStat } from './head.js';
export { HeadAppender } from './appender.js';
export { HeadQuerier, HeadSeriesIterator } from './querier.js';
export { MemSeries, computeChunkEndTime, rangeForTimestamp, memChunkPut, type ChunkSink } from './series.js';
export { MemPostings, intersect, subtract } from './postings.js';
export { replayHead, type ReplayProgress, type ReplayResult } from './replay.js';
export { CircularExemplarStorage, ExemplarError, DEFAULT_MAX_EXEMPLARS, type ExemplarStats, type ExemplarQueryResult } from './exemplars.js';
export { packHeadRange } from './range_chunks.js';
