// The WAL writer: records are split into fragments that never cross a 32 KiB page, pages are
// written as they fill (and the partial page at the end of each log() call, so a committed
// batch is in the page cache before it becomes visible), segments are cut at 128 MiB and a
// record never spans two segments. Byte-compatible with Prometheus 2.42's wlog.WL.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { crc32c } from '../crc32c.js';
import { snappyCompress } from './snappy.js';
import type { Logger } from '../../log/index.js';
import { nopLogger } from '../../log/index.js';
import { WalCorruptionError, WalError } from './errors.js';
import { WalReader } from './reader.js';
import { DEFAULT_SEGMENT_SIZE, PAGE_SIZE, RECORD_HEADER_SIZE, REC_FIRST, REC_FULL, REC_LAST, REC_MIDDLE, SNAPPY_MASK, listSegments, segmentPath } from './segments.js';

export interface WalOptions {
  /** Bytes per segment; Prometheus's default is 128 MiB. Must be a multiple of 32 KiB. */
  segmentSize?: number;
  /** Snappy-compress records (`--storage.tsdb.wal-compression`, on by default in 2.42). */
  compress?: boolean;
  logger?: Logger;
}

export class WAL {
  readonly segmentSize: number;
  readonly compress: boolean;
  private readonly logger: Logger;
  private fd = -1;
  private segIndex = -1;
  /** Pages of the current segment already written out completely. */
  private donePages = 0;
  private readonly page = Buffer.alloc(PAGE_SIZE);
  private alloc = 0;
  private flushed = 0;
  private closed = false;

  private constructor(
    readonly dir: string,
    opts: WalOptions,
  ) {
    this.segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (this.segmentSize % PAGE_SIZE !== 0) throw new WalError(`invalid segment size ${this.segmentSize}`, 'use a multiple of 32768 bytes');
    this.compress = opts.compress ?? true;
    this.logger = opts.logger ?? nopLogger;
  }

  /**
   * Opens dir for writing, creating it if needed. Like Prometheus, writing always starts in a
   * fresh segment after the last existing one, so a torn tail is never appended to.
   */
  static open(dir: string, opts: WalOptions = {}): WAL {
    mkdirSync(dir, { recursive: true });
    const w = new WAL(dir, opts);
    const segs = listSegments(dir);
    w.createSegment(segs.length > 0 ? segs[segs.length - 1]!.index + 1 : 0);
    return w;
  }

  /** Index of the segment being written. */
  currentSegment(): number {
    return this.segIndex;
  }

  /** First and last segment index on disk. */
  segments(): { first: number; last: number } {
    const s = listSegments(this.dir);
    return s.length === 0 ? { first: -1, last: -1 } : { first: s[0]!.index, last: s[s.length - 1]!.index };
  }

  private createSegment(i: number): void {
    this.fd = openSync(segmentPath(this.dir, i), 'w');
    this.segIndex = i;
    this.donePages = 0;
    this.alloc = 0;
    this.flushed = 0;
  }

  private pagesPerSegment(): number {
    return this.segmentSize / PAGE_SIZE;
  }

  /** Writes out what the page holds; `clear` pads it to the boundary and starts a new page. */
  private flushPage(clear: boolean): void {
    if (PAGE_SIZE - this.alloc < RECORD_HEADER_SIZE) clear = true;
    const end = clear ? PAGE_SIZE : this.alloc;
    if (clear) this.page.fill(0, this.alloc);
    if (end > this.flushed) {
      const pos = this.donePages * PAGE_SIZE + this.flushed;
      let off = this.flushed;
      while (off < end) off += writeSync(this.fd, this.page, off, end - off, pos + off - this.flushed);
    }
    this.flushed = end;
    if (clear) {
      this.donePages++;
      this.alloc = 0;
      this.flushed = 0;
      this.page.fill(0);
    }
  }

  /** Ends the current segment (padding its last page) and starts the next one. */
  nextSegment(): number {
    if (this.alloc > 0) this.flushPage(true);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.createSegment(this.segIndex + 1);
    return this.segIndex;
  }

