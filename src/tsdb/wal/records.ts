// WAL record encodings of Prometheus 2.42 (tsdb/record): series, samples, tombstones,
// exemplars, metadata. Samples decode into typed arrays (no object per sample); values are
// copied as raw bytes so StaleNaN and every other NaN payload survive bit for bit.
import { Labels } from '../../model/index.js';
import type { MetricType } from '../../storage/index.js';

export const RecordType = {
  Series: 1,
  Samples: 2,
  Tombstones: 3,
  Exemplars: 4,
  MmapMarkers: 5,
  Metadata: 6,
  HistogramSamples: 7,
  Unknown: 255,
} as const;

export function recordType(rec: Uint8Array): number {
  if (rec.length === 0) return RecordType.Unknown;
  const t = rec[0]!;
  return t >= 1 && t <= 7 ? t : RecordType.Unknown;
}

export class RecordDecodeError extends Error {
  readonly code = 'wal_record_decode';
}

const TWO32 = 4294967296;

/** Reads varints and fixed-width fields from a record; positions advance in `pos`. */
class Dec {
  pos = 0;
  /** A Buffer, so str() decodes in place without a view object per string. */
  readonly b: Buffer;
  constructor(b: Uint8Array) {
    this.b = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
  }
  get left(): number {
    return this.b.length - this.pos;
  }
  byte(): number {
    if (this.pos >= this.b.length) throw new RecordDecodeError('unexpected end of record');
    return this.b[this.pos++]!;
  }
  uvarint(): number {
    // Fast path: sample deltas are almost always one or two bytes.
    const b = this.b;
    const p = this.pos;
    if (p + 1 < b.length) {
      const c = b[p]!;
      if (c < 0x80) {
        this.pos = p + 1;
        return c;
      }
      const c2 = b[p + 1]!;
      if (c2 < 0x80) {
        this.pos = p + 2;
        return (c & 0x7f) | (c2 << 7);
      }
    }
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const c = this.byte();
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
    throw new RecordDecodeError('varint overflows 64 bits');
  }
  varint(): number {
    const u = this.uvarint();
    // Zig-zag: even -> u/2, odd -> -(u+1)/2. Arithmetic, because u may exceed 32 bits.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  be64u(): number {
    if (this.left < 8) throw new RecordDecodeError('unexpected end of record');
    const b = this.b;
    const p = this.pos;
    const hi = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
    this.pos += 8;
    // Series refs are small: returning `lo` itself keeps them small integers. `0 * TWO32 + lo`
    // is a heap number in V8's interpreter, and one such ref stored in a field makes V8 box
    // that field in every object of the shape (a heap number per series in the head).
    return hi === 0 ? lo : hi * TWO32 + lo;
  }
  be64s(): number {
    if (this.left < 8) throw new RecordDecodeError('unexpected end of record');
    const b = this.b;
    const p = this.pos;
    const hi = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    const lo = ((b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!) >>> 0;
    this.pos += 8;
    return hi * TWO32 + lo;
  }
  /** Copies a big-endian float64 into dst bytes (little-endian Float64Array storage) at index i. */
  f64Into(dst: Uint8Array, i: number): void {
    if (this.left < 8) throw new RecordDecodeError('unexpected end of record');
    const b = this.b;
    const p = this.pos;
    const o = i * 8;
    for (let k = 0; k < 8; k++) dst[o + k] = b[p + 7 - k]!;
    this.pos += 8;
  }
  f64(): number {
    scratchU8.fill(0);
    this.f64Into(scratchU8, 0);
    return scratchF64[0]!;
  }
  str(): string {
    const n = this.uvarint();
    if (this.left < n) throw new RecordDecodeError('unexpected end of record');
    const s = this.b.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /** str() through a cache of label strings. */
  label(cache: LabelStringCache): string {
    const n = this.uvarint();
    if (this.left < n) throw new RecordDecodeError('unexpected end of record');
    const s = cache.get(this.b, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

const scratchF64 = new Float64Array(1);
const scratchU8 = new Uint8Array(scratchF64.buffer);

export interface RefSeries {
  readonly ref: number;
  readonly labels: Labels;
}

/** Slots of a LabelStringCache; a power of two. */
const CACHE_SLOTS = 4096;
/** Longer strings are decoded every time: few repeat, and hashing them costs more. */
const CACHE_MAX_LEN = 64;

/**
 * Label names and values of series records, recognised by their bytes. A WAL names the same
 * few label names and values in record after record; a string seen before is returned without
 * decoding its bytes into a new string. Direct-mapped by a hash of the bytes, ASCII only (so a
 * string's char codes are its bytes); anything else is decoded every time.
 */
export class LabelStringCache {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);

  get(b: Buffer, start: number, end: number): string {
    const n = end - start;
    if (n > CACHE_MAX_LEN) return b.toString('utf8', start, end);
    let h = 0x811c9dc5;
    let bits = 0;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      bits |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (bits >= 0x80) return b.toString('utf8', start, end);
    const slot = (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
    const have = this.slots[slot];
    if (have !== undefined && have.length === n) {
      let i = 0;
      while (i < n && have.charCodeAt(i) === b[start + i]) i++;
      if (i === n) return have;
    }
    const s = b.toString('latin1', start, end);
    this.slots[slot] = s;
    return s;
  }
}

/** Decodes a series record; `strings` (kept across records) saves decoding repeated label strings. */
export function decodeSeries(rec: Uint8Array, strings?: LabelStringCache, out: RefSeries[] = []): RefSeries[] {
  const d = new Dec(rec);
  if (d.byte() !== RecordType.Series) throw new RecordDecodeError('invalid record type');
  while (d.left > 0) {
    const ref = d.be64u();
    const n = d.uvarint();
    const kv: string[] = new Array(n * 2);
    for (let i = 0; i < n * 2; i++) kv[i] = strings === undefined ? d.str() : d.label(strings);
    out.push({ ref, labels: Labels.fromFlat(kv) });
  }
  return out;
}

/** Growable parallel arrays of (ref, t, v); one instance is reused across records. */
export class SampleBatch {
  refs: Float64Array = new Float64Array(1024);
  ts: Float64Array = new Float64Array(1024);
  vs: Float64Array = new Float64Array(1024);
  n = 0;
  ensure(cap: number): void {
    if (cap <= this.refs.length) return;
    let c = this.refs.length;
    while (c < cap) c *= 2;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(c);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.refs = grow(this.refs);
    this.ts = grow(this.ts);
    this.vs = grow(this.vs);
  }
  push(ref: number, t: number, v: number): void {
    this.ensure(this.n + 1);
    this.refs[this.n] = ref;
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }
}

/**
 * Decodes a samples record into `out` (replacing its contents). The hot loop of WAL replay:
 * varints take Dec's 1-2 byte fast path, and each value is copied as two 32-bit words (not
 * read as a double), which keeps every NaN payload, StaleNaN among them, bit for bit.
 */
export function decodeSamples(rec: Uint8Array, out: SampleBatch): void {
  const d = new Dec(rec);
  if (d.byte() !== RecordType.Samples) throw new RecordDecodeError('invalid record type');
  out.n = 0;
  if (d.left === 0) return;
  const baseRef = d.be64u();
  const baseT = d.be64s();
  // Each sample takes at least 10 bytes (two 1-byte varints + 8-byte value).
  out.ensure(Math.ceil(d.left / 10) + 1);
  const refs = out.refs;
  const ts = out.ts;
  const words = new Uint32Array(out.vs.buffer, out.vs.byteOffset, out.vs.length * 2);
  const b = d.b;
  let i = 0;
  while (d.left > 0) {
    refs[i] = baseRef + d.varint();
    ts[i] = baseT + d.varint();
    if (d.left < 8) throw new RecordDecodeError('unexpected end of record');
    const p = d.pos;
    // Big-endian on the wire; the Float64Array holds the machine's little-endian words.
    words[2 * i + 1] = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    words[2 * i] = (b[p + 4]! << 24) | (b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!;
    d.pos = p + 8;
    i++;
  }
  out.n = i;
}

export interface Tombstone {
  readonly ref: number;
  readonly mint: number;
  readonly maxt: number;
}

export function decodeTombstones(rec: Uint8Array): Tombstone[] {
  const d = new Dec(rec);
  if (d.byte() !== RecordType.Tombstones) throw new RecordDecodeError('invalid record type');
  const out: Tombstone[] = [];
  while (d.left > 0) out.push({ ref: d.be64u(), mint: d.varint(), maxt: d.varint() });
  return out;
}

export interface RefExemplar {
  readonly ref: number;
  readonly t: number;
  readonly v: number;
  readonly labels: Labels;
}

export function decodeExemplars(rec: Uint8Array): RefExemplar[] {
  const d = new Dec(rec);
  if (d.byte() !== RecordType.Exemplars) throw new RecordDecodeError('invalid record type');
  const out: RefExemplar[] = [];
  if (d.left === 0) return out;
  const baseRef = d.be64u();
  const baseT = d.be64s();
  while (d.left > 0) {
    const ref = baseRef + d.varint();
    const t = baseT + d.varint();
    const v = d.f64();
    const n = d.uvarint();
    const kv: string[] = new Array(n * 2);
    for (let i = 0; i < n * 2; i++) kv[i] = d.str();
    out.push({ ref, t, v, labels: Labels.fromFlat(kv) });
  }
  return out;
}

const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

export interface RefMetadata {
  readonly ref: number;
  readonly type: MetricType;
  readonly unit: string;
  readonly help: string;
}

export function decodeMetadata(rec: Uint8Array): RefMetadata[] {
  const d = new Dec(rec);
  if (d.byte() !== RecordType.Metadata) throw new RecordDecodeError('invalid record type');
  const out: RefMetadata[] = [];
  while (d.left > 0) {
    const ref = d.uvarint();
    const typ = d.byte();
    const n = d.uvarint();
    let unit = '';
    let help = '';
    // Unknown fields are skipped, so newer writers adding fields stay readable.
    for (let i = 0; i < n; i++) {
      const k = d.str();
      const v = d.str();
      if (k === 'UNIT') unit = v;
      else if (k === 'HELP') help = v;
    }
    out.push({ ref, type: METRIC_TYPES[typ] ?? 'unknown', unit, help });
  }
  return out;
}

/**
 * Builds records in one reused buffer. Each method returns a view that is valid until the
 * next call on the same encoder (WAL.log copies it into its page right away).
 */
export class RecordEncoder {
  private buf = Buffer.alloc(64 * 1024);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.pos + n) c *= 2;
    const nb = Buffer.alloc(c);
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }
  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  private uvarint(x: number): void {
    this.ensure(10);
    while (x >= 128) {
      this.buf[this.pos++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.pos++] = x;
  }
  private varint(x: number): void {
    this.uvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }
  private be64(x: number): void {
    this.ensure(8);
    const hi = Math.floor(x / TWO32);
    this.buf.writeUInt32BE(hi >>> 0, this.pos);
    this.buf.writeUInt32BE(x >>> 0 === x ? x : (x - hi * TWO32) >>> 0, this.pos + 4);
    this.pos += 8;
  }
  private f64From(src: Uint8Array, i: number): void {
    this.ensure(8);
    const o = i * 8;
    for (let k = 0; k < 8; k++) this.buf[this.pos + k] = src[o + 7 - k]!;
    this.pos += 8;
  }
  private f64(v: number): void {
    scratchF64[0] = v;
    this.f64From(scratchU8, 0);
  }
  private str(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uvarint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }
  private done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  series(list: readonly RefSeries[]): Buffer {
    this.pos = 0;
    this.byte(RecordType.Series);
    for (const s of list) {
      this.be64(s.ref);
      const kv = s.labels.kv;
      this.uvarint(kv.length >> 1);
      for (let i = 0; i < kv.length; i++) this.str(kv[i]!);
    }
    return this.done();
  }

  /** Encodes n samples from parallel arrays; values are copied bit-exactly from `vs`. */
  samples(refs: ArrayLike<number>, ts: ArrayLike<number>, vs: Float64Array, n: number, from = 0): Buffer {
    this.pos = 0;
    this.byte(RecordType.Samples);
    if (n === 0) return this.done();
    const baseRef = refs[from]!;
    const baseT = ts[from]!;
    this.be64(baseRef);
    this.be64(baseT);
    const vb = new Uint8Array(vs.buffer, vs.byteOffset, vs.length * 8);
    for (let i = from; i < from + n; i++) {
      this.varint(refs[i]! - baseRef);
      this.varint(ts[i]! - baseT);
      this.f64From(vb, i);
    }
    return this.done();
  }

  tombstones(list: readonly Tombstone[]): Buffer {
    this.pos = 0;
    this.byte(RecordType.Tombstones);
    for (const s of list) {
      this.be64(s.ref);
      this.varint(s.mint);
      this.varint(s.maxt);
    }
    return this.done();
  }

  exemplars(list: readonly RefExemplar[]): Buffer {
    this.pos = 0;
    this.byte(RecordType.Exemplars);
    if (list.length === 0) return this.done();
    const baseRef = list[0]!.ref;
    const baseT = list[0]!.t;
    this.be64(baseRef);
    this.be64(baseT);
    for (const e of list) {
      this.varint(e.ref - baseRef);
      this.varint(e.t - baseT);
      this.f64(e.v);
      const kv = e.labels.kv;
      this.uvarint(kv.length >> 1);
      for (let i = 0; i < kv.length; i++) this.str(kv[i]!);
    }
    return this.done();
  }

  metadata(list: readonly RefMetadata[]): Buffer {
    this.pos = 0;
    this.byte(RecordType.Metadata);
    for (const m of list) {
      this.uvarint(m.ref);
      this.byte(Math.max(0, METRIC_TYPES.indexOf(m.type)));
      this.uvarint(2);
      this.str('UNIT');
      this.str(m.unit);
      this.str('HELP');
      this.str(m.help);
    }
    return this.done();
  }
}
