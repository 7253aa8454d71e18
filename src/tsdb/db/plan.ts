// Which blocks to compact next: Prometheus 2.42's LeveledCompactor.Plan, on block metas.
// Order of preference: overlapping blocks (vertical compaction), then the newest-first set of
// blocks filling one of the larger ranges, then one block with many tombstones (rewrite).
import type { BlockMeta } from '../block/index.js';

/**
 * Block ranges of a DB: min × 3^i for i < 10 (2h, 6h, 18h, 54h, ...), cut before the first
 * range above maxBlockDuration (Prometheus's ExponentialBlockRanges + the cut in tsdb.open).
 */
export function blockRanges(minBlockDuration: number, maxBlockDuration: number): number[] {
  const out: number[] = [];
  for (let i = 0, r = minBlockDuration; i < 10; i++, r *= 3) {
    if (r > maxBlockDuration) break;
    out.push(r);
  }
  // The head block range is always there, even when max < min (Prometheus keeps ranges[0]).
  return out.length > 0 ? out : [minBlockDuration];
}

/**
 * The ULIDs to compact into one block next, or [] when there is nothing to do. `failed` holds
 * blocks whose compaction failed (Prometheus's meta.compaction.failed): their range is skipped.
 */
export function planCompaction(metas: readonly BlockMeta[], ranges: readonly number[], failed: ReadonlySet<string> = new Set()): string[] {
  if (metas.length === 0) return [];
  const dms = [...metas].sort((a, b) => a.minTime - b.minTime);
  const overlapping = selectOverlapping(dms);
  if (overlapping.length > 0) return overlapping;
  // The newest block is left out so that users get a full block range to back it up before
  // it is merged away (Prometheus's comment on the same line).
  const older = dms.slice(0, -1);
  const picked = selectDirs(older, ranges, failed);
  if (picked.length > 0) return picked.map((m) => m.ulid);
  // A big enough block with > 5% tombstones is rewritten without the deleted data.
  const mid = ranges[Math.trunc(ranges.length / 2)]!;
  for (let i = older.length - 1; i >= 0; i--) {
    const m = older[i]!;
    const tomb = m.stats.numTombstones ?? 0;
    const series = m.stats.numSeries ?? 0;
    if (m.maxTime - m.minTime < mid) {
      // An entirely deleted block is rewritten whatever its size.
      if (tomb > 0 && tomb >= series) return [m.ulid];
      break;
    }
    if (tomb / (series + 1) > 0.05) return [m.ulid];
  }
  return [];
}

/** The first run of blocks that overlap each other (input sorted by minTime). */
function selectOverlapping(ds: readonly BlockMeta[]): string[] {
  if (ds.length < 2) return [];
  const out: string[] = [];
  let globalMaxt = ds[0]!.maxTime;
  for (let i = 1; i < ds.length; i++) {
    const d = ds[i]!;
    if (d.minTime < globalMaxt) {
      if (out.length === 0) out.push(ds[i - 1]!.ulid);
      out.push(d.ulid);
    } else if (out.length > 0) {
      break;
    }
    if (d.maxTime > globalMaxt) globalMaxt = d.maxTime;
  }
  return out;
}

function selectDirs(ds: readonly BlockMeta[], ranges: readonly number[], failed: ReadonlySet<string>): BlockMeta[] {
  if (ranges.length < 2 || ds.length < 1) return [];
  const highTime = ds[ds.length - 1]!.minTime;
  for (const iv of ranges.slice(1)) {
    for (const p of splitByRange(ds, iv)) {
      if (p.some((m) => m.compaction.failed || failed.has(m.ulid))) continue;
      const mint = p[0]!.minTime;
      const maxt = p[p.length - 1]!.maxTime;
      // Take the group if it fills the whole range (gaps allowed) or lies before the newest
      // block: a group that another block may still join is not merged prematurely.
      if ((maxt - mint === iv || maxt <= highTime) && p.length > 1) return p;
    }
  }
  return [];
}

/** Groups consecutive blocks lying within one aligned range of width tr; others are skipped. */
export function splitByRange(ds: readonly BlockMeta[], tr: number): BlockMeta[][] {
  const out: BlockMeta[][] = [];
  for (let i = 0; i < ds.length; ) {
    const m = ds[i]!;
    // Go's integer division truncates toward zero, hence the two cases.
    const t0 = m.minTime >= 0 ? tr * Math.trunc(m.minTime / tr) : tr * Math.trunc((m.minTime - tr + 1) / tr);
    if (m.maxTime > t0 + tr) {
      i++;
      continue;
    }
    const group: BlockMeta[] = [];
    for (; i < ds.length && ds[i]!.maxTime <= t0 + tr; i++) group.push(ds[i]!);
    if (group.length > 0) out.push(group);
  }
  return out;
}