  /**
   * Appends records in order. Each record is written before log() returns (no fsync, as
   * Prometheus: the page cache survives a process crash, not a power cut).
   */
  log(...recs: Uint8Array[]): void {
    if (this.closed) throw new WalError('write to closed WAL', 'open the DB again');
    for (const r of recs) this.logOne(r);
    if (this.alloc > this.flushed) this.flushPage(false);
  }

  private logOne(input: Uint8Array): void {
    let rec = input;
    let compressed = false;
    if (this.compress && rec.length > 0) {
      const c = snappyCompress(rec);
      // Keep the raw record when snappy does not make it smaller, as Prometheus does.
      if (c.length < rec.length) {
        rec = c;
        compressed = true;
      }
    }
    // Records never cross segments: if it does not fit in what is left, cut a new segment.
    let left = PAGE_SIZE - this.alloc - RECORD_HEADER_SIZE;
    left += (PAGE_SIZE - RECORD_HEADER_SIZE) * (this.pagesPerSegment() - this.donePages - 1);
    if (rec.length > left) this.nextSegment();

    let off = 0;
    for (let i = 0; i === 0 || off < rec.length; i++) {
      const room = PAGE_SIZE - this.alloc - RECORD_HEADER_SIZE;
      const n = Math.min(rec.length - off, room);
      const last = off + n === rec.length;
      let typ = i === 0 ? (last ? REC_FULL : REC_FIRST) : last ? REC_LAST : REC_MIDDLE;
      if (compressed) typ |= SNAPPY_MASK;
      const part = rec.subarray(off, off + n);
      const p = this.page;
      p[this.alloc] = typ;
      p.writeUInt16BE(n, this.alloc + 1);
      p.writeUInt32BE(crc32c(Buffer.from(part.buffer, part.byteOffset, part.length)), this.alloc + 3);
      p.set(part, this.alloc + RECORD_HEADER_SIZE);
      this.alloc += RECORD_HEADER_SIZE + n;
      off += n;
      if (PAGE_SIZE - this.alloc < RECORD_HEADER_SIZE) this.flushPage(true);
    }
  }

  /** Flushes and fsyncs the current segment. */
  sync(): void {
    if (this.alloc > this.flushed) this.flushPage(false);
    fsyncSync(this.fd);
  }

  /** Deletes segments with index < i (after a checkpoint holds what they had). */
  truncate(i: number): void {
    for (const s of listSegments(this.dir)) {
      if (s.index >= i) break;
      rmSync(s.path, { force: true });
    }
  }

  /**
   * Repairs the damage `err` describes: deletes every segment after the corrupted one, cuts
   * the corrupted segment right after the last good record (zero-padding to its page end so
   * readers see clean page padding) and continues writing in a fresh segment. Records before
   * the corruption are kept byte for byte.
   */
  repair(err: WalCorruptionError): void {
    if (err.segment < 0) throw new WalError(`cannot repair corruption without a segment: ${err.message}`);
    this.logger.warn('Starting corruption repair', { segment: err.segment, offset: err.offset });
    this.logger.warn('Deleting all segments newer than corrupted segment', { segment: err.segment });
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    for (const s of listSegments(this.dir)) if (s.index > err.segment) rmSync(s.path, { force: true });
    this.logger.warn('Rewrite corrupted segment', { segment: err.segment });
    const keep = err.lastGood && err.lastGood.segment === err.segment ? err.lastGood.offset : 0;
    const padded = Math.ceil(keep / PAGE_SIZE) * PAGE_SIZE;
    const fd = openSync(segmentPath(this.dir, err.segment), 'r+');
    try {
      ftruncateSync(fd, keep);
      if (padded > keep) writeSync(fd, Buffer.alloc(padded - keep), 0, padded - keep, keep);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.createSegment(err.segment + 1);
  }

  /** Pads and syncs the last page and closes the segment file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.alloc > 0) this.flushPage(true);
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** A reader over the numbered segments [from, to] of dir (all when omitted). */
export function openSegmentsReader(dir: string, from = -Infinity, to = Infinity): WalReader {
  const segs = listSegments(dir).filter((s) => s.index >= from && s.index <= to);
  return new WalReader(dir, segs);
}

/** Removes leftover temporary dirs of interrupted checkpoints. */
export function removeTmpDirs(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) rmSync(`${dir}/${name}`, { recursive: true, force: true });
}

