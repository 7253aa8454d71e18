// Writing a block from samples (backfill, tests): series are sorted here, cut into XOR
// chunks the way Prometheus's head cuts them and handed one at a time to the streaming
// BlockWriter (stream_writer.ts), so the output is byte-identical to promtool's.
import type { Labels } from '../../model/index.js';
import { SAMPLES_PER_CHUNK, XORChunk, type XORAppender } from '../chunkenc/index.js';
import { compareLabelKv, type ChunkMeta } from '../index/index.js';
import type { EncodedChunk } from './chunk_series.js';
import type { BlockMeta } from './meta.js';
import { BlockWriter, type WrittenBlock } from './stream_writer.js';
import { newULID } from './ulid.js';

export type { WrittenBlock } from './stream_writer.js';

/** One series' samples in time order, in parallel arrays (no object per sample). */
export interface BlockSeriesInput {
  readonly labels: Labels;
  readonly ts: ArrayLike<number>;
  readonly vs: ArrayLike<number>;
  /** Number of samples to take from ts/vs (default ts.length). */
  readonly n?: number;
}

export interface WriteBlockOptions {
  /** ULID of the new block (default: a fresh one). */
  ulid?: string;
  /**
   * Chunk range in ms (Prometheus: the min block duration, 2h). Chunks never span a range
   * boundary and are cut so that samples spread evenly, aiming at 120 per chunk.
   */
  chunkRange?: number;
  segmentSize?: number;
  compaction?: BlockMeta['compaction'];
  /**
   * The block's [minTime, maxTime) when it is not the samples' span: a compacted block covers
   * its parents' whole range, as Prometheus's CompactBlockMetas records it.
   */
  timeRange?: { minTime: number; maxTime: number };
}

export const DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000;

/**
 * Writes `series` (any order; sorted here by labels) as a new block under `parentDir`.
 * Returns null when there is no sample at all (Prometheus writes no empty blocks).
 */
export function writeBlock(parentDir: string, series: readonly BlockSeriesInput[], opts: WriteBlockOptions = {}): WrittenBlock | null {
  const sorted = series.filter((s) => (s.n ?? s.ts.length) > 0).sort((a, b) => compareLabelKv(a.labels.kv, b.labels.kv));
  if (sorted.length === 0) return null;
  const w = new BlockWriter(parentDir, opts.ulid ?? newULID(), { segmentSize: opts.segmentSize });
  try {
    const chunkRange = opts.chunkRange ?? DEFAULT_CHUNK_RANGE;
    const chunks: EncodedChunk[] = [];
    for (const s of sorted) {
      chunks.length = 0;
      // c.bytes() is a view of the chunk's own buffer, which nothing writes to once it is cut.
      cutChunks(s.ts, s.vs, s.n ?? s.ts.length, chunkRange, (c, mint, maxt) => {
        chunks.push({ mint, maxt, data: c.bytes() });
        return { ref: 0, mint, maxt };
      });
      w.add(s.labels, chunks);
    }
  } catch (e) {
    w.abort();
    throw e;
  }
  return w.finish({ compaction: opts.compaction, timeRange: opts.timeRange });
}

/**
 * Cuts one series into XOR chunks the way Prometheus's head does: a chunk ends at the end of
 * its chunk range; once it holds a quarter of 120 samples, the end is moved so the rest of
 * the range splits into chunks of about equal size. `emit` stores a finished chunk.
 */
export function cutChunks(ts: ArrayLike<number>, vs: ArrayLike<number>, n: number, chunkRange: number, emit: (c: XORChunk, mint: number, maxt: number) => ChunkMeta): ChunkMeta[] {
  const out: ChunkMeta[] = [];
  let c: XORChunk | undefined;
  let app: XORAppender | undefined;
  let cMint = 0;
  let cMaxt = 0;
  let nextAt = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    if (c) {
      const num = c.numSamples();
      if (num === SAMPLES_PER_CHUNK / 4) nextAt = computeChunkEndTime(cMint, cMaxt, nextAt);
      if (t >= nextAt) {
        out.push(emit(c, cMint, cMaxt));
        c = undefined;
      }
    }
    if (!c) {
      c = new XORChunk();
      app = c.appender();
      cMint = t;
      nextAt = rangeEnd(t, chunkRange);
    }
    app!.append(t, vs[i]!);
    cMaxt = t;
  }
  if (c) out.push(emit(c, cMint, cMaxt));
  return out;
}

/** End of the chunk range holding t: ranges are aligned to multiples of the width. */
function rangeEnd(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

function computeChunkEndTime(start: number, cur: number, max: number): number {
  // Go's integer division truncates toward zero.
  const n = Math.trunc((max - start) / ((cur - start + 1) * 4));
  if (n <= 1) return max;
  return start + Math.trunc((max - start) / n);
}
