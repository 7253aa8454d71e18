// Opening the persisted blocks of a data directory, read-only, like Prometheus's
// DBReadOnly.Blocks(): every sub-directory named by a ULID, ordered by minTime.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Block } from './block.js';
import { BlockOpenError } from './errors.js';
import { MergeQuerier } from './merge.js';
import { isULID } from './meta.js';

/** ULID-named block directories under `dataDir` (temporary `*.tmp*` dirs are not blocks). */
export function blockDirs(dataDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BlockOpenError(dataDir, `open data dir ${dataDir}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`, 'pass the path of a Prometheus data directory (the one holding the block directories)');
  }
  return names
    .filter((n) => isULID(n))
    .map((n) => join(dataDir, n))
    .filter((p) => statSync(p).isDirectory());
}

/** Opens every block; throws the first corruption error, naming the file and offset. */
export function openBlocks(dataDir: string): Block[] {
  const blocks = blockDirs(dataDir).map((d) => Block.open(d));
  // Blocks superseded by a compacted one may linger until deleted; Prometheus still lists them.
  blocks.sort((a, b) => a.meta.minTime - b.meta.minTime || (a.meta.ulid < b.meta.ulid ? -1 : 1));
  return blocks;
}

/** A querier over all given blocks that overlap [mint, maxt]. */
export function blocksQuerier(blocks: readonly Block[], mint: number, maxt: number): MergeQuerier {
  const qs = blocks.filter((b) => b.meta.minTime <= maxt && b.meta.maxTime > mint).map((b) => b.querier(mint, maxt));
  return new MergeQuerier(qs);
}
