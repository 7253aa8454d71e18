// Snappy block compression, as WAL records and remote-write bodies use it.
import type * as Snappy from 'snappy';
import { lazyPackage } from '../../model/index.js';

/** The addon, loaded on first use (~10 ms): a server on an empty data dir needs it only once it writes. */
const snappy = lazyPackage<typeof Snappy>('snappy');

/**
 * copyOutputData: without it the addon hands back an external buffer that V8 neither counts
 * nor hurries to free: measured on a 60 KB body, 3-10x slower per call and RSS growing by
 * hundreds of MB while the heap stays flat (bench/remote-write.ts "RSS added by remote write").
 */
const COPY = { copyOutputData: true } as const;
const COPY_BUF = { asBuffer: true, copyOutputData: true } as const;

export function snappyCompress(b: Uint8Array): Buffer {
  return snappy().compressSync(Buffer.from(b.buffer, b.byteOffset, b.length), COPY);
}

/** Throws the addon's error on corrupt input; callers say what was being read. */
export function snappyDecompress(b: Uint8Array): Buffer {
  return snappy().uncompressSync(Buffer.from(b.buffer, b.byteOffset, b.length), COPY_BUF) as Buffer;
}

/** Compressed blocks from this size on go to the addon; below it the JS decoder is quicker. */
const NATIVE_FROM = 4096;

/**
 * Decodes a snappy block and returns the result, valid until the next call with the same
 * scratch. Small blocks (most WAL records of a small scrape) are decoded in JS into
 * `scratch.buf` (grown as needed): the addon's call and copy cost more than the work. Large
 * ones go to the addon, which decodes 3-6x faster than JS (measured on WAL records of 64 KB
 * to 1 MB: 81 vs 458 ms for a 44 MB WAL). Throws on corrupt input.
 */
export function snappyDecompressInto(src: Uint8Array, scratch: { buf: Buffer }): Buffer {
  if (src.length >= NATIVE_FROM) return snappyDecompress(src);
  return snappyDecompressJs(src, scratch);
}

/** The JS decoder behind snappyDecompressInto, for any size (tests hold it to the addon). */
export function snappyDecompressJs(src: Uint8Array, scratch: { buf: Buffer }): Buffer {
  // Preamble: uncompressed length as a uvarint.
  let p = 0;
  let n = 0;
  for (let shift = 0; ; shift += 7) {
    if (p >= src.length || shift > 28) throw new Error('bad length preamble');
    const b = src[p++]!;
    n += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (scratch.buf.length < n) scratch.buf = Buffer.allocUnsafe(Math.max(n, scratch.buf.length * 2));
  const out = scratch.buf;
  let o = 0;
  const end = src.length;
  while (p < end) {
    const tag = src[p++]!;
    let len: number;
    let off: number;
    switch (tag & 3) {
      case 0: {
        len = tag >>> 2;
        if (len >= 60) {
          const k = len - 59;
          if (p + k > end) throw new Error('truncated literal length');
          len = 0;
          for (let i = 0; i < k; i++) len += src[p + i]! * 2 ** (8 * i);
          p += k;
        }
        len += 1;
        if (p + len > end || o + len > n) throw new Error('literal overruns');
        // Most literals are a few bytes: a loop beats making a subarray view for each.
        if (len < 32) for (let i = 0; i < len; i++) out[o + i] = src[p + i]!;
        else out.set(src.subarray(p, p + len), o);
        p += len;
        o += len;
        continue;
      }
      case 1:
        if (p >= end) throw new Error('truncated copy');
        len = 4 + ((tag >>> 2) & 7);
        off = ((tag >>> 5) << 8) | src[p++]!;
        break;
      case 2:
        if (p + 2 > end) throw new Error('truncated copy');
        len = (tag >>> 2) + 1;
        off = src[p]! | (src[p + 1]! << 8);
        p += 2;
        break;
      default:
        if (p + 4 > end) throw new Error('truncated copy');
        len = (tag >>> 2) + 1;
        off = (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) >>> 0;
        p += 4;
    }
    if (off === 0 || off > o || o + len > n) throw new Error('bad copy offset');
    if (off >= len && len >= 32) {
      out.copyWithin(o, o - off, o - off + len);
      o += len;
    } else {
      // Short copies (most of them) by hand: the builtin's call costs more than the bytes.
      // Byte by byte is also what the format defines for an overlapping copy (off < len).
      for (let i = 0; i < len; i++, o++) out[o] = out[o - off]!;
    }
  }
  if (o !== n) throw new Error('length mismatch');
  return out.subarray(0, n);
}
