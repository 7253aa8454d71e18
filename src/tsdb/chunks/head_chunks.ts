// chunks_head/: full head chunks written out so the head keeps only a reference per chunk.
// Format of Prometheus 2.42 (tsdb/chunks/head_chunks.go): files named with 6 digits, an
// 8-byte header (magic 0x0130BC91, version 1, 3 zero bytes), then per chunk
//   series ref <8> | mint <8> | maxt <8> | encoding <1> | len <uvarint> | data | CRC32C <4>
// with the CRC (Castagnoli) over everything from the series ref through the data. A chunk
// reference is (file seq << 32) | offset. Prometheus preallocates files, so a run of zeros
// where a chunk header should be means "end of this file".
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../crc32c.js';
import { PromtsError } from '../../model/index.js';

export const HEAD_CHUNK_MAGIC = 0x0130bc91;
export const HEAD_CHUNK_FILE_HEADER = 8;
/** Prometheus's MaxHeadChunkFileSize. */
export const MAX_HEAD_CHUNK_FILE_SIZE = 128 * 1024 * 1024;
/** series ref + mint + maxt + encoding. */
const CHUNK_META_BYTES = 25;
const CRC_BYTES = 4;
/** Writes are batched; 1 MiB keeps syscalls rare without holding much unwritten. */
const WRITE_BUFFER = 1024 * 1024;
const TWO32 = 4294967296;

export class HeadChunkCorruptionError extends PromtsError {
  constructor(
    readonly file: string,
    readonly fileSeq: number,
    readonly offset: number,
    reason: string,
  ) {
    super('head_chunks_corrupt', `corruption in head chunk file ${file} at ${offset}: ${reason}`, 'the head rebuilds these chunks from the WAL; the damaged files are removed on start-up');
  }
}

export function chunkRef(seq: number, offset: number): number {
  return seq * TWO32 + offset;
}
export function chunkRefSeq(ref: number): number {
  return Math.floor(ref / TWO32);
}
export function chunkRefOffset(ref: number): number {
  return ref % TWO32;
}

function fileName(seq: number): string {
  return String(seq).padStart(6, '0');
}

function readUvarint(b: Uint8Array, pos: number): [number, number] {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < 10 && pos < b.length; i++) {
    const c = b[pos++]!;
    x += (c & 0x7f) * mul;
    if (c < 0x80) return [x, pos];
    mul *= 128;
  }
  return [-1, pos];
}

function readBE64(b: Buffer, pos: number): number {
  return b.readInt32BE(pos) * TWO32 + b.readUInt32BE(pos + 4);
}

/** What replay reports per chunk found on disk. */
export type ChunkVisitor = (seriesRef: number, ref: number, mint: number, maxt: number, numSamples: number, encoding: number) => void;

/**
 * Writes and reads head chunk files. Single-threaded: writes and reads happen on the event
 * loop; file reads of finished chunks are synchronous preads (the mmap of Prometheus).
 */
export class ChunkDiskMapper {
  private readonly files = new Map<number, { path: string; maxt: number; fd?: number }>();
  private curSeq = -1;
  private fd = -1;
  private fileSize = 0;
  /** Bytes not yet written to the current file, starting at file offset bufStart. */
  private wbuf = Buffer.alloc(WRITE_BUFFER);
  private wlen = 0;
  private bufStart = 0;
  private readonly hdr = Buffer.alloc(CHUNK_META_BYTES + 10);
  private readonly rbuf = Buffer.alloc(1024);

