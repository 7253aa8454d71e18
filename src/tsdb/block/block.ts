// A persisted block directory opened for reading: meta.json, index, chunks/, tombstones.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Matcher } from '../../model/index.js';
import type { Queryable, SeriesSet } from '../../storage/index.js';
import { IndexReader } from '../index/index.js';
import { ChunkReader } from './chunks.js';
import { BlockCorruptError, BlockOpenError } from './errors.js';
import { readMeta, type BlockMeta } from './meta.js';
import { BlockQuerier } from './querier.js';
import { readTombstones, type Tombstones } from './tombstones.js';

export class Block implements Queryable {
  private constructor(
    readonly dir: string,
    readonly meta: BlockMeta,
    readonly index: IndexReader,
    readonly chunks: ChunkReader,
    readonly tombstones: Tombstones,
    private readonly bytes: number,
  ) {}

  /**
   * Opens a block directory. Throws BlockCorruptError / IndexCorruptError naming the file and
   * offset when a file does not decode, BlockOpenError when the directory is unreadable.
   */
  static open(dir: string): Block {
    try {
      if (!statSync(dir).isDirectory()) throw new BlockOpenError(dir, `${dir} is not a directory`);
    } catch (e) {
      if (e instanceof BlockOpenError) throw e;
      throw new BlockOpenError(dir, `open block ${dir}: ${(e as Error).message}`);
    }
    const { meta, size: metaSize } = readMeta(join(dir, 'meta.json'));
    const indexFile = join(dir, 'index');
    if (!existsSync(indexFile)) throw new BlockCorruptError(indexFile, undefined, 'index file is missing');
    const index = IndexReader.open(indexFile);
    let chunks: ChunkReader | undefined;
    try {
      chunks = ChunkReader.open(join(dir, 'chunks'));
      const { tombstones, size: tombSize } = readTombstones(join(dir, 'tombstones'));
      return new Block(dir, meta, index, chunks, tombstones, metaSize + index.size() + chunks.size() + tombSize);
    } catch (e) {
      index.close();
      chunks?.close();
      throw e;
    }
  }

  /** Bytes on disk: chunks + index + tombstones + meta.json, as Prometheus's Block.Size(). */
  size(): number {
    return this.bytes;
  }

  /**
   * Closes the index and chunk files. Only for a block nothing queries any more (the DB
   * closing); a block dropped by compaction or retention is left to the garbage collector,
   * which closes its files once the last query holding it is done (PagedFile).
   */
  close(): void {
    this.index.close();
    this.chunks.close();
  }

  querier(mint: number, maxt: number): BlockQuerier {
    return new BlockQuerier(this, mint, maxt);
  }

  /** Shorthand for a one-off selection. */
  select(mint: number, maxt: number, ...matchers: Matcher[]): SeriesSet {
    return this.querier(mint, maxt).select(true, undefined, ...matchers);
  }
}
