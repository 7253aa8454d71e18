// Start-up: rebuilds the head from chunks_head/ (completed chunks) and the WAL (checkpoint,
// then segments), like Prometheus 2.42's Head.Init. Samples are decoded into typed arrays and
// appended straight into series chunks: no object per sample. A corrupt WAL stops the replay
// with WalCorruptionError; what was read before it stays in the head (the DB then repairs).
import type { Logger } from '../../log/index.js';
import { HeadChunkCorruptionError, type ChunkDiskMapper } from '../chunks/index.js';
import {
  LabelStringCache,
  RecordType,
  SampleBatch,
  WalReader,
  WalCorruptionError,
  decodeMetadata,
  decodeSamples,
  decodeSeries,
  decodeTombstones,
  lastCheckpoint,
  listSegments,
  recordType,
} from '../wal/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './series.js';
import { replayExemplarRecord } from './exemplars.js'; // exemplar-storage hook

/** WAL replay progress, for /api/v1/status/walreplay. */
export interface ReplayProgress {
  min: number;
  max: number;
  current: number;
  done: boolean;
}

export interface ReplayResult {
  /** Set when the WAL is damaged; the head holds everything before the damage. */
  corruption: WalCorruptionError | null;
  unknownSeriesRefs: number;
  samples: number;
  durationMs: number;
}

/** A series' completed chunks on disk, as MemSeries keeps them: flat (ref, mint, maxt) triples. */
type MmChunks = number[];

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Reads chunks_head/ into per-series lists; drops the damaged tail of the files on corruption. */
function loadMmappedChunks(mapper: ChunkDiskMapper, logger: Logger): Map<number, MmChunks> {
  const load = (): Map<number, MmChunks> => {
    const m = new Map<number, MmChunks>();
    mapper.replay((seriesRef, ref, mint, maxt) => {
      const e = m.get(seriesRef);
      if (!e) m.set(seriesRef, [ref, mint, maxt]);
      // Chunks of one series come in time order; a chunk overlapping the last is ignored.
      else if (mint > e[e.length - 1]!) e.push(ref, mint, maxt);
    });
    return m;
  };
  try {
    return load();
  } catch (e) {
    if (!(e instanceof HeadChunkCorruptionError)) throw e;
    logger.error('Loading on-disk chunks failed', { err: e.message });
    logger.info('Deleting mmapped chunk files', { file: e.file });
    mapper.deleteFrom(e.fileSeq);
    try {
      return load();
    } catch (e2) {
      logger.error('Deletion of corrupted mmap chunk files failed, discarding chunk files completely', { err: e2 instanceof Error ? e2.message : String(e2) });
      mapper.deleteAll();
      return new Map();
    }
  }
}

/**
 * Replays chunks_head/ and walDir into head. Samples before minValidTime (covered by blocks)
 * are skipped. progress is updated as segments are read.
 */
