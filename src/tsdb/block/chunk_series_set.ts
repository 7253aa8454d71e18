// One block's series as chunks, for compaction: chunks are handed out as their stored bytes
// unless a tombstone or the [mint, maxt] bounds cut into them, in which case only the kept
// samples are re-encoded (Prometheus's blockChunkSeriesSet + populateWithDelChunkSeriesIterator).
import { Labels } from '../../model/index.js';
import { Encoding, encodingName } from '../chunkenc/index.js';
import type { IndexReader, SeriesEntry } from '../index/index.js';
import type { RawChunk } from './chunks.js';
import { coveredByInterval, overlapsIntervals, trimChunk, type ChunkSeriesSet, type EncodedChunk } from './chunk_series.js';
import type { ChunkSource } from './chunks.js';
import { ChunkUnsupportedError } from './errors.js';
import type { Tombstones } from './tombstones.js';

export class BlockChunkSeriesSet implements ChunkSeriesSet {
  private i = 0;
  private readonly postings: Uint32Array;
  private readonly entry: SeriesEntry = { labels: Labels.EMPTY, chunks: [] };
  private readonly raw: RawChunk = { encoding: 0, data: new Uint8Array(0) };
  private readonly out: EncodedChunk[] = [];
  /** EncodedChunk objects reused from series to series (one per chunk slot, not per chunk). */
  private readonly pool: EncodedChunk[] = [];
  private error: Error | null = null;

  constructor(
    private readonly index: IndexReader,
    private readonly tombstones: Tombstones,
    private readonly source: ChunkSource,
    /** Samples outside [mint, maxt] (inclusive, ms) are dropped. */
    private readonly mint: number,
    private readonly maxt: number,
  ) {
    this.postings = index.allPostings();
  }

  next(): boolean {
    if (this.error) return false;
    try {
      return this.advance();
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      return false;
    }
  }

  private advance(): boolean {
    const { mint, maxt, out } = this;
    while (this.i < this.postings.length) {
      const id = this.postings[this.i++]!;
      const e = this.index.readSeries(id, this.entry);
      const deleted = this.tombstones.size === 0 ? undefined : this.tombstones.get(id);
      out.length = 0;
      for (const m of e.chunks) {
        if (m.maxt < mint || m.mint > maxt) continue;
        if (deleted !== undefined && coveredByInterval(m.mint, m.maxt, deleted)) continue;
        const raw = this.source.chunk(m.ref, this.raw);
        if (raw.encoding !== Encoding.XOR) throw new ChunkUnsupportedError(`${this.index.file}: series ${e.labels.toString()} has a chunk (ref ${m.ref}) with encoding ${encodingName(raw.encoding)}; promts compacts only XOR (float) chunks`);
        if (m.mint < mint || m.maxt > maxt || (deleted !== undefined && overlapsIntervals(m.mint, m.maxt, deleted))) {
          const t = trimChunk(raw.data, mint, maxt, deleted);
          if (t !== null) out.push(t);
          continue;
        }
        const c = this.pool[out.length] ?? (this.pool[out.length] = { mint: 0, maxt: 0, data: raw.data });
        c.mint = m.mint;
        c.maxt = m.maxt;
        c.data = raw.data;
        out.push(c);
      }
      if (out.length > 0) return true;
    }
    return false;
  }

  labels(): Labels {
    return this.entry.labels;
  }

  chunks(): readonly EncodedChunk[] {
    return this.out;
  }

  err(): Error | null {
    return this.error;
  }
}
