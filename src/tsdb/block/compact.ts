// Compacting blocks into one: the series of the parents merged in label order and written
// as they come (stream_writer.ts). A chunk is copied as stored unless it overlaps a chunk of
// another parent (merged and re-encoded, duplicates dropped: chunk_merge.ts) or a tombstone
// (re-encoded without the deleted samples: chunk_series_set.ts). Parents are read through
// the page cache (../paged_file.ts), so memory stays at the index metadata plus one series.
// The parents are only read: the caller deletes them once the new block is in place, so a
// failure at any point leaves them as they were.
import { join } from 'node:path';
import { IndexReader } from '../index/index.js';
import { MergeChunkSeriesSet } from './chunk_merge.js';
import type { ChunkSeriesSet } from './chunk_series.js';
import { BlockChunkSeriesSet } from './chunk_series_set.js';
import { ChunkReader } from './chunks.js';
import { readMeta, type BlockMeta } from './meta.js';
import { BlockWriter, type WrittenBlock } from './stream_writer.js';
import { readTombstones } from './tombstones.js';
import { newULID } from './ulid.js';

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
 * Writes the series of the blocks in `dirs` as one new block under `parentDir`. Returns null
 * when nothing is left (every sample deleted): Prometheus writes no empty block then.
 * Throws (leaving no `.tmp-for-creation` dir behind) when a parent cannot be read or the new
 * block cannot be written; the error names the file.
 */
export function compactBlocks(parentDir: string, dirs: readonly string[], opts: CompactOptions): WrittenBlock | null {
  const readers: { close(): void }[] = [];
  try {
    const sets: ChunkSeriesSet[] = [];
    const symbols: string[][] = [];
    const metas: BlockMeta[] = [];
    for (const d of dirs) metas.push(readMeta(join(d, 'meta.json')).meta);
    const ulid = opts.ulid ?? newULID();
    const meta = compactedMeta(ulid, metas, opts.mode);
    for (const d of dirs) {
      const chunks = ChunkReader.open(join(d, 'chunks'));
      readers.push(chunks);
      const { tombstones } = readTombstones(join(d, 'tombstones'));
      // Blocks are half-open [minTime, maxTime): the last wanted sample is at maxTime - 1.
      const index = IndexReader.open(join(d, 'index'));
      readers.push(index);
      symbols.push(index.symbols);
      sets.push(new BlockChunkSeriesSet(index, tombstones, chunks, meta.minTime, meta.maxTime - 1));
    }
    // Even one parent goes through the merger: it mends a series whose own chunks overlap.
    const ss = new MergeChunkSeriesSet(sets);
    const w = new BlockWriter(parentDir, ulid);
    try {
      while (ss.next()) w.add(ss.labels(), ss.chunks());
      const err = ss.err();
      if (err) throw new Error(`compact blocks ${dirs.join(', ')}: ${err.message}`);
    } catch (e) {
      w.abort();
      throw e;
    }
    return w.finish({ compaction: meta.compaction, timeRange: { minTime: meta.minTime, maxTime: meta.maxTime }, symbols: symbols.flat() });
  } finally {
    for (const r of readers) r.close();
  }
}
