// One in-memory series: completed chunks (on disk in chunks_head/, referenced by number) and
// the open head chunk it appends to. Chunk cutting follows Prometheus 2.42: a new chunk at the
// chunk-range boundary, with the end predicted at 25% fill so chunks come out evenly sized
// (about 120 samples), and at the latest after 240 samples.
import type { Labels } from '../../model/index.js';
import type { Metadata } from '../../storage/index.js';
import { XORChunk, SAMPLES_PER_CHUNK } from '../chunkenc/index.js';

/** Where a completed chunk goes when it is cut; returns its reference. */
export interface ChunkSink {
  write(seriesRef: number, mint: number, maxt: number, encoding: number, data: Uint8Array): number;
  chunk(ref: number): Uint8Array;
}

/** End of the chunk range that t falls in. */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.floor(t / width) * width + width;
}

/**
 * Predicts where the current chunk should end so the rest of the range splits into chunks of
 * equal size, assuming the chunk is a quarter full (Prometheus's computeChunkEndTime).
 */
export function computeChunkEndTime(start: number, cur: number, max: number): number {
  const n = Math.trunc((max - start) / ((cur - start + 1) * 4));
  if (n <= 1) return max;
  return start + Math.trunc((max - start) / n);
}

export class MemSeries {
  /**
   * Completed chunks, oldest first, as [ref, mint, maxt] triples in one array of doubles (null
   * while there are none): one allocation per series instead of three.
   */
  private mm: number[] | null = null;
  /** The open chunk, appended to directly (a new XORChunk is its own appender). */
  head: XORChunk | null = null;
  headMint = Infinity;
  /** Timestamp of the newest sample (-Infinity when none). */
  maxt = -Infinity;
  nextAt = -Infinity;
  /** Highest t queued by an uncommitted appender, to keep batch order. */
  pendingT = -Infinity;
  meta: Metadata | undefined;
  /** Next series in the head's hash chain (same label hash). */
  nextSameHash: MemSeries | undefined = undefined;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}

  /** Number of completed chunks. */
  mmCount(): number {
    return this.mm === null ? 0 : this.mm.length / 3;
  }
  mmRef(i: number): number {
    return this.mm![3 * i]!;
  }
  mmMint(i: number): number {
    return this.mm![3 * i + 1]!;
  }
  mmMaxt(i: number): number {
    return this.mm![3 * i + 2]!;
  }

  /** Takes a new series' completed chunks as flat (ref, mint, maxt) triples in time order (WAL replay). */
  adoptMmChunks(flat: number[]): void {
    if (this.mm === null) this.mm = flat;
    else this.mm.push(...flat);
  }

  /** Appends a completed chunk (newer than all others). */
  pushMmChunk(ref: number, mint: number, maxt: number): void {
    if (this.mm === null) this.mm = [ref, mint, maxt];
    else this.mm.push(ref, mint, maxt);
  }

  /** Min time over all chunks, or Infinity. */
  minTime(): number {
    if (this.mm !== null) return this.mm[1]!;
    return this.head ? this.headMint : Infinity;
  }

  numChunks(): number {
    return this.mmCount() + (this.head ? 1 : 0);
  }

  /** Newest time covered by a completed chunk, or -Infinity. */
  mmMaxTime(): number {
    return this.mm !== null ? this.mm[this.mm.length - 1]! : -Infinity;
  }

  /**
   * True when v has the same bits as the newest value (so NaN == NaN, StaleNaN != NaN). Without
   * an open chunk (the newest sample is in a completed one) a sample at maxt is accepted and
   * dropped, as Prometheus does.
   */
  sameAsLast(v: number): boolean {
    return this.head === null || this.head.sameAsLast(v);
  }

  /**
   * Appends a sample that the caller checked is newer than maxt; returns false (and stores
   * nothing) when it is not. `created` reports a new chunk through the return of cut.
   */
  append(t: number, v: number, chunkRange: number, sink: ChunkSink | null): boolean {
    if (this.head === null) {
      if (this.mmMaxTime() >= t) return false;
      this.cut(t, chunkRange, sink);
    }
    if (this.maxt >= t) return false;
    const c = this.head!;
    const num = c.numSamples();
    if (num === 0) {
      this.headMint = t;
      this.nextAt = rangeForTimestamp(t, chunkRange);
    }
    if (num === SAMPLES_PER_CHUNK / 4) this.nextAt = computeChunkEndTime(this.headMint, this.maxt, this.nextAt);
    // Past 2x the desired size the prediction was wrong (the rate went up): cut anyway.
    if (t >= this.nextAt || num >= SAMPLES_PER_CHUNK * 2) this.cut(t, chunkRange, sink);
    this.head!.append(t, v);
    this.maxt = t;
    return true;
  }

  /** Stats hook: counts chunks created; read and reset by the head. */
  chunksCreated = 0;

  private cut(t: number, chunkRange: number, sink: ChunkSink | null): void {
    this.completeHeadChunk(sink);
    this.head = new XORChunk();
    this.headMint = t;
    this.nextAt = rangeForTimestamp(t, chunkRange);
    this.chunksCreated++;
  }

  /** Moves the open head chunk (if it has samples) to the completed list. */
  completeHeadChunk(sink: ChunkSink | null): void {
    const c = this.head;
    if (c === null || c.numSamples() === 0) return;
    const bytes = c.bytes();
    const ref = sink ? sink.write(this.ref, this.headMint, this.maxt, c.encoding(), bytes) : memChunks.put(new Uint8Array(bytes)) // a copy: bytes may be a Buffer, whose slice() is a view;
    this.pushMmChunk(ref, this.headMint, this.maxt);
    this.head = null;
  }

  /** Drops completed chunks ending before mint; returns how many went. */
  truncateChunksBefore(mint: number): number {
    let k = 0;
    const n = this.mmCount();
    while (k < n && this.mmMaxt(k) < mint) k++;
    if (k > 0) {
      if (memChunks.owns(this.mmRef(0))) for (let i = 0; i < k; i++) memChunks.drop(this.mmRef(i));
      if (k === n) this.mm = null;
      else this.mm!.splice(0, 3 * k);
    }
    if (this.head !== null && this.maxt < mint) {
      this.head = null;
      k++;
    }
    return k;
  }
}

/**
 * Completed chunks of heads without a chunks_head dir (tests, in-memory use) live here under
 * negative refs, so one number type addresses both kinds.
 */
class MemChunkStore {
  private readonly m = new Map<number, Uint8Array>();
  private next = -1;
  put(b: Uint8Array): number {
    const r = this.next--;
    this.m.set(r, b);
    return r;
  }
  owns(ref: number): boolean {
    return ref < 0;
  }
  get(ref: number): Uint8Array | undefined {
    return this.m.get(ref);
  }
  drop(ref: number): void {
    this.m.delete(ref);
  }
}

export const memChunks = new MemChunkStore();

/** Stores a completed chunk in memory and returns its (negative) ref. */
export function memChunkPut(b: Uint8Array): number {
  return memChunks.put(b);
}
