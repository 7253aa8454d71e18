// Reads records from a WAL segment that may still be growing, like Prometheus's
// wlog.LiveReader: it consumes whole fragments as they appear and waits (returns false)
// when the next record is not complete on disk yet. The tsdb writer writes each log() call
// with synchronous writes, so a poll never sees half a record in practice; the reader still
// tolerates it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32c } from '../../tsdb/crc32c.js';
import { decompress } from './codec.js';
import { RemoteError } from './errors.js';

const PAGE = 32 * 1024;
const HEADER = 7;
const SNAPPY_MASK = 8;
/** Bytes pulled from the file per fill; several pages so small appends cost one read. */
const FILL = 1024 * 1024;

export class LiveSegmentReader {
  private fd: number;
  /** Unconsumed file bytes [bufStart, bufEnd) held in buf; bufStart is a file offset. */
  private buf = Buffer.alloc(FILL);
  private bufLen = 0;
  private bufFileOff = 0;
  /** File offset of the next fragment header. */
  private pos = 0;
  private scratch = Buffer.alloc(64 * 1024);
  private scratchLen = 0;
  private inRecord = false;
  private rec: Buffer = Buffer.alloc(0);

  constructor(
    readonly path: string,
    readonly index: number,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** The last record returned by next(): a view valid until the next call. */
  record(): Buffer {
    return this.rec;
  }

  /** Offset of the first byte not yet consumed (for metrics/debugging). */
  offset(): number {
    return this.pos;
  }

  /** Bytes available in the file past what has been consumed. */
  private avail(need: number): boolean {
    const have = this.bufFileOff + this.bufLen - this.pos;
    if (have >= need) return true;
    // Compact, then read more from the file.
    const keep = this.bufFileOff + this.bufLen - this.pos;
    const from = this.pos - this.bufFileOff;
    if (keep > 0 && from > 0) this.buf.copy(this.buf, 0, from, from + keep);
    this.bufFileOff = this.pos;
    this.bufLen = keep;
    if (need > this.buf.length) {
      const b = Buffer.alloc(Math.max(need, this.buf.length * 2));
      this.buf.copy(b, 0, 0, this.bufLen);
      this.buf = b;
    }
    const size = fstatSync(this.fd).size;
    while (this.bufLen < this.buf.length && this.bufFileOff + this.bufLen < size) {
      const n = readSync(this.fd, this.buf, this.bufLen, this.buf.length - this.bufLen, this.bufFileOff + this.bufLen);
      if (n <= 0) break;
      this.bufLen += n;
    }
    return this.bufFileOff + this.bufLen - this.pos >= need;
  }

  /**
   * Advances to the next complete record. Returns false when the data for it is not on disk
   * yet; call again later. Throws RemoteError on a checksum mismatch or bad fragment order.
   */
  next(): boolean {
    for (;;) {
      const inPage = this.pos % PAGE;
      if (PAGE - inPage < HEADER) {
        // Not enough room left in the page for a header: the writer padded it with zeros.
        if (!this.avail(PAGE - inPage)) return false;
        this.pos += PAGE - inPage;
        continue;
      }
      if (!this.avail(HEADER)) return false;
      const h = this.pos - this.bufFileOff;
      const typ = this.buf[h]!;
      if (typ === 0) {
        // Page terminator: the rest of the page is padding.
        if (!this.avail(PAGE - inPage)) return false;
        this.pos += PAGE - inPage;
        continue;
      }
      const len = this.buf.readUInt16BE(h + 1);
      if (!this.avail(HEADER + len)) return false;
      const o = this.pos - this.bufFileOff;
      const crc = this.buf.readUInt32BE(o + 3);
      const frag = this.buf.subarray(o + HEADER, o + HEADER + len);
      if (crc32c(frag) !== crc) throw this.corrupt('unexpected checksum');
      this.pos += HEADER + len;
      const kind = typ & 7;
      const compressed = (typ & SNAPPY_MASK) !== 0;
      if (kind === 1) {
        if (this.inRecord) throw this.corrupt('unexpected full record');
        // A view, not a copy: record() is only valid until the next call anyway.
        this.rec = compressed ? decompress(frag) : frag;
        return true;
      }
      if (kind === 2) {
        if (this.inRecord) throw this.corrupt('unexpected first fragment');
        this.inRecord = true;
        this.scratchLen = 0;
      } else if (!this.inRecord) throw this.corrupt('unexpected middle or last fragment');
      if (this.scratchLen + len > this.scratch.length) {
        const b = Buffer.alloc(Math.max(this.scratch.length * 2, this.scratchLen + len));
        this.scratch.copy(b, 0, 0, this.scratchLen);
        this.scratch = b;
      }
      frag.copy(this.scratch, this.scratchLen);
      this.scratchLen += len;
      if (kind === 4) {
        this.inRecord = false;
        const whole = this.scratch.subarray(0, this.scratchLen);
        this.rec = compressed ? decompress(whole) : whole;
        return true;
      }
    }
  }

  private corrupt(what: string): RemoteError {
    return new RemoteError('remote_read', `${what} in WAL segment ${this.index} at offset ${this.pos}`, 'The WAL is damaged; the server repairs it on restart. Remote write skips to the next segment.');
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
