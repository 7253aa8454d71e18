// Compacting blocks into one: the samples of the parents (minus their tombstones, with the
// duplicates of overlapping parents dropped) written as a new block whose meta.json names its
// parents. The parents are only read: the caller deletes them once the new block is in place,
// so a failure at any point leaves them as they were.
import { Labels } from '../../model/index.js';
import { Block } from './block.js';
import { MergeSeriesSet } from './merge.js';
import type { BlockMeta } from './meta.js';
import { newULID } from './ulid.js';
import { writeBlock, type BlockSeriesInput, type WrittenBlock } from './writer.js';

/**
 * 'merge': Prometheus's LeveledCompactor.Compact (level = max(parents) + 1, sources = union).
 * 'rewrite': its Write(dest, block, mint, maxt, base) used by clean_tombstones (level 1,
 * sources = the new block, parent = the old one).
 */
export type CompactMode = 'merge' | 'rewrite';

export interface CompactOptions {
  mode: CompactMode;
  /** ULID of the new block (default: a fresh one). */
  ulid?: string;
  /** Chunk range (ms) for re-cutting chunks: the min block duration. */
  chunkRange?: number;
}

/** meta.json's compaction section and time range of the block made from `parents`. */
export function compactedMeta(ulid: string, parents: readonly BlockMeta[], mode: CompactMode): Pick<BlockMeta, 'compaction' | 'minTime' | 'maxTime'> {
  let minTime = Infinity;
  let maxTime = -Infinity;
  let level = 0;
  const sources = new Set<string>();
  for (const p of parents) {
    minTime = Math.min(minTime, p.minTime);
    maxTime = Math.max(maxTime, p.maxTime);
    level = Math.max(level, p.compaction.level);
    for (const s of p.compaction.sources ?? []) sources.add(s);
  }
  const descs = parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }));
  if (mode === 'rewrite') return { minTime, maxTime, compaction: { level: 1, sources: [ulid], parents: descs } };
  // ULIDs are Crockford base32 of big-endian bytes: string order is Go's ULID.Compare order.
  return { minTime, maxTime, compaction: { level: level + 1, sources: [...sources].sort(), parents: descs } };
}

/**
 * Writes the samples of the blocks in `dirs` as one new block under `parentDir`. Returns null
 * when nothing is left (every sample deleted): Prometheus writes no empty block then.
 * Throws (leaving no `.tmp-for-creation` dir behind) when a parent cannot be read or the new
 * block cannot be written.
 */
export function compactBlocks(parentDir: string, dirs: readonly string[], opts: CompactOptions): WrittenBlock | null {
  const blocks = dirs.map((d) => Block.open(d));
  const ulid = opts.ulid ?? newULID();
  const meta = compactedMeta(ulid, blocks.map((b) => b.meta), opts.mode);
  const sets = blocks.map((b) => b.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).select(true, undefined));
  const ss = sets.length === 1 ? sets[0]! : new MergeSeriesSet(sets);
  const series: BlockSeriesInput[] = [];
  let ts: Float64Array = new Float64Array(256);
  let vs: Float64Array = new Float64Array(256);
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    let n = 0;
    while (it.next()) {
      if (n === ts.length) {
        ts = grow(ts);
        vs = grow(vs);
      }
      ts[n] = it.t;
      vs[n] = it.v;
      n++;
    }
    const err = it.err();
    if (err) throw new Error(`compact blocks ${dirs.join(', ')}: read series ${s.labels.toString()}: ${err.message}`);
    if (n > 0) series.push({ labels: Labels.fromSortedFlat([...s.labels.kv]), ts: ts.slice(0, n), vs: vs.slice(0, n) });
  }
  const err = ss.err();
  if (err) throw new Error(`compact blocks ${dirs.join(', ')}: ${err.message}`);
  return writeBlock(parentDir, series, { ulid, chunkRange: opts.chunkRange, compaction: meta.compaction, timeRange: { minTime: meta.minTime, maxTime: meta.maxTime } });
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
