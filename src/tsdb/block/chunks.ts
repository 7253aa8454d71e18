// Chunk segment files of a block: chunks/000001, 000002, ... Each starts with an 8-byte
// header (magic 0x85BD40DD, version 1, 3 bytes padding) followed by chunks, each
// `uvarint len | encoding byte | data | CRC32C(encoding+data)`. A chunk ref is
// (segment index << 32) | offset within that segment; segment 000001 has index 0.
import { closeSync, fsyncSync, openSync, readdirSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { crc32c } from '../crc32c.js';
import { BlockCorruptError, BlockOpenError } from './errors.js';
import { PagedFile } from '../paged_file.js';

export const CHUNKS_MAGIC = 0x85bd40dd;
export const CHUNKS_FORMAT_V1 = 1;
export const SEGMENT_HEADER_SIZE = 8;
/** Prometheus caps a segment file at 512 MiB. */
export const DEFAULT_SEGMENT_SIZE = 512 * 1024 * 1024;
const TWO32 = 4294967296;

export function chunkRef(segment: number, offset: number): number {
  return segment * TWO32 + offset;
}

/** Segment files in chunks/, named by 6+ digit sequence numbers, in order. */
export function listSegmentFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new BlockOpenError(dir, `open chunks dir ${dir}: ${(e as Error).message}`);
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => join(dir, n));
}

/** The file name of segment `i` (counting from 0): 000001, 000002, … */
function segmentName(i: number): string {
  return String(i + 1).padStart(6, '0');
}

/** The chunk that a ref points at: a view into the segment bytes, not a copy. */
export interface RawChunk {
  encoding: number;
  data: Uint8Array;
}

/** What compaction needs from a chunk reader. */
export interface ChunkSource {
  /** The chunk at ref; `data` stays valid at least until the next call. */
  chunk(ref: number, out?: RawChunk): RawChunk;
}

/** Longest chunk header: a 10-byte uvarint length and the encoding byte. */
const MAX_HEADER = 11;

/**
 * Reads chunks of one block by ref. Segment files are read in pages through the shared page
 * cache (../paged_file.ts), so a block costs memory only for what queries touch; chunks are
 * decoded only when a caller asks for one.
 *
 * Every chunk's CRC32C is checked, as Prometheus's chunks.Reader does on each read, but only
 * the first time the chunk is read: the files of a written block never change, so a chunk
 * that matched its CRC once matches it forever, and a query that touches the same chunks
 * again (every rule evaluation, every dashboard refresh) no longer pays a crc32c call per
 * chunk. A chunk that does not match is not remembered, so every read of it keeps failing
 * with the same error.
 */
export class ChunkReader implements ChunkSource {
  /**
   * Per segment, one bit per 8 bytes of offset: set once the chunk starting in that 8-byte
   * slot passed its CRC check. Allocated on the first read of the segment (1/64 of its size).
   * A chunk takes at least 8 bytes (length, encoding, a 2-byte XOR or histogram header, CRC),
   * so no two chunks start in one slot; only a ref into the middle of a chunk could share a
   * slot with a checked one, and refs come from series entries that have their own CRC.
   */
  private readonly verified: (Uint8Array | undefined)[] = [];

  private constructor(
    private readonly dir: string,
    private readonly segs: readonly PagedFile[],
  ) {}

  static open(chunksDir: string): ChunkReader {
    const files = listSegmentFiles(chunksDir);
    // Chunk refs address segments by position, so a gap would send reads to the wrong file.
    files.forEach((f, i) => {
      const want = join(chunksDir, segmentName(i));
      if (f !== want) throw new BlockCorruptError(want, undefined, `chunk segment file is missing (found ${basename(f)} after it)`);
    });
    const segs: PagedFile[] = [];
    try {
      for (const f of files) {
        let seg: PagedFile;
        try {
          seg = PagedFile.open(f);
        } catch (e) {
          throw new BlockOpenError(f, `open chunk segment ${f}: ${(e as Error).message}`);
        }
        segs.push(seg);
        if (seg.size < SEGMENT_HEADER_SIZE) throw new BlockCorruptError(f, 0, `segment file of ${seg.size} bytes is shorter than its ${SEGMENT_HEADER_SIZE}-byte header`);
        const h = seg.readUncached(0, SEGMENT_HEADER_SIZE);
        const magic = h.readUInt32BE(0);
        if (magic !== CHUNKS_MAGIC) throw new BlockCorruptError(f, 0, `invalid magic number ${magic.toString(16)}, want 85bd40dd`);
        if (h[4] !== CHUNKS_FORMAT_V1) throw new BlockCorruptError(f, 4, `invalid chunk format version ${h[4]}`);
      }
    } catch (e) {
      for (const seg of segs) seg.close();
      throw e;
    }
    return new ChunkReader(chunksDir, segs);
  }

  /** Total bytes of all segment files. */
  size(): number {
    let n = 0;
    for (const s of this.segs) n += s.size;
    return n;
  }

