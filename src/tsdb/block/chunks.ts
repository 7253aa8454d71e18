// Chunk segment files of a block: chunks/000001, 000002, ... Each starts with an 8-byte
// header (magic 0x85BD40DD, version 1, 3 bytes padding) followed by chunks, each
// `uvarint len | encoding byte | data | CRC32C(encoding+data)`. A chunk ref is
// (segment index << 32) | offset within that segment; segment 000001 has index 0.
import { closeSync, fstatSync, fsyncSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../crc32c.js';
import { BlockCorruptError, BlockOpenError } from './errors.js';
import { addPage, dropPages, PAGE_SIZE, touchPage } from './page_cache.js';

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

/** Closes the files of readers that were dropped without close() (blocks deleted while queried). */
const orphans = new FinalizationRegistry<number[]>((fds) => {
  for (const fd of fds) closeSync(fd);
});

/**
 * Reads chunks of one block by ref, through the shared page cache (page_cache.ts): segment
 * files stay open and pages are read with pread when a chunk in them is first needed, so a
 * block costs memory only for what queries touch. Chunks are decoded only when a caller asks.
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
  /** Per segment, its cached pages by page number. */
  private readonly pages: (Buffer | undefined)[][];
  /** Where view() found the bytes asked for: `viewBuf[viewAt]` is the first. */
  private viewBuf: Buffer = Buffer.alloc(0);
  private viewAt = 0;

  private constructor(
    readonly files: readonly string[],
    private readonly fds: number[],
    private readonly sizes: readonly number[],
  ) {
    this.pages = files.map(() => []);
    orphans.register(this, fds, this);
  }

  static open(chunksDir: string): ChunkReader {
    const files = listSegmentFiles(chunksDir);
    const fds: number[] = [];
    const sizes: number[] = [];
    try {
      for (const f of files) {
        try {
          fds.push(openSync(f, 'r'));
        } catch (e) {
          throw new BlockOpenError(f, `open chunk segment ${f}: ${(e as Error).message}`);
        }
        const fd = fds[fds.length - 1]!;
        const size = fstatSync(fd).size;
        sizes.push(size);
        const h = Buffer.alloc(SEGMENT_HEADER_SIZE);
        if (size < SEGMENT_HEADER_SIZE || readSync(fd, h, 0, SEGMENT_HEADER_SIZE, 0) < SEGMENT_HEADER_SIZE) throw new BlockCorruptError(f, 0, `segment file of ${size} bytes is shorter than its ${SEGMENT_HEADER_SIZE}-byte header`);
        const magic = h.readUInt32BE(0);
        if (magic !== CHUNKS_MAGIC) throw new BlockCorruptError(f, 0, `invalid magic number ${magic.toString(16)}, want 85bd40dd`);
        if (h[4] !== CHUNKS_FORMAT_V1) throw new BlockCorruptError(f, 4, `invalid chunk format version ${h[4]}`);
      }
    } catch (e) {
      for (const fd of fds) closeSync(fd);
      throw e;
    }
    return new ChunkReader(files, fds, sizes);
  }

  /** Total bytes of all segment files. */
  size(): number {
    let n = 0;
    for (const s of this.sizes) n += s;
    return n;
  }

  /** Refs of every chunk in file order, found by walking the segments (for checks and tests). */
  allRefs(): number[] {
    const refs: number[] = [];
    const c: RawChunk = { encoding: 0, data: EMPTY };
    for (let seg = 0; seg < this.sizes.length; seg++) {
      const size = this.sizes[seg]!;
      let off = SEGMENT_HEADER_SIZE;
      // Segments written by Prometheus may be zero-padded at the end; a zero length byte
      // followed by a zero encoding means no more chunks.
      while (off < size) {
        this.view(seg, off, Math.min(2, size - off));
        const b = this.viewBuf;
        const at = this.viewAt;
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
    const size = this.sizes[seg];
    if (size === undefined) throw new BlockCorruptError(this.files[0] ?? 'chunks', undefined, `chunk ref ${ref} points at segment index ${seg}, but there are only ${this.sizes.length} segment files`);
    const file = this.files[seg]!;
    if (off < SEGMENT_HEADER_SIZE || off >= size) throw new BlockCorruptError(file, off, `chunk ref points outside the segment file (size ${size})`);
    this.view(seg, off, Math.min(MAX_HEADER, size - off));
    let b = this.viewBuf;
    let p = this.viewAt;
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
      this.view(seg, off, total);
      b = this.viewBuf;
      p = this.viewAt + (p - start);
    }
    const encAt = p;
    const end = encAt + 1 + len + 4;
    let seen = this.verified[seg];
    if (seen === undefined) seen = this.verified[seg] = new Uint8Array((size >>> 6) + 1);
    const slot = off >>> 3;
    if ((seen[slot >>> 3]! & (1 << (slot & 7))) === 0) {
      const want = b.readUInt32BE(end - 4);
      const got = crc32c(b.subarray(encAt, end - 4));
      if (want !== got) throw new BlockCorruptError(file, off, `checksum mismatch expected:${hex8(want)}, actual:${hex8(got)}`);
      seen[slot >>> 3]! |= 1 << (slot & 7);
    }
    out.encoding = b[encAt]!;
    out.data = b.subarray(encAt + 1, end - 4);
    return out;
  }

  /** Closes the segment files and drops their cached pages; chunks handed out stay valid. */
  close(): void {
    orphans.unregister(this);
    for (const fd of this.fds) closeSync(fd);
    this.fds.length = 0;
    for (const p of this.pages) dropPages(p);
  }

  /**
   * Makes bytes [off, off + n) of segment seg readable at viewBuf[viewAt...]: from its cached
   * page, or read with pread; a span across a page boundary (rare: chunks are small) is read
   * on its own and not cached.
   */
  private view(seg: number, off: number, n: number): void {
    const pageNo = Math.floor(off / PAGE_SIZE);
    const pageStart = pageNo * PAGE_SIZE;
    if (off + n <= pageStart + PAGE_SIZE) {
      const pages = this.pages[seg]!;
      let page = pages[pageNo];
      if (page === undefined) {
        page = this.read(seg, pageStart, Math.min(PAGE_SIZE, this.sizes[seg]! - pageStart));
        addPage(pages, pageNo, page);
      } else touchPage(page);
      this.viewBuf = page;
      this.viewAt = off - pageStart;
      return;
    }
    this.viewBuf = this.read(seg, off, n);
    this.viewAt = 0;
  }

  private read(seg: number, off: number, n: number): Buffer {
    if (this.fds.length === 0) throw new BlockOpenError(this.files[seg]!, `read chunk segment ${this.files[seg]}: the block was closed`);
    const b = Buffer.allocUnsafeSlow(n);
    let got = 0;
    while (got < n) {
      const k = readSync(this.fds[seg]!, b, got, n - got, off + got);
      if (k === 0) break;
      got += k;
    }
    return got === n ? b : b.subarray(0, got);
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
    const name = join(this.dir, String(this.seq + 1).padStart(6, '0'));
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
    b.writeUInt32BE(crc32c(b.subarray(encAt, p)) >>> 0, p);
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
