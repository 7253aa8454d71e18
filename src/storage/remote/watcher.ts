// Tails the server's WAL for one remote-write queue, like Prometheus's wlog.Watcher: on start
// it reads the last checkpoint and every segment for series records (so it knows the labels
// behind each ref) but forwards only samples newer than its start time, then follows the
// newest segment as it grows and moves on when the next segment appears. Nothing is held
// only in memory: if the queue is full the watcher stops reading and resumes from the same
// WAL position later, so a slow or down remote end costs disk, not samples.
import { existsSync } from 'node:fs';
import { RecordType, SampleBatch, decodeSamples, decodeSeries, lastCheckpoint, listSegments, recordType } from '../../tsdb/index.js';
import type { Labels } from '../../model/index.js';
import type { Logger } from '../../log/index.js';
import { LiveSegmentReader } from './live-reader.js';

export interface WatcherSink {
  /** Labels for refs, from a series record. */
  storeSeries(ref: number, labels: Labels): void;
  /**
   * Offers samples [from, batch.n) of a decoded samples record; returns how many it took
   * (fewer than offered means "full, offer the rest again later").
   */
  append(batch: SampleBatch, from: number): number;
}

/** Poll period for new WAL data; Prometheus 2.42's watcher reads every 10ms. */
const READ_PERIOD_MS = 10;
/** Bytes of records processed per turn before yielding the event loop. */
const MAX_RECORDS_PER_TURN = 2000;

export class WalWatcher {
  private reader: LiveSegmentReader | null = null;
  private readonly batch = new SampleBatch();
  /** A decoded samples record the sink has not fully taken yet. */
  private pendingFrom = -1;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Segment index being tailed, for the prometheus_wal_watcher_current_segment metric. */
  currentSegment = -1;
  /** Samples records read (including ones filtered out by start time). */
  recordsRead = 0;

  constructor(
    private readonly walDir: string,
    private readonly sink: WatcherSink,
    private readonly logger: Logger,
    /** Samples at or before this time (ms) are not forwarded: the queue starts at "now". */
    private readonly startTime: number,
  ) {}

  start(): void {
    const cp = lastCheckpoint(this.walDir);
    if (cp) this.readCheckpoint(cp.dir);
    const segs = existsSync(this.walDir) ? listSegments(this.walDir) : [];
    const first = segs.find((s) => !cp || s.index > cp.index);
    if (first) this.open(first.index, first.path);
    this.schedule(0);
  }

  /** Lets the DB (or a test) say "new data" to skip the poll delay. Cheap to call often. */
  notify(): void {
    if (this.timer && !this.stopped) {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.reader?.close();
    this.reader = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref?.();
  }

  private readCheckpoint(dir: string): void {
    for (const s of listSegments(dir)) {
      const r = new LiveSegmentReader(s.path, s.index);
      try {
        while (r.next()) {
          const rec = r.record();
          if (recordType(rec) === RecordType.Series) for (const x of decodeSeries(rec)) this.sink.storeSeries(x.ref, x.labels);
        }
      } finally {
        r.close();
      }
    }
  }

  private open(index: number, path: string): void {
    this.reader?.close();
    this.reader = new LiveSegmentReader(path, index);
    this.currentSegment = index;
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    let more = false;
    try {
      more = this.readSome();
    } catch (e) {
      // A damaged record: like Prometheus, log and move on to the next segment.
      this.logger.error('Error reading WAL segment', { segment: this.currentSegment, err: String(e) });
      this.skipToNextSegment();
    }
    this.schedule(more ? 0 : READ_PERIOD_MS);
  }

  /** Processes records; returns true when it stopped only to yield (more is ready). */
  private readSome(): boolean {
    if (this.pendingFrom >= 0) {
      if (!this.offer()) return false;
    }
    if (!this.reader) {
      const segs = existsSync(this.walDir) ? listSegments(this.walDir) : [];
      if (segs.length === 0) return false;
      this.open(segs[0]!.index, segs[0]!.path);
    }
    // List before reading to the end: a newer segment seen here means the current one was
    // complete before we read its end, so moving on cannot skip records.
    let newer = this.nextSegmentPath();
    for (let n = 0; n < MAX_RECORDS_PER_TURN; n++) {
      const r = this.reader!;
      if (!r.next()) {
        if (!newer) return false;
        this.open(newer.index, newer.path);
        newer = this.nextSegmentPath();
        continue;
      }
      const rec = r.record();
      const typ = recordType(rec);
      if (typ === RecordType.Series) {
        for (const x of decodeSeries(rec)) this.sink.storeSeries(x.ref, x.labels);
      } else if (typ === RecordType.Samples) {
        this.recordsRead++;
        decodeSamples(rec, this.batch);
        this.filterOld();
        if (this.batch.n > 0) {
          this.pendingFrom = 0;
          if (!this.offer()) return false;
        }
      }
    }
    return true;
  }

  /** Drops samples at or before startTime (old data is not replayed, as in Prometheus). */
  private filterOld(): void {
    const b = this.batch;
    let k = 0;
    for (let i = 0; i < b.n; i++) {
      if (b.ts[i]! > this.startTime) {
        b.refs[k] = b.refs[i]!;
        b.ts[k] = b.ts[i]!;
        b.vs[k] = b.vs[i]!;
        k++;
      }
    }
    b.n = k;
  }

  /** Hands the pending batch to the sink; true when all of it was taken. */
  private offer(): boolean {
    const took = this.sink.append(this.batch, this.pendingFrom);
    this.pendingFrom += took;
    if (this.pendingFrom >= this.batch.n) {
      this.pendingFrom = -1;
      return true;
    }
    return false;
  }

  private nextSegmentPath(): { index: number; path: string } | null {
    if (!existsSync(this.walDir)) return null;
    const segs = listSegments(this.walDir);
    return segs.find((s) => s.index > this.currentSegment) ?? null;
  }

  private skipToNextSegment(): void {
    const nx = this.nextSegmentPath();
    if (nx) this.open(nx.index, nx.path);
  }
}
