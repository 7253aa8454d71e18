// Reading a block's chunks through a window instead of holding its segment files in memory
// (ChunkReader reads them whole): compaction walks series in index order, and a block's
// chunks are written in that same order, so reads move forward through each segment and a
// few MiB window read with pread serves them all. Memory: one window, whatever the block size.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32c } from '../crc32c.js';
import { CHUNKS_FORMAT_V1, CHUNKS_MAGIC, hex8, listSegmentFiles, SEGMENT_HEADER_SIZE, type RawChunk } from './chunks.js';
import { BlockCorruptError, BlockOpenError } from './errors.js';

/** What compaction needs from a chunk reader; ChunkReader (in memory) has the same shape. */
export interface ChunkSource {
  /** The chunk at ref; `data` stays valid at least until the next call. */
  chunk(ref: number, out?: RawChunk): RawChunk;
}

const TWO32 = 4294967296;
/** Window size: large enough that pread calls are rare, small next to any block. */
const WINDOW = 4 << 20;
/** Longest chunk header: a 10-byte uvarint length and the encoding byte. */
const MAX_HEADER = 11;

/**
 * A ChunkSource reading segment files with pread into a window buffer. Each refill allocates
 * a fresh buffer, so a chunk handed out earlier stays intact while its caller holds it (the
 * old window is garbage once nobody does). Every chunk's CRC32C is checked. close() releases
 * the file descriptors.
 */
export class WindowChunkReader implements ChunkSource {
  private readonly fds: number[] = [];
  private readonly sizes: number[] = [];
  private win: Buffer = Buffer.alloc(0);
  private winSeg = -1;
  private winOff = 0;

  private constructor(readonly files: readonly string[]) {}

  static open(chunksDir: string): WindowChunkReader {
    const r = new WindowChunkReader(listSegmentFiles(chunksDir));
    try {
      for (const f of r.files) {
        let fd: number;
        try {
          fd = openSync(f, 'r');
        } catch (e) {
          throw new BlockOpenError(f, `open chunk segment ${f}: ${(e as Error).message}`);
        }
        r.fds.push(fd);
        const size = fstatSync(fd).size;
        r.sizes.push(size);
        const h = Buffer.alloc(SEGMENT_HEADER_SIZE);
        if (size < SEGMENT_HEADER_SIZE || readSync(fd, h, 0, SEGMENT_HEADER_SIZE, 0) < SEGMENT_HEADER_SIZE) throw new BlockCorruptError(f, 0, `segment file of ${size} bytes is shorter than its ${SEGMENT_HEADER_SIZE}-byte header`);
        const magic = h.readUInt32BE(0);
        if (magic !== CHUNKS_MAGIC) throw new BlockCorruptError(f, 0, `invalid magic number ${magic.toString(16)}, want 85bd40dd`);
        if (h[4] !== CHUNKS_FORMAT_V1) throw new BlockCorruptError(f, 4, `invalid chunk format version ${h[4]}`);
      }
    } catch (e) {
      r.close();
      throw e;
    }
    return r;
  }

  /** Makes bytes [off, off + len) of segment seg readable in the window. */
  private load(seg: number, off: number, len: number): void {
    const size = this.sizes[seg]!;
    const n = Math.min(Math.max(len, WINDOW), size - off);
    const b = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const k = readSync(this.fds[seg]!, b, got, n - got, off + got);
      if (k === 0) break;
      got += k;
    }
    this.win = b.subarray(0, got);
    this.winSeg = seg;
    this.winOff = off;
  }

  chunk(ref: number, out: RawChunk = { encoding: 0, data: new Uint8Array(0) }): RawChunk {
    const seg = Math.floor(ref / TWO32);
    const off = ref - seg * TWO32;
    const file = this.files[seg];
    if (file === undefined) throw new BlockCorruptError(this.files[0] ?? 'chunks', undefined, `chunk ref ${ref} points at segment index ${seg}, but there are only ${this.files.length} segment files`);
    const size = this.sizes[seg]!;
    if (off < SEGMENT_HEADER_SIZE || off >= size) throw new BlockCorruptError(file, off, `chunk ref points outside the segment file (size ${size})`);
    if (seg !== this.winSeg || off < this.winOff || Math.min(off + MAX_HEADER, size) > this.winOff + this.win.length) this.load(seg, off, MAX_HEADER);
    let b = this.win;
    let p = off - this.winOff;
    let len = 0;
    let mul = 1;
    const start = p;
    for (;;) {
      if (p >= b.length || p - start >= 10) throw new BlockCorruptError(file, off, 'reading chunk length failed: truncated or overlong uvarint');
      const c = b[p++]!;
      len += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 0x80;
    }
    const total = p - start + 1 + len + 4;
    if (off + total > size) throw new BlockCorruptError(file, off, `segment doesn't include enough bytes to read the chunk - required:${off + total}, available:${size}`);
    if (start + total > b.length) {
      this.load(seg, off, total);
      b = this.win;
      p = p - start;
    }
    const encAt = p;
    const end = encAt + 1 + len + 4;
    const want = b.readUInt32BE(end - 4);
    const got = crc32c(b.subarray(encAt, end - 4));
    if (want !== got) throw new BlockCorruptError(file, off, `checksum mismatch expected:${hex8(want)}, actual:${hex8(got)}`);
    out.encoding = b[encAt]!;
    out.data = b.subarray(encAt + 1, end - 4);
    return out;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
    this.fds.length = 0;
  }
}