export async function replayHead(head: Head, walDir: string | null, mapper: ChunkDiskMapper | null, minValidTime: number, progress: ReplayProgress, logger: Logger): Promise<ReplayResult> {
  const start = performance.now();
  head.stats.minValidTime = minValidTime;
  let mm = new Map<number, MmChunks>();
  if (mapper) {
    logger.info('Replaying on-disk memory mappable chunks if any');
    const t0 = performance.now();
    mm = loadMmappedChunks(mapper, logger);
    logger.info('On-disk memory mappable chunks replay completed', { duration: fmtMs(performance.now() - t0) });
  }
  const result: ReplayResult = { corruption: null, unknownSeriesRefs: 0, samples: 0, durationMs: 0 };
  /** WAL refs that name a series already known under another ref. */
  const multiRef = new Map<number, number>();
  const batch = new SampleBatch();
  const strings = new LabelStringCache();
  /** Dense ref -> series table: refs are small consecutive integers, a Map per sample costs more. */
  const byRef: (MemSeries | undefined)[] = [];
  let n = 0;

  const attach = (s: MemSeries): void => {
    const c = mm.get(s.ref);
    if (!c) return;
    mm.delete(s.ref);
    s.adoptMmChunks(c);
    s.maxt = c[c.length - 1]!;
    head.updateMinMax(c[1]!, s.maxt);
  };

  const process = async (r: WalReader): Promise<void> => {
    while (r.next()) {
      const rec = r.record();
      switch (recordType(rec)) {
        case RecordType.Series:
          for (const rs of decodeSeries(rec, strings)) {
            const { s, created } = head.getOrCreate(rs.labels, rs.ref);
            if (!created && s.ref !== rs.ref) multiRef.set(rs.ref, s.ref);
            if (created) attach(s);
            byRef[rs.ref] = s;
          }
          break;
        case RecordType.Samples:
          decodeSamples(rec, batch);
          applySamples(head, batch, byRef, multiRef, minValidTime, result);
          break;
        case RecordType.Tombstones:
          for (const tomb of decodeTombstones(rec)) {
            head.addTombstone(multiRef.get(tomb.ref) ?? tomb.ref, tomb.mint, tomb.maxt);
          }
          break;
        case RecordType.Metadata:
          for (const m of decodeMetadata(rec)) {
            const s = head.series.get(multiRef.get(m.ref) ?? m.ref);
            if (s) s.meta = head.internMeta(m);
          }
          break;
        case RecordType.Exemplars: // exemplar-storage hook (exemplars.ts)
          replayExemplarRecord(head, rec, (ref) => byRef[ref] ?? head.series.get(multiRef.get(ref) ?? ref), minValidTime);
          break;
        default:
          // Histogram samples and mmap markers are not kept by the promts head.
          break;
      }
      if (++n % 64 === 0) await yieldNow();
    }
  };

  if (walDir) {
    logger.info('Replaying WAL, this may take a while');
    const cp = lastCheckpoint(walDir);
    let from = -Infinity;
    if (cp) {
      const r = new WalReader(cp.dir, listSegments(cp.dir));
      await process(r);
      const e = r.err();
      // A damaged checkpoint cannot be repaired by truncation; fail loudly like Prometheus.
      if (e) throw e;
      from = cp.index + 1;
      logger.info('WAL checkpoint loaded');
    }
    const segs = listSegments(walDir).filter((s) => s.index >= from);
    progress.min = segs.length > 0 ? segs[0]!.index : 0;
    progress.max = segs.length > 0 ? segs[segs.length - 1]!.index : 0;
    for (const seg of segs) {
      progress.current = seg.index;
      const r = new WalReader(walDir, [seg]);
      await process(r);
      const e = r.err();
      if (e) {
        result.corruption = e;
        head.stats.walCorruptions++;
        break;
      }
      logger.info('WAL segment loaded', { segment: seg.index, maxSegment: progress.max });
    }
  }
  // Chunks on disk for series the WAL no longer knows are dropped (Prometheus does the same).
  for (const s of head.series.values()) {
    s.pendingT = -Infinity;
    s.chunksCreated = 0; // chunk count is recomputed by gc() below
  }
  // Loading completed chunks can take the head's min time below what blocks already cover.
  if (head.stats.minTime < minValidTime) head.stats.minTime = minValidTime;
  head.gc(head.stats.minTime === Infinity ? minValidTime : head.stats.minTime);
  progress.done = true;
  result.durationMs = performance.now() - start;
  logger.info('WAL replay completed', { total_replay_duration: fmtMs(result.durationMs) });
  return result;
}

/** Appends one decoded samples record; kept synchronous and monomorphic for speed. */
function applySamples(head: Head, batch: SampleBatch, byRef: (MemSeries | undefined)[], multiRef: Map<number, number>, minValidTime: number, result: ReplayResult): void {
  const refs = batch.refs;
  const ts = batch.ts;
  const vs = batch.vs;
  const chunkRange = head.chunkRange;
  const sink = head.chunks;
  let mint = Infinity;
  let maxt = -Infinity;
  let appended = 0;
  for (let i = 0; i < batch.n; i++) {
    const t = ts[i]!;
    if (t < minValidTime) continue;
    const ref = refs[i]!;
    let s = byRef[ref];
    if (s === undefined) {
      const m = multiRef.get(ref);
      if (m !== undefined) s = head.series.get(m);
      if (s === undefined) {
        result.unknownSeriesRefs++;
        continue;
      }
    }
    if (t <= s.maxt) continue; // already in a completed chunk (or a duplicate)
    if (s.append(t, vs[i]!, chunkRange, sink)) {
      appended++;
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
    }
  }
  result.samples += appended;
  if (appended > 0) head.updateMinMax(mint, maxt);
}

function fmtMs(ms: number): string {
  return ms < 1 ? `${Math.round(ms * 1000)}µs` : ms < 1000 ? `${ms.toFixed(3)}ms` : `${(ms / 1000).toFixed(3)}s`;
}