  /** Refs of every chunk in file order, found by walking the segments (for checks and tests). */
  allRefs(): number[] {
    const refs: number[] = [];
    const c: RawChunk = { encoding: 0, data: EMPTY };
    for (let seg = 0; seg < this.segs.length; seg++) {
      const f = this.segs[seg]!;
      let off = SEGMENT_HEADER_SIZE;
      // Segments written by Prometheus may be zero-padded at the end; a zero length byte
      // followed by a zero encoding means no more chunks.
      while (off < f.size) {
        f.bytes(off, 2);
        const b = f.buf;
        const at = f.at;
        const size = f.size;
        if (b[at] === 0 && (off + 1 >= size || b[at + 1] === 0)) break;
        const ref = chunkRef(seg, off);
        this.chunk(ref, c);
        refs.push(ref);
        off += uvarintSize(c.data.length) + 1 + c.data.length + 4;
      }
    }
    return refs;
  }

  /** The chunk at `ref`; throws BlockCorruptError naming the segment file and offset. */
  chunk(ref: number, out: RawChunk = { encoding: 0, data: EMPTY }): RawChunk {
    const seg = Math.floor(ref / TWO32);
    const off = ref - seg * TWO32;
    const f = this.segs[seg];
    if (f === undefined) throw new BlockCorruptError(join(this.dir, segmentName(seg)), undefined, `chunk segment file is missing: chunk ref ${ref} points into it, and the block has ${this.segs.length} segment files`);
    const file = f.path;
    const size = f.size;
    if (off < SEGMENT_HEADER_SIZE || off >= size) throw new BlockCorruptError(file, off, `chunk ref points outside the segment file (size ${size})`);
    f.bytes(off, MAX_HEADER);
    let b = f.buf;
    let p = f.at;
    const start = p;
    let len = 0;
    let mul = 1;
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
      f.bytes(off, total);
      b = f.buf;
      p = f.at + (p - start);
    }
    const encAt = p;
    const end = encAt + 1 + len + 4;
    let seen = this.verified[seg];
    if (seen === undefined) seen = this.verified[seg] = new Uint8Array((size >>> 6) + 1);
    const slot = off >>> 3;
    if ((seen[slot >>> 3]! & (1 << (slot & 7))) === 0) {
      const want = b.readUInt32BE(end - 4);
      const got = crc32c(b, encAt, end - 4);
      if (want !== got) throw new BlockCorruptError(file, off, `checksum mismatch expected:${hex8(want)}, actual:${hex8(got)}`);
      seen[slot >>> 3]! |= 1 << (slot & 7);
    }
    out.encoding = b[encAt]!;
    out.data = b.subarray(encAt + 1, end - 4);
    return out;
  }

  /** Closes the segment files and drops their cached pages; chunks handed out stay valid. */
  close(): void {
    for (const f of this.segs) f.close();
  }
}

function uvarintSize(n: number): number {
  let k = 1;
  for (; n >= 0x80; n = Math.floor(n / 0x80)) k++;
  return k;
}

const EMPTY = new Uint8Array(0);

export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * Writes chunks into numbered segment files, starting a new file when the next chunk would
 * push the current one past `segmentSize`. Returns refs as the index expects them. Writes go
 * through one 4 MiB buffer (as Go's bufio writer does) rather than a syscall per chunk.
 */
export class ChunkWriter {
  private fd = -1;
  private seq = -1;
  private pos = 0;
  private readonly buf = Buffer.alloc(4 << 20);
  private used = 0;

  constructor(
    private readonly dir: string,
    private readonly segmentSize = DEFAULT_SEGMENT_SIZE,
  ) {}

  private cut(): void {
    this.finishFile();
    this.seq++;
    const name = join(this.dir, segmentName(this.seq));
    this.fd = openSync(name, 'w', 0o666);
    this.buf.writeUInt32BE(CHUNKS_MAGIC, 0);
    this.buf.writeUInt32BE(CHUNKS_FORMAT_V1 << 24, 4);
    this.used = SEGMENT_HEADER_SIZE;
    this.pos = SEGMENT_HEADER_SIZE;
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  /** Appends one chunk and returns its ref. */
  write(encoding: number, data: Uint8Array): number {
    const total = uvarintSize(data.length) + 1 + data.length + 4;
    if (this.fd < 0 || (this.pos + total > this.segmentSize && this.pos > SEGMENT_HEADER_SIZE)) this.cut();
    if (this.used + total > this.buf.length) this.flush();
    const ref = chunkRef(this.seq, this.pos);
    if (total > this.buf.length) {
      // A chunk larger than the buffer (not produced by XOR encoding): write it directly.
      const big = Buffer.alloc(total);
      this.encodeInto(big, 0, encoding, data);
      writeSync(this.fd, big);
    } else {
      this.encodeInto(this.buf, this.used, encoding, data);
      this.used += total;
    }
    this.pos += total;
    return ref;
  }

  private encodeInto(b: Buffer, at: number, encoding: number, data: Uint8Array): void {
    let p = at;
    let len = data.length;
    while (len >= 0x80) {
      b[p++] = (len & 0x7f) | 0x80;
      len = Math.floor(len / 0x80);
    }
    b[p++] = len;
    const encAt = p;
    b[p++] = encoding;
    b.set(data, p);
    p += data.length;
    b.writeUInt32BE(crc32c(b.subarray(encAt, p)), p);
  }

  private finishFile(): void {
    if (this.fd < 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }

  /** Flushes, fsyncs and closes the last segment. */
  close(): void {
    this.finishFile();
  }
}
