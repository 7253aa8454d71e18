// Writing a block as a stream of series: each series arrives (in label order) with its
// encoded chunks, which go straight to chunks/ segments; only labels and chunk metas (24
// bytes a chunk) stay in memory for the index, written at the end. Files are built in
// `<ulid>.tmp-for-creation`, fsynced, then renamed into place so no reader sees half a block.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../model/index.js';
import { Encoding } from '../chunkenc/index.js';
import { fsyncDir } from '../fsync.js';
import { compareLabelKv, IndexWriteError, writeIndexFile, type IndexSeriesInput } from '../index/index.js';
import { ChunkWriter, DEFAULT_SEGMENT_SIZE } from './chunks.js';
import { xorNumSamples, type EncodedChunk } from './chunk_series.js';
import { META_VERSION_1, writeMeta, type BlockMeta } from './meta.js';
import { Tombstones, writeTombstones } from './tombstones.js';

export interface BlockWriterOptions {
  segmentSize?: number;
}

export interface FinishOptions {
  compaction?: BlockMeta['compaction'];
  /** The block's [minTime, maxTime) when it is not the samples' span (compacted or head blocks). */
  timeRange?: { minTime: number; maxTime: number };
  /**
   * Strings the index's symbol table lists besides the series' own: the sources' symbols, as
   * Prometheus's compactor writes them (the parents' tables, or all of the head's strings).
   */
  symbols?: Iterable<string>;
}

export interface WrittenBlock {
  ulid: string;
  dir: string;
  meta: BlockMeta;
}

/**
 * A block being written. Call add() per series in label order, then finish(); on any error
 * call abort() (finish() aborts by itself when it fails), which removes the temporary dir.
 */
export class BlockWriter {
  private readonly tmp: string;
  private readonly cw: ChunkWriter;
  private readonly series: IndexSeriesInput[] = [];
  private prev: readonly string[] | null = null;
  private minTime = Infinity;
  private maxTime = -Infinity;
  private numSamples = 0;
  private numChunks = 0;
  private done = false;

  constructor(
    readonly parentDir: string,
    readonly ulid: string,
    opts: BlockWriterOptions = {},
  ) {
    this.tmp = join(parentDir, `${ulid}.tmp-for-creation`);
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(join(this.tmp, 'chunks'), { recursive: true });
    this.cw = new ChunkWriter(join(this.tmp, 'chunks'), opts.segmentSize ?? DEFAULT_SEGMENT_SIZE);
  }

  /**
   * Writes one series' XOR chunks (time-ordered, non-overlapping; their bytes are copied out
   * before this returns). A series without chunks is skipped, as Prometheus writes none.
   */
  add(labels: Labels, chunks: readonly EncodedChunk[]): void {
    if (chunks.length === 0) return;
    const kv = labels.kv;
    if (this.prev !== null && compareLabelKv(this.prev, kv) >= 0) throw new IndexWriteError(`out-of-order series added with label set ${labels.toString()}`);
    this.prev = kv;
    const metas = new Float64Array(chunks.length * 3);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      metas[3 * i] = this.cw.write(Encoding.XOR, c.data);
      metas[3 * i + 1] = c.mint;
      metas[3 * i + 2] = c.maxt;
      this.numSamples += xorNumSamples(c.data);
    }
    this.numChunks += chunks.length;
    if (chunks[0]!.mint < this.minTime) this.minTime = chunks[0]!.mint;
    if (chunks[chunks.length - 1]!.maxt > this.maxTime) this.maxTime = chunks[chunks.length - 1]!.maxt;
    this.series.push({ labels, chunks: metas });
  }

  /** Number of series added so far. */
  get count(): number {
    return this.series.length;
  }

  /**
   * Writes index, meta.json and tombstones and moves the block into place. Returns null (and
   * leaves nothing behind) when no series was added: Prometheus writes no empty blocks.
   */
  finish(opts: FinishOptions = {}): WrittenBlock | null {
    try {
      this.cw.close();
      if (this.series.length === 0) {
        this.abort();
        return null;
      }
      const tmp = this.tmp;
      writeIndexFile(join(tmp, 'index'), this.series, opts.symbols);
      const meta: BlockMeta = {
        ulid: this.ulid,
        minTime: opts.timeRange?.minTime ?? this.minTime,
        maxTime: opts.timeRange?.maxTime ?? this.maxTime + 1,
        stats: { numSamples: this.numSamples, numSeries: this.series.length, numChunks: this.numChunks },
        compaction: opts.compaction ?? { level: 1, sources: [this.ulid] },
        version: META_VERSION_1,
      };
      writeMeta(join(tmp, 'meta.json'), meta);
      writeTombstones(join(tmp, 'tombstones'), new Tombstones());
      fsyncDir(join(tmp, 'chunks'));
      fsyncDir(tmp);
      const final = join(this.parentDir, this.ulid);
      renameSync(tmp, final);
      fsyncDir(this.parentDir);
      this.done = true;
      return { ulid: this.ulid, dir: final, meta };
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Removes the half-written block (idempotent; nothing to do after a successful finish). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.cw.close();
    } catch {
      // The write already failed; removing the directory is what matters.
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
