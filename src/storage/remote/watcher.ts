// Tails the server's WAL for one remote-write queue, like Prometheus's wlog.Watcher: on start
// it reads the last checkpoint and every segment for series records (so it knows the labels
// behind each ref) but forwards only samples newer than its start time, then follows the
// newest segment as it grows and moves on when the next segment appears. Nothing is held
// only in memory: if the queue is full the watcher stops reading and resumes from the same
// WAL position later, so a slow or down remote end costs disk, not samples.
import { existsSync } from 'node:fs';
import { RecordType, SampleBatch, decodeExemplars, decodeSamples, decodeSeries, lastCheckpoint, listSegments, recordType } from '../../tsdb/index.js';
import type { Labels } from '../../model/index.js';
import type { Logger } from '../../log/index.js';
import { LiveSegmentReader } from './live-reader.js';

/** One exemplar of a WAL exemplar record (ref, t, v, labels). */
export type WalExemplar = ReturnType<typeof decodeExemplars>[number];

export interface WatcherSink {
  /** Labels for refs, from a series record read in WAL segment `segment`. */
  storeSeries(ref: number, labels: Labels, segment: number): void;
  /**
   * A checkpoint numbered `segment` appeared and was re-read: series last seen in an older
   * segment are gone from the head and can be forgotten (Prometheus's SeriesReset).
   */
  seriesReset(segment: number): void;
  /**
   * Offers samples [from, batch.n) of a decoded samples record; returns how many it took
   * (fewer than offered means "full, offer the rest again later").
   */
  append(batch: SampleBatch, from: number): number;
  /** send_exemplars: when true, exemplar records are read and offered to appendExemplars. */
  readonly sendExemplars?: boolean;
  /** Offers exemplars [from, list.length); returns how many it took, like append. */
  appendExemplars?(list: readonly WalExemplar[], from: number): number;
}

/** Poll period for new WAL data; Prometheus 2.42's watcher reads every 10ms. */
const READ_PERIOD_MS = 10;
/** Records processed per turn before yielding the event loop. */
const MAX_RECORDS_PER_TURN = 2000;
/** How often to look for a newer segment while idle at the end of the current one. */
const SEGMENT_CHECK_MS = 100;
/** How often to look for a new checkpoint (to forget dead series); Prometheus uses 5s. */
const CHECKPOINT_CHECK_MS = 5000;

export class WalWatcher {
  private reader: LiveSegmentReader | null = null;
  private readonly batch = new SampleBatch();
  /** Index into `batch` of the first sample the sink has not taken yet; -1 when none. */
  private pendingFrom = -1;
  /** send_exemplars: a decoded exemplar record not fully taken by the sink yet. */
  private pendingEx: WalExemplar[] | null = null;
  private pendingExFrom = 0;
  /**
   * Exemplar records are forwarded from the segment that was newest at start on (Prometheus's
   * watcher sends them only while tailing), without the samples' start-time filter.
   */
  private tailFrom = 0;
  private lastListAt = 0;
  private lastCheckpointAt = 0;
  private checkpointIndex = -1;
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
    if (cp) {
      this.readCheckpoint(cp.dir, cp.index);
      this.checkpointIndex = cp.index;
    }
    const segs = this.segments();
    if (segs.length > 0) this.tailFrom = segs[segs.length - 1]!.index;
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

