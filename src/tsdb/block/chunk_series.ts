// Series as encoded chunks rather than samples: what compaction and head persistence move
// around, so that chunks nobody needs to change are copied as bytes, never decoded.
import type { Labels } from '../../model/index.js';
import { XORChunk, XORIterator, type XORAppender } from '../chunkenc/index.js';
import type { Interval } from './tombstones.js';

/**
 * One XOR chunk of a series and the time range of its samples (inclusive, ms). `data` is a
 * view: valid until the set that produced it moves to the next series.
 */
export interface EncodedChunk {
  mint: number;
  maxt: number;
  data: Uint8Array;
}

/**
 * Series in label order (Go's byte order), each with its chunks in time order. Unlike a
 * SeriesSet there is no per-series object: read labels() and chunks() after next() returns
 * true; both stay valid only until the following next().
 */
export interface ChunkSeriesSet {
  next(): boolean;
  labels(): Labels;
  chunks(): readonly EncodedChunk[];
  err(): Error | null;
}

/** Sample count of an XOR chunk: its first two bytes, big-endian. */
export function xorNumSamples(data: Uint8Array): number {
  return data.length < 2 ? 0 : (data[0]! << 8) | data[1]!;
}

const scratchIt = new XORIterator(new Uint8Array(0));

/**
 * Re-encodes the samples of an XOR chunk that lie in [lo, hi] and in no `deleted` interval
 * (Prometheus's populateWithDelChunkSeriesIterator: one chunk in, at most one out).
 * Returns null when no sample is left; throws the decoder's error for a corrupt chunk.
 */
export function trimChunk(data: Uint8Array, lo: number, hi: number, deleted: readonly Interval[] | undefined): EncodedChunk | null {
  const it = scratchIt.reset(data);
  let c: XORChunk | null = null;
  let app: XORAppender | null = null;
  let mint = 0;
  let maxt = 0;
  while (it.next()) {
    const t = it.t;
    if (t < lo) continue;
    if (t > hi) break;
    if (deleted !== undefined && inIntervals(t, deleted)) continue;
    if (c === null) {
      c = new XORChunk();
      app = c.appender();
      mint = t;
    }
    app!.append(t, it.v);
    maxt = t;
  }
  const e = it.err();
  if (e) throw e;
  // A copy: the chunk's buffer may come from Node's Buffer pool (see ARCHITECTURE.md).
  return c === null ? null : { mint, maxt, data: new Uint8Array(c.bytes()) };
}

/** True when [mint, maxt] and some interval share a point. */
export function overlapsIntervals(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (let i = 0; i < ivs.length; i++) if (ivs[i]!.mint <= maxt && mint <= ivs[i]!.maxt) return true;
  return false;
}

/** True when [mint, maxt] lies entirely inside one interval. */
export function coveredByInterval(mint: number, maxt: number, ivs: readonly Interval[]): boolean {
  for (let i = 0; i < ivs.length; i++) if (mint >= ivs[i]!.mint && maxt <= ivs[i]!.maxt) return true;
  return false;
}

function inIntervals(t: number, ivs: readonly Interval[]): boolean {
  for (let i = 0; i < ivs.length; i++) if (t >= ivs[i]!.mint && t <= ivs[i]!.maxt) return true;
  return false;
}
