// tsdb/chunkenc: chunk encodings (Gorilla XOR for float samples), byte-compatible with
// Prometheus 2.42's tsdb/chunkenc.
export { XORChunk, XORIterator, Encoding, encodingName, SAMPLES_PER_CHUNK } from './xor.js';
export type { XORAppender } from './xor.js';
export { BitReader, BitWriter } from './bstream.js';
export { ChunkDecodeError } from './errors.js';
