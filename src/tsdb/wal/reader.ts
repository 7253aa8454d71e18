// Reads records out of WAL segments (and checkpoint dirs, which are WALs too), with the same
// tolerances and error texts as Prometheus's wlog.Reader: a short segment is read as if
// zero-padded to the next page boundary, so a record torn by a crash shows up as a checksum
// error at the end of that record, as in Prometheus's logs.
import { closeSync, openSync, readSync } from 'node:fs';
import { crc32c } from '../crc32c.js';
import { snappyDecompressInto } from './snappy.js';
import { WalCorruptionError } from './errors.js';
import { PAGE_SIZE, RECORD_HEADER_SIZE, REC_FIRST, REC_FULL, REC_LAST, REC_MIDDLE, REC_PAGE_TERM, SNAPPY_MASK, type SegmentRef } from './segments.js';

/** Reads a whole segment file into a buffer padded with zeros to a page multiple. */
export function readSegmentPadded(path: string, size: number): Buffer {
  const padded = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
  const buf = Buffer.alloc(padded);
  const fd = openSync(path, 'r');
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}

/** Bytes read from a segment at a time: whole pages, so valid fragments never straddle windows. */
const WINDOW = 128 * PAGE_SIZE;

class ReadEOF {
  constructor(readonly partial: boolean) {}
}

/**
 * Iterates records over consecutive segments. After next() returns true, record() is the
 * record's bytes: a view into the segment or a scratch buffer, valid until the next call.
 * next() returns false at the end or on corruption; err() tells which.
 */
export class WalReader {
  private si = -1;
  /** The current window of the current segment, starting at segment offset winStart. */
  private buf: Buffer = Buffer.alloc(0);
  private winStart = 0;
  private fd = -1;
  private paddedSize = 0;
  private fileSize = 0;
  private pos = 0;
  private rec: Buffer = Buffer.alloc(0);
  /** Where compressed records are decoded to (reused: a record is valid until next()). */
  private readonly decoded = { buf: Buffer.alloc(64 * 1024) };
  /** Accumulates multi-fragment records. */
  private scratch: Buffer = Buffer.alloc(64 * 1024);
  private scratchLen = 0;
  private curType = -1;
  private error: WalCorruptionError | null = null;
  private lastGoodSeg: number;
  private lastGoodOff = 0;
  /** Segment index and end offset of the record last returned. */
  segment = -1;
  offset = 0;

  constructor(
    private readonly dir: string,
    private readonly segs: readonly SegmentRef[],
  ) {
    this.lastGoodSeg = segs.length > 0 ? segs[0]!.index : -1;
  }

  /** Index of the segment being read (for replay progress). */
  currentSegment(): number {
    return this.si >= 0 && this.si < this.segs.length ? this.segs[this.si]!.index : -1;
  }

  record(): Buffer {
    return this.rec;
  }

  /** Releases the open segment file when iteration stops early (it closes itself at the end). */
  close(): void {
    this.closeFd();
  }

  err(): WalCorruptionError | null {
    return this.error;
  }

  next(): boolean {
    if (this.error) return false;
    try {
      const ok = this.readRecord();
      if (ok) {
        this.segment = this.segs[this.si]!.index;
        this.offset = this.winStart + this.pos;
        this.lastGoodSeg = this.segment;
        this.lastGoodOff = this.offset;
      }
      return ok;
    } catch (e) {
      this.closeFd();
      if (e instanceof ReadEOF) {
        if (!e.partial && this.curType !== REC_FIRST && this.curType !== REC_MIDDLE) {
          this.buf = Buffer.alloc(0);
          return false;
        }
        this.fail(e.partial ? 'unexpected EOF' : 'last record is torn');
        return false;
      }
      if (e instanceof FragmentError) {
        this.fail(e.message);
        return false;
      }
      throw e;
    }
  }

  private fail(reason: string): void {
    const seg = this.si >= 0 && this.si < this.segs.length ? this.segs[this.si]!.index : -1;
    this.error = new WalCorruptionError(this.dir, seg, this.winStart + this.pos, reason, { segment: this.lastGoodSeg, offset: this.lastGoodOff });
  }

  /**
   * Loads the next window of the segment, or moves to the next segment when this one is used
   * up; false at the very end. Memory stays at one window however big segments are.
   */
  private ensureData(): boolean {
    while (this.pos >= this.buf.length) {
      const next = this.winStart + this.buf.length;
      if (this.fd >= 0 && next < this.paddedSize) {
        this.loadWindow(next);
        continue;
      }
      this.closeFd();
      if (this.si + 1 >= this.segs.length) return false;
      this.si++;
      const s = this.segs[this.si]!;
      this.fd = openSync(s.path, 'r');
      this.fileSize = s.size;
      this.paddedSize = Math.ceil(s.size / PAGE_SIZE) * PAGE_SIZE;
      this.buf = Buffer.alloc(0);
      this.winStart = 0;
      this.pos = 0;
      if (this.paddedSize > 0) this.loadWindow(0);
    }
    return true;
  }

