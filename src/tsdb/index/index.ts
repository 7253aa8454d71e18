// tsdb/index: the block index file (format v2): reader, writer, postings set operations.
export { IndexReader, INDEX_MAGIC, SERIES_ALIGN, type ChunkMeta, type SeriesEntry, type TOC } from './reader.js';
export { encodeIndex, writeIndexFile, IndexWriteError, type IndexSeriesInput } from './writer.js';
export { intersect, merge, without, gallop, EMPTY_POSTINGS } from './postings.js';
export { compareUtf8, compareLabelKv } from './strings.js';
export { IndexCorruptError } from './errors.js';
