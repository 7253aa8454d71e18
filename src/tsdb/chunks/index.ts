// tsdb/chunks: head chunk files (chunks_head/) in Prometheus 2.42's format.
export { ChunkDiskMapper, HeadChunkCorruptionError, chunkRef, chunkRefSeq, chunkRefOffset, HEAD_CHUNK_MAGIC, MAX_HEAD_CHUNK_FILE_SIZE, type ChunkVisitor } from './head_chunks.js';
