// Chunk series packed into a handful of typed arrays, so the head's chunks for a block can be
// handed to a worker thread by transfer (no copy, no object per series or chunk crossing the
// thread boundary); the worker reads them back as a ChunkSeriesSet for the BlockWriter.
import { Labels } from '../../model/index.js';
import type { ChunkSeriesSet, EncodedChunk } from './chunk_series.js';

/** Plain data (structured-clonable); the typed arrays' buffers are listed by transferList(). */
export interface PackedChunkSeries {
  numSeries: number;
  /** Distinct label names and values; series labels are indexes into this. */
  symbols: string[];
  /** Series i's labels are labelRefs[labelStart[i] .. labelStart[i + 1]): name, value, name, value, ... */
  labelStart: Uint32Array;
  labelRefs: Uint32Array;
  /** Series i's chunks are chunk numbers chunkStart[i] .. chunkStart[i + 1]. */
  chunkStart: Uint32Array;
  /** Per chunk: mint, maxt, index into `data`, byte offset there and byte length. */
  chunkMeta: Float64Array;
  /**
   * Chunk bytes, back to back, in buffers of DATA_SEGMENT bytes (or one chunk, if larger):
   * filled without ever copying a grown buffer, so building costs the bytes once.
   */
  data: Uint8Array[];
}

/** Size of one data buffer: large enough to be few, small enough that the last one's slack is cheap. */
const DATA_SEGMENT = 8 << 20;
const META = 5;

/** The buffers to transfer with postMessage (they are unusable in the sender afterwards). */
export function transferList(p: PackedChunkSeries): ArrayBuffer[] {
  return [p.labelStart.buffer, p.labelRefs.buffer, p.chunkStart.buffer, p.chunkMeta.buffer, ...p.data.map((d) => d.buffer)] as ArrayBuffer[];
}

/**
 * Builds a PackedChunkSeries: beginSeries(), addChunk() for each chunk in time order, then
 * endSeries(); a series given no chunk is dropped. Chunk bytes are copied in right away.
 */
export class PackedChunkSeriesBuilder {
  private readonly symIdx = new Map<string, number>();
  private readonly symbols: string[] = [];
  private labelStart: Uint32Array = new Uint32Array(1024);
  private labelRefs: Uint32Array = new Uint32Array(4096);
  private chunkStart: Uint32Array = new Uint32Array(1024);
  private chunkMeta: Float64Array = new Float64Array(4096);
  private readonly data: Uint8Array[] = [];
  private cur: Uint8Array = new Uint8Array(0);
  private nSeries = 0;
  private nLabelRefs = 0;
  private nChunks = 0;
  private nBytes = 0;
  private seriesLabels: Labels | null = null;
  private seriesFirstChunk = 0;

  beginSeries(labels: Labels): void {
    this.seriesLabels = labels;
    this.seriesFirstChunk = this.nChunks;
  }

  addChunk(mint: number, maxt: number, bytes: Uint8Array): void {
    if ((this.nChunks + 1) * META > this.chunkMeta.length) this.chunkMeta = growF64(this.chunkMeta, (this.nChunks + 1) * META);
    if (this.nBytes + bytes.length > this.cur.length) {
      if (this.data.length > 0) this.data[this.data.length - 1] = this.cur.subarray(0, this.nBytes);
      this.cur = new Uint8Array(Math.max(DATA_SEGMENT, bytes.length));
      this.data.push(this.cur);
      this.nBytes = 0;
    }
    const m = this.chunkMeta;
    const k = this.nChunks * META;
    m[k] = mint;
    m[k + 1] = maxt;
    m[k + 2] = this.data.length - 1;
    m[k + 3] = this.nBytes;
    m[k + 4] = bytes.length;
    this.cur.set(bytes, this.nBytes);
    this.nBytes += bytes.length;
    this.nChunks++;
  }

  endSeries(): void {
    const labels = this.seriesLabels!;
    this.seriesLabels = null;
    if (this.nChunks === this.seriesFirstChunk) return;
    const kv = labels.kv;
    if (this.nSeries + 2 > this.labelStart.length) {
      this.labelStart = growU32(this.labelStart, this.nSeries + 2);
      this.chunkStart = growU32(this.chunkStart, this.nSeries + 2);
    }
    if (this.nLabelRefs + kv.length > this.labelRefs.length) this.labelRefs = growU32(this.labelRefs, this.nLabelRefs + kv.length);
    for (let i = 0; i < kv.length; i++) {
      let x = this.symIdx.get(kv[i]!);
      if (x === undefined) {
        x = this.symbols.length;
        this.symbols.push(kv[i]!);
        this.symIdx.set(kv[i]!, x);
      }
      this.labelRefs[this.nLabelRefs++] = x;
    }
    this.chunkStart[this.nSeries] = this.seriesFirstChunk;
    this.nSeries++;
    this.labelStart[this.nSeries] = this.nLabelRefs;
    this.chunkStart[this.nSeries] = this.nChunks;
  }

  /** The packed series; views of the builder's buffers (the builder is done after this). */
  build(): PackedChunkSeries {
    return {
      numSeries: this.nSeries,
      symbols: this.symbols,
      labelStart: this.labelStart.subarray(0, this.nSeries + 1),
      labelRefs: this.labelRefs.subarray(0, this.nLabelRefs),
      chunkStart: this.chunkStart.subarray(0, this.nSeries + 1),
      chunkMeta: this.chunkMeta.subarray(0, this.nChunks * META),
      data: this.data.map((d, i) => (i === this.data.length - 1 ? d.subarray(0, this.nBytes) : d)),
    };
  }
}

/** Reads a PackedChunkSeries back in the order it was built; chunk data are views into it. */
export class PackedChunkSeriesSet implements ChunkSeriesSet {
  private i = -1;
  private cur: Labels = Labels.EMPTY;
  private readonly out: EncodedChunk[] = [];

  constructor(private readonly p: PackedChunkSeries) {}

  next(): boolean {
    const p = this.p;
    if (++this.i >= p.numSeries) return false;
    const kv: string[] = [];
    for (let j = p.labelStart[this.i]!; j < p.labelStart[this.i + 1]!; j++) kv.push(p.symbols[p.labelRefs[j]!]!);
    this.cur = Labels.fromSortedFlat(kv);
    this.out.length = 0;
    const m = p.chunkMeta;
    for (let c = p.chunkStart[this.i]!; c < p.chunkStart[this.i + 1]!; c++) {
      const k = META * c;
      const off = m[k + 3]!;
      this.out.push({ mint: m[k]!, maxt: m[k + 1]!, data: p.data[m[k + 2]!]!.subarray(off, off + m[k + 4]!) });
    }
    return true;
  }

  labels(): Labels {
    return this.cur;
  }

  chunks(): readonly EncodedChunk[] {
    return this.out;
  }

  err(): Error | null {
    return null;
  }
}

function growU32(a: Uint32Array, min: number): Uint32Array {
  const b = new Uint32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

function growF64(a: Float64Array, min: number): Float64Array {
  const b = new Float64Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