  /** With readOnly the directory is never created (promts tsdb dump must not write into a data dir). */
  constructor(readonly dir: string, readOnly = false) {
    if (!readOnly) mkdirSync(dir, { recursive: true });
    else if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (!/^\d+$/.test(name)) continue;
      this.files.set(Number(name), { path: join(dir, name), maxt: -Infinity });
    }
  }

  /** Sequence numbers of the files on disk, ascending. */
  fileSeqs(): number[] {
    return [...this.files.keys()].sort((a, b) => a - b);
  }

  /**
   * Reads every chunk of every file in order. Throws HeadChunkCorruptionError at the first
   * damaged chunk; the caller then calls deleteFrom(err.fileSeq) and replays the WAL.
   */
  replay(visit: ChunkVisitor): void {
    for (const seq of this.fileSeqs()) {
      const f = this.files.get(seq)!;
      const b = readFileSync(f.path);
      if (b.length < HEAD_CHUNK_FILE_HEADER) throw new HeadChunkCorruptionError(f.path, seq, 0, `file too short (${b.length} bytes)`);
      if (b.readUInt32BE(0) !== HEAD_CHUNK_MAGIC) throw new HeadChunkCorruptionError(f.path, seq, 0, `invalid magic number ${b.readUInt32BE(0).toString(16)}`);
      if (b[4] !== 1) throw new HeadChunkCorruptionError(f.path, seq, 4, `invalid chunk format version ${b[4]}`);
      let pos = HEAD_CHUNK_FILE_HEADER;
      while (pos + CHUNK_META_BYTES + 1 <= b.length) {
        // All-zero meta: preallocated space past the last chunk.
        let zero = true;
        for (let i = 0; i < CHUNK_META_BYTES; i++) if (b[pos + i] !== 0) { zero = false; break; }
        if (zero) break;
        const start = pos;
        const seriesRef = readBE64(b, pos);
        const mint = readBE64(b, pos + 8);
        const maxt = readBE64(b, pos + 16);
        const enc = b[pos + 24]!;
        const [len, dataStart] = readUvarint(b, pos + CHUNK_META_BYTES);
        if (len < 0 || dataStart + len + CRC_BYTES > b.length) throw new HeadChunkCorruptionError(f.path, seq, start, 'head chunk extends beyond the end of the file');
        const want = b.readUInt32BE(dataStart + len);
        const got = crc32c(b.subarray(start, dataStart + len));
        if (want !== got) throw new HeadChunkCorruptionError(f.path, seq, start, `checksum mismatch expected:${want.toString(16)}, actual:${got.toString(16)}`);
        const numSamples = len >= 2 ? (b[dataStart]! << 8) | b[dataStart + 1]! : 0;
        if (maxt > f.maxt) f.maxt = maxt;
        visit(seriesRef, chunkRef(seq, start), mint, maxt, numSamples, enc);
        pos = dataStart + len + CRC_BYTES;
      }
    }
  }

  /** Deletes file seq and every newer file (after corruption). */
  deleteFrom(seq: number): void {
    for (const s of this.fileSeqs()) {
      if (s >= seq) {
        this.closeReadFd(this.files.get(s)!);
        rmSync(this.files.get(s)!.path, { force: true });
        this.files.delete(s);
      }
    }
  }

  /** Deletes every file. */
  deleteAll(): void {
    this.deleteFrom(-Infinity);
  }

  private cutFile(): void {
    this.flush();
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    const seqs = this.fileSeqs();
    const seq = seqs.length > 0 ? seqs[seqs.length - 1]! + 1 : 1;
    const path = join(this.dir, fileName(seq));
    this.fd = openSync(path, 'w+');
    const h = Buffer.alloc(HEAD_CHUNK_FILE_HEADER);
    h.writeUInt32BE(HEAD_CHUNK_MAGIC, 0);
    h[4] = 1;
    writeSync(this.fd, h, 0, h.length, 0);
    this.files.set(seq, { path, maxt: -Infinity });
    this.curSeq = seq;
    this.fileSize = HEAD_CHUNK_FILE_HEADER;
    this.bufStart = HEAD_CHUNK_FILE_HEADER;
    this.wlen = 0;
  }

  /** Appends a chunk and returns its reference. Buffered; readable right away through chunk(). */
  write(seriesRef: number, mint: number, maxt: number, encoding: number, data: Uint8Array): number {
    const h = this.hdr;
    const hi = Math.floor(seriesRef / TWO32);
    h.writeUInt32BE(hi >>> 0, 0);
    h.writeUInt32BE((seriesRef - hi * TWO32) >>> 0, 4);
    writeI64(h, 8, mint);
    writeI64(h, 16, maxt);
    h[24] = encoding;
    let p = CHUNK_META_BYTES;
    let n = data.length;
    while (n >= 128) {
      h[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    h[p++] = n;
    const total = p + data.length + CRC_BYTES;
    if (this.fd < 0 || this.fileSize + total > MAX_HEAD_CHUNK_FILE_SIZE) this.cutFile();
    if (this.wlen + total > this.wbuf.length) {
      this.flush();
      if (total > this.wbuf.length) this.wbuf = Buffer.alloc(total);
    }
    const off = this.fileSize;
    const w = this.wbuf;
    const s = this.wlen;
    h.copy(w, s, 0, p);
    w.set(data, s + p);
    w.writeUInt32BE(crc32c(w.subarray(s, s + p + data.length)), s + p + data.length);
    this.wlen += total;
    this.fileSize += total;
    const f = this.files.get(this.curSeq)!;
    if (maxt > f.maxt) f.maxt = maxt;
    return chunkRef(this.curSeq, off);
  }

  /** Writes buffered chunks to the current file. */
  flush(): void {
    if (this.fd < 0 || this.wlen === 0) return;
    let o = 0;
    while (o < this.wlen) o += writeSync(this.fd, this.wbuf, o, this.wlen - o, this.bufStart + o);
    this.bufStart += this.wlen;
    this.wlen = 0;
  }

  /** The data bytes (encoding-specific payload) of the chunk at ref. */
  chunk(ref: number): Uint8Array {
    const seq = chunkRefSeq(ref);
    const off = chunkRefOffset(ref);
    if (seq === this.curSeq && off >= this.bufStart) {
      const s = off - this.bufStart;
      const [len, ds] = readUvarint(this.wbuf, s + CHUNK_META_BYTES);
      return this.wbuf.slice(ds, ds + len);
    }
    const f = this.files.get(seq);
    if (!f) throw new HeadChunkCorruptionError(join(this.dir, fileName(seq)), seq, off, 'head chunk file is gone');
    // Read descriptors stay open per file (as Prometheus keeps its mmaps) until truncation.
    const fd = seq === this.curSeq ? this.fd : (f.fd ??= openSync(f.path, 'r'));
    {
      // One pread usually covers meta + data (head chunks are a few hundred bytes).
      const h = this.rbuf;
      const n = readSync(fd, h, 0, h.length, off);
      const [len, ds] = readUvarint(h.subarray(0, n), CHUNK_META_BYTES);
      if (len < 0) throw new HeadChunkCorruptionError(f.path, seq, off, 'bad chunk length');
      const out = Buffer.allocUnsafe(len);
      let got = Math.max(0, Math.min(len, n - ds));
      h.copy(out, 0, ds, ds + got);
      while (got < len) {
        const k = readSync(fd, out, got, len - got, off + ds + got);
        if (k === 0) throw new HeadChunkCorruptionError(f.path, seq, off, 'head chunk extends beyond the end of the file');
        got += k;
      }
      return out;
    }
  }

  private closeReadFd(f: { fd?: number }): void {
    if (f.fd !== undefined) closeSync(f.fd);
    f.fd = undefined;
  }

  /**
   * Deletes files whose chunks all end before mint (never the file being written). Returns
   * the deleted sequence numbers.
   */
  truncate(mint: number): number[] {
    const gone: number[] = [];
    for (const s of this.fileSeqs()) {
      if (s === this.curSeq) continue;
      const f = this.files.get(s)!;
      if (f.maxt < mint) {
        this.closeReadFd(f);
        rmSync(f.path, { force: true });
        this.files.delete(s);
        gone.push(s);
      }
    }
    return gone;
  }

  close(): void {
    for (const f of this.files.values()) this.closeReadFd(f);
    this.flush();
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    }
    this.curSeq = -1;
  }

  /** True when dir exists and holds at least one chunk file. */
  static hasFiles(dir: string): boolean {
    return existsSync(dir) && readdirSync(dir).some((n) => /^\d+$/.test(n));
  }
}

function writeI64(b: Buffer, pos: number, x: number): void {
  const hi = Math.floor(x / TWO32);
  b.writeUInt32BE(hi >>> 0, pos);
  b.writeUInt32BE((x - hi * TWO32) >>> 0, pos + 4);
}