  /**
   * Reads synchronously up to the current WAL end (or until the sink is full). Called on
   * shutdown so records written just before it (the scrape manager's staleness markers) are
   * queued before the final flush instead of waiting for the next poll.
   */
  drain(): void {
    if (this.stopped) return;
    this.lastListAt = 0;
    try {
      while (this.readSome());
    } catch (e) {
      this.logger.error('Error reading WAL segment', { segment: this.currentSegment, err: String(e) });
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

  private segments(): { index: number; path: string }[] {
    try {
      return existsSync(this.walDir) ? listSegments(this.walDir) : [];
    } catch (e) {
      // A listing racing a truncation can see a gap; the next poll sees a consistent dir.
      this.logger.debug('Error listing WAL segments', { err: String(e) });
      return [];
    }
  }

  private readCheckpoint(dir: string, index: number): void {
    for (const s of listSegments(dir)) {
      const r = new LiveSegmentReader(s.path, s.index);
      try {
        while (r.next()) {
          const rec = r.record();
          if (recordType(rec) === RecordType.Series) for (const x of decodeSeries(rec)) this.sink.storeSeries(x.ref, x.labels, index);
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
      this.checkCheckpoint();
      more = this.readSome();
    } catch (e) {
      // A damaged record: like Prometheus, log and move on to the next segment.
      this.logger.error('Error reading WAL segment', { segment: this.currentSegment, err: String(e) });
      this.skipToNextSegment();
    }
    this.schedule(more ? 0 : READ_PERIOD_MS);
  }

  /**
   * After the DB checkpoints, series that are not in the checkpoint are dead; re-reading it
   * and resetting keeps the ref -> labels map from growing with series churn.
   */
  private checkCheckpoint(): void {
    const now = performance.now();
    if (now - this.lastCheckpointAt < CHECKPOINT_CHECK_MS) return;
    this.lastCheckpointAt = now;
    const cp = lastCheckpoint(this.walDir);
    if (!cp || cp.index <= this.checkpointIndex) return;
    this.readCheckpoint(cp.dir, cp.index);
    this.checkpointIndex = cp.index;
    this.sink.seriesReset(cp.index);
  }

  /** Processes records; returns true when it stopped only to yield (more is ready). */
  private readSome(): boolean {
    if (this.pendingFrom >= 0 && !this.offer()) return false;
    if (this.pendingEx !== null && !this.offerExemplars()) return false;
    if (!this.reader) {
      const segs = this.segments();
      if (segs.length === 0) return false;
      this.open(segs[0]!.index, segs[0]!.path);
    }
    for (let n = 0; n < MAX_RECORDS_PER_TURN; n++) {
      const r = this.reader!;
      if (!r.next()) {
        // At the end of what is on disk. A newer segment listed now means the current one
        // was complete before this listing, so after one more read to its end nothing can be
        // skipped by moving on. Listing is throttled: it is a readdir plus a stat per segment.
        const now = performance.now();
        if (now - this.lastListAt < SEGMENT_CHECK_MS) return false;
        this.lastListAt = now;
        const newer = this.nextSegment();
        if (!newer) return false;
        if (!r.next()) {
          this.open(newer.index, newer.path);
          continue;
        }
      }
      const rec = r.record();
      const typ = recordType(rec);
      if (typ === RecordType.Series) {
        for (const x of decodeSeries(rec)) this.sink.storeSeries(x.ref, x.labels, r.index);
      } else if (typ === RecordType.Samples) {
        this.recordsRead++;
        decodeSamples(rec, this.batch);
        this.filterOld();
        if (this.batch.n > 0) {
          this.pendingFrom = 0;
          if (!this.offer()) return false;
        }
      } else if (typ === RecordType.Exemplars && this.sink.sendExemplars && r.index >= this.tailFrom) {
        const list = decodeExemplars(rec);
        if (list.length > 0) {
          this.pendingEx = list;
          this.pendingExFrom = 0;
          if (!this.offerExemplars()) return false;
        }
      }
    }
    return true;
  }

  /** Hands the pending exemplars to the sink; true when all of them were taken. */
  private offerExemplars(): boolean {
    const list = this.pendingEx!;
    this.pendingExFrom += this.sink.appendExemplars?.(list, this.pendingExFrom) ?? list.length;
    if (this.pendingExFrom >= list.length) {
      this.pendingEx = null;
      return true;
    }
    return false;
  }

  /** Drops samples at or before startTime (old data is not replayed, as in Prometheus). */
  private filterOld(): void {
    const b = this.batch;
    let k = 0;
    for (let i = 0; i < b.n; i++) {
      if (b.ts[i]! > this.startTime) {
        if (k !== i) {
          b.refs[k] = b.refs[i]!;
          b.ts[k] = b.ts[i]!;
          b.vs[k] = b.vs[i]!;
        }
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

  private nextSegment(): { index: number; path: string } | null {
    return this.segments().find((s) => s.index > this.currentSegment) ?? null;
  }

  private skipToNextSegment(): void {
    const nx = this.nextSegment();
    if (nx) this.open(nx.index, nx.path);
  }
}