  /** Reads [start, start+WINDOW) of the segment; past the file's end reads as zeros. */
  private loadWindow(start: number): void {
    const len = Math.min(WINDOW, this.paddedSize - start);
    // A fresh buffer per window: records handed out earlier may still point into the old one.
    // Not zeroed up front: only what the file does not fill (the padding past its end) is.
    const b = Buffer.allocUnsafeSlow(len);
    const want = Math.max(0, Math.min(len, this.fileSize - start));
    let off = 0;
    while (off < want) {
      const n = readSync(this.fd, b, off, want - off, start + off);
      if (n === 0) break;
      off += n;
    }
    b.fill(0, off);
    this.buf = b;
    this.winStart = start;
    this.pos = 0;
  }

  private closeFd(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** n bytes as a view; crosses into the next segment only through a copy (never for valid data). */
  private take(n: number): Buffer {
    if (this.pos + n <= this.buf.length) {
      const v = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      return v;
    }
    const out = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      if (!this.ensureData()) throw new ReadEOF(true);
      const k = Math.min(n - got, this.buf.length - this.pos);
      this.buf.copy(out, got, this.pos, this.pos + k);
      this.pos += k;
      got += k;
    }
    return out;
  }

  private readRecord(): boolean {
    this.scratchLen = 0;
    let compressed = false;
    let single: Buffer | null = null;
    for (let i = 0; ; ) {
      if (!this.ensureData()) throw new ReadEOF(false);
      const hdr0 = this.buf[this.pos++]!;
      this.curType = hdr0 & 0x07;
      compressed = (hdr0 & SNAPPY_MASK) !== 0;
      if (this.curType === REC_PAGE_TERM) {
        // The rest of the page must be zeros up to the boundary (pedantic, as Prometheus is).
        const k = PAGE_SIZE - ((this.winStart + this.pos) % PAGE_SIZE);
        if (k === PAGE_SIZE) continue;
        const z = this.take(k);
        for (let j = 0; j < z.length; j++) if (z[j] !== 0) throw new FragmentError('unexpected non-zero byte in padded page');
        continue;
      }
      // The rest of the header, read in place when the window holds it (it always does for valid data).
      let length: number;
      let crc: number;
      if (this.pos + RECORD_HEADER_SIZE - 1 <= this.buf.length) {
        const b = this.buf;
        const p = this.pos;
        length = (b[p]! << 8) | b[p + 1]!;
        crc = b.readUInt32BE(p + 2);
        this.pos = p + RECORD_HEADER_SIZE - 1;
      } else {
        const hdr = this.take(RECORD_HEADER_SIZE - 1);
        length = (hdr[0]! << 8) | hdr[1]!;
        crc = hdr.readUInt32BE(2);
      }
      if (length > PAGE_SIZE - RECORD_HEADER_SIZE) throw new FragmentError(`invalid record size ${length}`);
      const data = this.take(length);
      const c = crc32c(data);
      if (c !== crc) throw new FragmentError(`unexpected checksum ${c.toString(16)}, expected ${crc.toString(16)}`);
      validateFragment(this.curType, i);
      if (this.curType === REC_FULL) single = data;
      else this.appendScratch(data);
      if (this.curType === REC_LAST || this.curType === REC_FULL) {
        const raw = single ?? this.scratch.subarray(0, this.scratchLen);
        if (compressed && raw.length > 0) {
          try {
            this.rec = snappyDecompressInto(raw, this.decoded);
          } catch (e) {
            throw new FragmentError(`snappy: corrupt input (${e instanceof Error ? e.message : String(e)})`);
          }
        } else {
          this.rec = raw;
        }
        return true;
      }
      i++;
    }
  }

  private appendScratch(data: Buffer): void {
    if (this.scratchLen + data.length > this.scratch.length) {
      const nb = Buffer.alloc(Math.max(this.scratch.length * 2, this.scratchLen + data.length));
      this.scratch.copy(nb, 0, 0, this.scratchLen);
      this.scratch = nb;
    }
    data.copy(this.scratch, this.scratchLen);
    this.scratchLen += data.length;
  }
}

class FragmentError extends Error {}

function validateFragment(typ: number, i: number): void {
  switch (typ) {
    case REC_FULL:
      if (i !== 0) throw new FragmentError('unexpected full record');
      return;
    case REC_FIRST:
      if (i !== 0) throw new FragmentError('unexpected first record');
      return;
    case REC_MIDDLE:
      if (i === 0) throw new FragmentError('unexpected middle record');
      return;
    case REC_LAST:
      if (i === 0) throw new FragmentError('unexpected last record');
      return;
    default:
      throw new FragmentError(`unexpected record type ${typ}`);
  }
}
