// Writing a block: chunks/ segments, index, meta.json and an empty tombstones file, into
// `<ulid>.tmp-for-creation`, fsynced, then renamed into place so a reader never sees half a
// block. CPU-heavy for big inputs: the server should call this from a worker thread.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { fsyncDir } from '../fsync.js';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { Encoding, SAMPLES_PER_CHUNK, XORChunk, type XORAppender } from '../chunkenc/index.js';
import { compareLabelKv, writeIndexFile, type ChunkMeta } from '../index/index.js';
import { ChunkWriter, DEFAULT_SEGMENT_SIZE } from './chunks.js';
import { META_VERSION_1, writeMeta, type BlockMeta } from './meta.js';
import { Tombstones, writeTombstones } from './tombstones.js';
import { newULID } from './ulid.js';

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

export interface WrittenBlock {
  ulid: string;
  dir: string;
  meta: BlockMeta;
}

/**
 * Writes `series` (any order; sorted here by labels) as a new block under `parentDir`.
 * Returns null when there is no sample at all (Prometheus writes no empty blocks).
 */
export function writeBlock(parentDir: string, series: readonly BlockSeriesInput[], opts: WriteBlockOptions = {}): WrittenBlock | null {
  const sorted = series.filter((s) => (s.n ?? s.ts.length) > 0).sort((a, b) => compareLabelKv(a.labels.kv, b.labels.kv));
  if (sorted.length === 0) return null;
  const ulid = opts.ulid ?? newULID();
  const tmp = join(parentDir, `${ulid}.tmp-for-creation`);
  const final = join(parentDir, ulid);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'chunks'), { recursive: true });
  try {
    const cw = new ChunkWriter(join(tmp, 'chunks'), opts.segmentSize ?? DEFAULT_SEGMENT_SIZE);
    const chunkRange = opts.chunkRange ?? DEFAULT_CHUNK_RANGE;
    const indexSeries: { labels: Labels; chunks: ChunkMeta[] }[] = [];
    let minTime = Infinity;
    let maxTime = -Infinity;
    let numSamples = 0;
    let numChunks = 0;
    for (const s of sorted) {
      const n = s.n ?? s.ts.length;
      const chunks = cutChunks(s.ts, s.vs, n, chunkRange, (c, mint, maxt) => ({ ref: cw.write(Encoding.XOR, c.bytes()), mint, maxt }));
      indexSeries.push({ labels: s.labels, chunks });
      numChunks += chunks.length;
      numSamples += n;
      if (s.ts[0]! < minTime) minTime = s.ts[0]!;
      if (s.ts[n - 1]! > maxTime) maxTime = s.ts[n - 1]!;
    }
    cw.close();
    writeIndexFile(join(tmp, 'index'), indexSeries);
    const meta: BlockMeta = {
      ulid,
      minTime: opts.timeRange?.minTime ?? minTime,
      maxTime: opts.timeRange?.maxTime ?? maxTime + 1,
      stats: { numSamples, numSeries: indexSeries.length, numChunks },
      compaction: opts.compaction ?? { level: 1, sources: [ulid] },
      version: META_VERSION_1,
    };
    writeMeta(join(tmp, 'meta.json'), meta);
    writeTombstones(join(tmp, 'tombstones'), new Tombstones());
    fsyncDir(join(tmp, 'chunks'));
    fsyncDir(tmp);
    renameSync(tmp, final);
    fsyncDir(parentDir);
    return { ulid, dir: final, meta };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
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
