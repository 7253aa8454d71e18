// Querying one block: matchers -> postings -> series entries, chunks pruned by time range
// and tombstones, samples decoded lazily when a caller iterates.
import type { Matcher } from '../../model/index.js';
import type { Querier, SampleIterator, SelectHints, Series, SeriesSet } from '../../storage/index.js';
import { Encoding, encodingName, XORIterator } from '../chunkenc/index.js';
import { compareUtf8, type ChunkMeta, type SeriesEntry } from '../index/index.js';
import { Labels } from '../../model/index.js';
import type { Block } from './block.js';
import type { RawChunk } from './chunks.js';
import { ChunkUnsupportedError } from './errors.js';
import { postingsForMatchers } from './postings_for_matchers.js';
import type { Interval } from './tombstones.js';

const EMPTY_BYTES = new Uint8Array(0);

export class BlockQuerier implements Querier {
  constructor(
    readonly block: Block,
    readonly mint: number,
    readonly maxt: number,
  ) {}

  /** Series come in index order, which is label order, so `sortSeries` costs nothing. */
  select(_sortSeries: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
    const mint = hints ? Math.max(this.mint, hints.start) : this.mint;
    const maxt = hints ? Math.min(this.maxt, hints.end) : this.maxt;
    return new BlockSeriesSet(this.block, postingsForMatchers(this.block.index, matchers), mint, maxt);
  }

  labelValues(name: string, ...matchers: Matcher[]): string[] {
    const ix = this.block.index;
    if (matchers.length === 0) return ix.labelValues(name).slice();
    const seen = new Set<string>();
    const e: SeriesEntry = { labels: Labels.EMPTY, chunks: [] };
    for (const id of postingsForMatchers(ix, matchers)) {
      const v = ix.readSeries(id, e).labels.get(name);
      if (v !== '') seen.add(v);
    }
    return [...seen].sort(compareUtf8);
  }

  labelNames(...matchers: Matcher[]): string[] {
    const ix = this.block.index;
    if (matchers.length === 0) return ix.labelNames();
    const seen = new Set<string>();
    const e: SeriesEntry = { labels: Labels.EMPTY, chunks: [] };
    for (const id of postingsForMatchers(ix, matchers)) {
      const kv = ix.readSeries(id, e).labels.kv;
      for (let i = 0; i < kv.length; i += 2) seen.add(kv[i]!);
    }
    return [...seen].sort(compareUtf8);
  }

  close(): void {}
}

class BlockSeriesSet implements SeriesSet {
  private i = 0;
  private cur: BlockSeries | undefined;
  private error: Error | null = null;
  private readonly entry: SeriesEntry = { labels: Labels.EMPTY, chunks: [] };

  constructor(
    private readonly block: Block,
    private readonly postings: Uint32Array,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  next(): boolean {
    const ix = this.block.index;
    while (this.i < this.postings.length) {
      const id = this.postings[this.i++]!;
      let e: SeriesEntry;
      try {
        e = ix.readSeries(id, this.entry);
      } catch (err) {
        this.error = err as Error;
        return false;
      }
      const deleted = this.block.tombstones.get(id);
      const chunks: ChunkMeta[] = [];
      for (const c of e.chunks) {
        if (c.maxt < this.mint || c.mint > this.maxt) continue;
        if (deleted && coveredBy(c.mint, c.maxt, deleted)) continue;
        chunks.push(c);
      }
      if (chunks.length === 0) continue;
      this.cur = new BlockSeries(e.labels, chunks, this.block, this.mint, this.maxt, deleted);
      return true;
    }
    return false;
  }

  at(): Series {
    return this.cur!;
  }

  err(): Error | null {
    return this.error;
  }

  warnings(): readonly string[] {
    return [];
  }
}

/** True when [mint, maxt] lies entirely inside one deleted interval. */
function coveredBy(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (const iv of ivs) if (mint >= iv.mint && maxt <= iv.maxt) return true;
  return false;
}

export class BlockSeries implements Series {
  constructor(
    readonly labels: Labels,
    /** Chunks overlapping the query range, in time order. */
    readonly chunks: readonly ChunkMeta[],
    private readonly block: Block,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: readonly Interval[] | undefined,
  ) {}

  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof BlockSeriesIterator) return reuse.reset(this.block, this.chunks, this.mint, this.maxt, this.deleted);
    return new BlockSeriesIterator().reset(this.block, this.chunks, this.mint, this.maxt, this.deleted);
  }
}

/**
 * Walks a series' chunks in order, decoding one chunk at a time with one XORIterator, and
 * skips samples outside [mint, maxt] or inside a tombstone interval.
 */
export class BlockSeriesIterator implements SampleIterator {
  t = 0;
  v = 0;
  private block!: Block;
  private chunks: readonly ChunkMeta[] = [];
  private ci = -1;
  private mint = 0;
  private maxt = 0;
  private deleted: readonly Interval[] | undefined;
  private readonly it = new XORIterator(EMPTY_BYTES);
  private readonly raw: RawChunk = { encoding: 0, data: EMPTY_BYTES };
  private error: Error | null = null;
  private done = false;

  reset(block: Block, chunks: readonly ChunkMeta[], mint: number, maxt: number, deleted: readonly Interval[] | undefined): this {
    this.block = block;
    this.chunks = chunks;
    this.ci = -1;
    this.mint = mint;
    this.maxt = maxt;
    this.deleted = deleted;
    this.error = null;
    this.done = false;
    this.it.reset(EMPTY_BYTES);
    return this;
  }

  private openChunk(i: number): boolean {
    const meta = this.chunks[i]!;
    try {
      this.block.chunks.chunk(meta.ref, this.raw);
    } catch (e) {
      this.error = e as Error;
      return false;
    }
    if (this.raw.encoding !== Encoding.XOR) {
      this.error = new ChunkUnsupportedError(`chunk ${meta.ref} has encoding ${encodingName(this.raw.encoding)}; promts reads only XOR (float) chunks`);
      return false;
    }
    this.it.reset(this.raw.data);
    return true;
  }

  next(): boolean {
    if (this.done) return false;
    const it = this.it;
    for (;;) {
      while (it.next()) {
        const t = it.t;
        if (t < this.mint) continue;
        if (t > this.maxt) break;
        if (this.deleted && isDeleted(t, this.deleted)) continue;
        this.t = t;
        this.v = it.v;
        return true;
      }
      const e = it.err();
      if (e) {
        this.error = e;
        this.done = true;
        return false;
      }
      if (++this.ci >= this.chunks.length || this.chunks[this.ci]!.mint > this.maxt || !this.openChunk(this.ci)) {
        this.done = true;
        return false;
      }
    }
  }

  seek(t: number): boolean {
    if (this.done) return false;
    if (this.ci >= 0 && this.t >= t && this.it.numRead > 0) return true;
    // Skip whole chunks that end before t.
    while (this.ci + 1 < this.chunks.length && this.chunks[this.ci + 1]!.maxt < t) {
      this.ci++;
      this.it.reset(EMPTY_BYTES);
    }
    while (this.next()) if (this.t >= t) return true;
    return false;
  }

  err(): Error | null {
    return this.error;
  }
}

function isDeleted(t: number, ivs: readonly Interval[]): boolean {
  for (const iv of ivs) if (t >= iv.mint && t <= iv.maxt) return true;
  return false;
}
