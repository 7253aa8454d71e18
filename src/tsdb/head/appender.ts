// Head appender: collects a batch, checks each sample against the committed state (as
// Prometheus does), and on commit writes series + samples records to the WAL before the
// samples become visible.
import type { Labels } from '../../model/index.js';
import type { Appender, SeriesRef, Metadata, Exemplar } from '../../storage/index.js';
import { StorageError, errDuplicateSample, errOutOfBounds, errOutOfOrderSample } from '../../storage/index.js';
import { SampleBatch, type RefSeries, type RefMetadata } from '../wal/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './series.js';
import { commitExemplars, prepareExemplar, type PendingExemplar } from './exemplars.js'; // exemplar-storage hook

/** Stands in for the buffers of an appender that never appended (read-only, always empty). */
const EMPTY_BUFFERS: AppendBuffers = { batch: new SampleBatch(), sers: [] };

/** An appender's pending samples and their series; recycled through the head's pool. */
export interface AppendBuffers {
  readonly batch: SampleBatch;
  readonly sers: MemSeries[];
}

export class HeadAppender implements Appender {
  /** Taken from the head's pool on the first append, returned on commit/rollback. */
  private bufs: AppendBuffers | null = null;
  private readonly newSeries: RefSeries[] = [];
  private readonly metas: RefMetadata[] = [];
  /** exemplar-storage hook: exemplars validated in this batch, stored on commit. */
  private exemplars: PendingExemplar[] | null = null;
  private done = false;
  /** Samples older than this are out of bounds: half a chunk range behind the head's max. */
  private readonly minValidTime: number;

  constructor(private readonly head: Head) {
    head.stats.activeAppenders++;
    const s = head.stats;
    const behind = s.maxTime === -Infinity ? -Infinity : s.maxTime - head.chunkRange / 2;
    this.minValidTime = Math.max(s.minValidTime, behind);
  }

  append(ref: SeriesRef | 0, labels: Labels, t: number, v: number): SeriesRef {
    if (this.done) throw new StorageError('closed', 'append after commit or rollback', 'use a new appender for each batch');
    if (t < this.minValidTime) {
      this.head.stats.outOfBoundsSamples++;
      throw errOutOfBounds();
    }
    let s = ref !== 0 ? this.head.getByRef(ref) : undefined;
    if (s === undefined) {
      if (labels.length === 0) throw new StorageError('not_found', 'empty labelset', 'append with the series labels');
      const r = this.head.getOrCreate(labels);
      s = r.s;
      if (r.created) this.newSeries.push({ ref: s.ref, labels: s.labels });
    }
    if (t <= s.maxt) {
      if (t < s.maxt) {
        this.head.stats.outOfOrderSamples++;
        throw errOutOfOrderSample();
      }
      // Same timestamp: identical value is accepted silently, a different one is an error.
      if (!s.sameAsLast(v)) {
        this.head.stats.duplicateSamples++;
        throw errDuplicateSample();
      }
    }
    if (t > s.pendingT) s.pendingT = t;
    const bufs = (this.bufs ??= this.head.takeAppendBuffers());
    bufs.batch.push(s.ref, t, v);
    bufs.sers.push(s);
    return s.ref as SeriesRef;
  }

  /** exemplar-storage hook: validated now (throws ExemplarError), logged and stored on commit; dropped while the storage is off. */
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): void {
    const p = prepareExemplar(this.head, ref, labels, e);
    if (p !== null) (this.exemplars ??= []).push(p);
  }

  updateMetadata(ref: SeriesRef, _labels: Labels, meta: Metadata): void {
    const s = this.head.getByRef(ref);
    if (!s) return;
    const m = s.meta;
    if (m && m.type === meta.type && m.help === meta.help && m.unit === meta.unit) return;
    this.metas.push({ ref, type: meta.type, unit: meta.unit, help: meta.help });
  }

  async commit(): Promise<void> {
    this.commitSync();
  }

  /** commit() without the promise, for callers on a hot path (scrape loop, replay tests). */
  commitSync(): void {
    if (this.done) return;
    this.done = true;
    const head = this.head;
    const bufs = this.bufs ?? EMPTY_BUFFERS;
    const b = bufs.batch;
    // Log first: a sample is visible only once it is in the WAL. If logging fails (disk
    // full), nothing of the batch becomes visible and the error reaches the caller.
    if (head.wal) {
      try {
        if (this.newSeries.length > 0) head.wal.log(head.encoder.series(this.newSeries));
        if (b.n > 0) head.wal.log(head.encoder.samples(b.refs, b.ts, b.vs, b.n));
        if (this.metas.length > 0) head.wal.log(head.encoder.metadata(this.metas));
        if (this.exemplars !== null) head.wal.log(head.encoder.exemplars(this.exemplars)); // exemplar-storage hook
      } catch (e) {
        for (const s of bufs.sers) s.pendingT = -Infinity;
        this.release();
        throw e;
      }
    }
    for (const m of this.metas) {
      const s = head.getByRef(m.ref);
      if (s) s.meta = head.internMeta(m);
    }
    let mint = Infinity;
    let maxt = -Infinity;
    let appended = 0;
    for (let i = 0; i < b.n; i++) {
      const s = bufs.sers[i]!;
      const t = b.ts[i]!;
      s.pendingT = -Infinity;
      if (!s.append(t, b.vs[i]!, head.chunkRange, head.chunks)) {
        // Same timestamp twice in one batch, or a duplicate of the newest sample.
        if (t !== s.maxt) head.stats.outOfOrderSamples++;
        continue;
      }
      appended++;
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
      head.stats.chunksCreated += s.chunksCreated;
      head.stats.chunks += s.chunksCreated; // kept current here so stats stay O(1) to read
      s.chunksCreated = 0;
    }
    head.stats.samplesAppended += appended;
    if (appended > 0) head.updateMinMax(mint, maxt);
    if (this.exemplars !== null) commitExemplars(head, this.exemplars); // exemplar-storage hook
    this.release();
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    this.done = true;
    // Series exist in memory regardless, so they are logged anyway (as Prometheus does).
    if (this.head.wal && this.newSeries.length > 0) this.head.wal.log(this.head.encoder.series(this.newSeries));
    if (this.bufs) for (const s of this.bufs.sers) s.pendingT = -Infinity;
    this.release();
  }

  private release(): void {
    this.head.stats.activeAppenders--;
    if (this.bufs) this.head.returnAppendBuffers(this.bufs);
    this.bufs = null;
  }
}
