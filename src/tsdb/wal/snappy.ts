// Snappy block compression, as WAL records and remote-write bodies use it.
import snappy from 'snappy';

/**
 * copyOutputData: without it the addon hands back an external buffer that V8 neither counts
 * nor hurries to free: measured on a 60 KB body, 3-10x slower per call and RSS growing by
 * hundreds of MB while the heap stays flat (bench/remote-write.ts "RSS added by remote write").
 */
const COPY = { copyOutputData: true } as const;
const COPY_BUF = { asBuffer: true, copyOutputData: true } as const;

export function snappyCompress(b: Uint8Array): Buffer {
  return snappy.compressSync(Buffer.from(b.buffer, b.byteOffset, b.length), COPY);
}

/** Throws the addon's error on corrupt input; callers say what was being read. */
export function snappyDecompress(b: Uint8Array): Buffer {
  return snappy.uncompressSync(Buffer.from(b.buffer, b.byteOffset, b.length), COPY_BUF) as Buffer;
}
