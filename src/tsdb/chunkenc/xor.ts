// Gorilla XOR chunks (Prometheus chunkenc/xor.go format), encoding 1 in chunk files.
// Layout: 2-byte big-endian sample count, then a bit stream: varint t0, 64-bit v0,
// uvarint (t1-t0), XOR v1, then per sample a delta-of-delta timestamp and an XOR value.
import { endianness } from 'node:os';
import type { SampleIterator } from '../../storage/index.js';
import { BitWriter } from './bstream.js';
import { ChunkDecodeError } from './errors.js';

// Float bits go through one scratch Float64Array viewed as two uint32s; that view's word
// order is the machine's, so pin it down once instead of per sample.
if (endianness() !== 'LE') throw new Error('promts chunkenc assumes a little-endian machine');
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Chunk encodings as stored in chunk files (1 byte). */
export const Encoding = { None: 0, XOR: 1, Histogram: 2, FloatHistogram: 3 } as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

export function encodingName(e: number): string {
  switch (e) {
    case Encoding.None:
      return 'none';
    case Encoding.XOR:
      return 'XOR';
    case Encoding.Histogram:
      return 'histogram';
    case Encoding.FloatHistogram:
      return 'floathistogram';
    default:
      return '<unknown>';
  }
}

/** Prometheus cuts a chunk at 120 samples: beyond that compression gains flatten out. */
export const SAMPLES_PER_CHUNK = 120;

const HEADER_BYTES = 2;
const TWO32 = 4294967296;

/** Appends samples to a chunk, in increasing timestamp order (the caller checks the order). */
export interface XORAppender {
  append(t: number, v: number): void;
}

/**
 * A mutable XOR chunk, and its own appender: one object per open head chunk, where a chunk,
 * an appender, a bit writer and a byte view each cost a head series an allocation (and the
 * garbage collector a copy) of their own. bytes() is a view into the chunk's buffer and stays
 * valid until the next append (which may reallocate); copy it if you keep it.
 */
export class XORChunk extends BitWriter implements XORAppender {
  // Appender state: the previous sample, as Go's xorAppender keeps it.
  private t = 0;
  private tDelta = 0;
  /** Previous value's bits. */
  private vHi = 0;
  private vLo = 0;
  /** 0xff means "no leading/trailing window yet". */
  private leading = 0xff;
  private trailing = 0;

  /** Wraps existing chunk bytes (copied), or starts an empty chunk. */
  constructor(bytes?: Uint8Array) {
    if (bytes && bytes.length < HEADER_BYTES) throw new ChunkDecodeError(`XOR chunk of ${bytes.length} bytes is shorter than its 2-byte header`);
    super(bytes);
    if (!bytes) {
      // Go starts with the 2 header bytes and no partly filled byte.
      this.bitLen = HEADER_BYTES * 8;
      this.len = HEADER_BYTES;
    }
  }

  encoding(): Encoding {
    return Encoding.XOR;
  }

  numSamples(): number {
    const b = this.buf;
    return (b[this.off]! << 8) | b[this.off + 1]!;
  }

  /**
   * The chunk as an appender continuing after the samples already in it. As in Prometheus,
   * its state is rebuilt by decoding the chunk, so a re-opened chunk encodes the next sample
   * exactly as Prometheus would (including its quirks with leading/trailing zero reuse).
   */
  appender(): XORAppender {
    // A new head chunk has nothing to decode; this runs once per chunk cut.
    if (this.numSamples() === 0) return this;
    const it = appenderScan.reset(this.bytes());
    while (it.next()) {
      /* walk to the end to learn the encoder state */
    }
    const e = it.err();
    if (e) throw e;
    if (it.numTotal > 0) {
      this.t = it.t;
      this.tDelta = it.tDelta;
      // it.v may be a NaN whose payload JS does not promise to keep through arithmetic, so take
      // the raw bits the iterator decoded.
      this.vHi = it.vHi;
      this.vLo = it.vLo;
      this.leading = it.leading;
      this.trailing = it.trailing;
      // Continue right after the last decoded bit. (Go's FromData would continue after the
      // last byte, leaving padding bits that its own iterator then misreads.) A chunk built
      // here already stands there; leave it alone so its Go-compatible length is kept.
      if (it.bitPos() !== this.bitLen) this.truncate(it.bitPos());
    }
    return this;
  }

  /** True when v has the bits of the last appended value (so NaN == NaN, StaleNaN != NaN). */
  sameAsLast(v: number): boolean {
    f64[0] = v;
    return u32[0] === this.vLo && u32[1] === this.vHi;
  }

  iterator(reuse?: SampleIterator): XORIterator {
    if (reuse instanceof XORIterator) return reuse.reset(this.bytes());
    return new XORIterator(this.bytes());
  }

  append(t: number, v: number): void {
    const num = this.numSamples();
    f64[0] = v;
    const hi = u32[1]!;
    const lo = u32[0]!;
    if (num === 0) {
      this.writeVarint(t);
      this.writeBits(hi, 32);
      this.writeBits(lo, 32);
    } else if (num === 1) {
      const tDelta = t - this.t;
      this.writeUvarint(tDelta);
      this.writeValue(hi, lo);
      this.tDelta = tDelta;
    } else {
      const tDelta = t - this.t;
      const dod = tDelta - this.tDelta;
      // Gorilla has second resolution, Prometheus milliseconds, hence wider buckets than the
      // paper (14/17/20 bits instead of 7/9/12). Ranges are asymmetric exactly as in Go's
      // bitRange: -(2^(n-1)-1) <= dod <= 2^(n-1).
      if (dod === 0) {
        this.writeBit(0);
      } else if (dod >= -8191 && dod <= 8192) {
        this.writeBits(0b10, 2);
        this.writeBits(dod & 0x3fff, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        this.writeBits(0b110, 3);
        this.writeBits(dod & 0x1ffff, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        this.writeBits(0b1110, 4);
        this.writeBits(dod & 0xfffff, 20);
      } else {
        this.writeBits(0b1111, 4);
        this.writeInt64(dod);
      }
      this.writeValue(hi, lo);
      this.tDelta = tDelta;
    }
    this.t = t;
    this.vHi = hi;
    this.vLo = lo;
    const n = num + 1;
    this.buf[this.off] = (n >>> 8) & 0xff;
    this.buf[this.off + 1] = n & 0xff;
  }

  private writeValue(hi: number, lo: number): void {
    let dHi = (hi ^ this.vHi) >>> 0;
    let dLo = (lo ^ this.vLo) >>> 0;
    if (dHi === 0 && dLo === 0) {
      this.writeBit(0);
      return;
    }
    this.writeBit(1);
    let leading = dHi !== 0 ? Math.clz32(dHi) : 32 + Math.clz32(dLo);
    const trailing = dLo !== 0 ? ctz32(dLo) : 32 + ctz32(dHi);
    // Leading zeros are stored in 5 bits: clamp to 31.
    if (leading >= 32) leading = 31;
    let shift: number;
    let nbits: number;
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      this.writeBit(0);
      shift = this.trailing;
      nbits = 64 - this.leading - this.trailing;
    } else {
      this.leading = leading;
      this.trailing = trailing;
      this.writeBit(1);
      this.writeBits(leading, 5);
      nbits = 64 - leading - trailing;
      // 64 significant bits do not fit 6 bits; they wrap to 0 and the reader maps 0 to 64.
      this.writeBits(nbits & 0x3f, 6);
      shift = trailing;
    }
    // 64-bit right shift of dHi:dLo by `shift`.
    if (shift >= 32) {
      dLo = dHi >>> (shift - 32);
      dHi = 0;
    } else if (shift > 0) {
      dLo = ((dLo >>> shift) | (dHi << (32 - shift))) >>> 0;
      dHi = dHi >>> shift;
    }
    this.writeBits64(dHi, dLo, nbits);
  }
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Zero bytes after a copied chunk, so a word read near (or, on corrupt data, past) the end stays in bounds. */
const PAD_BYTES = 32;

/**
 * Decodes an XOR chunk. After next()/seek() return true read `t` (ms) and `v`. Errors
 * (truncated or corrupt data) end the iteration; check err() afterwards.
 *
 * Bits are read 32 at a time: `peek(pos)` assembles the 32 bits starting at bit `pos` from a
 * big-endian word load plus one byte, so a whole timestamp prefix with its delta-of-delta, or
 * a value's control bits with its leading/length header, come from one read instead of a
 * loop per bit. The chunk is copied once per reset into a zero-padded scratch buffer (a few
 * hundred bytes), so those reads never leave the buffer; running past the chunk's last bit
 * is detected once per sample by comparing the position with the end (what used to be the
 * reader's `eof` flag).
 */
export class XORIterator implements SampleIterator {
  t = 0;
  v = 0;
  /** Decoder state, read by XORChunk.appender(). */
  tDelta = 0;
  vHi = 0;
  vLo = 0;
  leading = 0;
  trailing = 0;
  numTotal = 0;
  numRead = 0;
  /** Bit position of the next undecoded bit (bit 0 = first bit of the chunk's header). */
  private pos = 0;
  /** Bits in the chunk. */
  private end = 0;
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  private error: Error | null = null;

  constructor(bytes: Uint8Array) {
    this.reset(bytes);
  }

  /** Points the iterator at another chunk's bytes, so one iterator serves many chunks. */
  reset(bytes: Uint8Array): this {
    const len = bytes.length;
    if (len + PAD_BYTES > this.buf.length) {
      let n = this.buf.length * 2;
      while (n < len + PAD_BYTES) n *= 2;
      this.buf = new Uint8Array(n);
      this.dv = new DataView(this.buf.buffer);
    }
    this.buf.set(bytes);
    this.buf.fill(0, len, len + PAD_BYTES);
    this.end = len * 8;
    this.pos = HEADER_BYTES * 8;
    this.numTotal = len >= 2 ? (bytes[0]! << 8) | bytes[1]! : 0;
    this.error = len >= 2 || len === 0 ? null : new ChunkDecodeError('XOR chunk shorter than its 2-byte header');
    this.numRead = 0;
    this.t = 0;
    this.v = 0;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.leading = 0;
    this.trailing = 0;
    return this;
  }

  err(): Error | null {
    return this.error;
  }

  /** Bit position just after the last decoded sample. */
  bitPos(): number {
    return this.pos;
  }

  /** The 32 bits starting at bit `pos`, most significant first, as a uint32. */
  private peek(pos: number): number {
    const b = pos >>> 3;
    const s = pos & 7;
    // For s = 0 the second term is byte >>> 8 = 0, so no branch is needed.
    return ((this.dv.getUint32(b) << s) | (this.buf[b + 4]! >>> (8 - s))) >>> 0;
  }

  /** Go's binary.Uvarint over the bit stream; -1 when it runs over 10 bytes. */
  private uvarint(): number {
    let x = 0;
    let mul = 1;
    let pos = this.pos;
    for (let i = 0; i < 10; i++) {
      const b = this.peek(pos) >>> 24;
      pos += 8;
      if (b < 0x80) {
        this.pos = pos;
        return x + b * mul;
      }
      x += (b & 0x7f) * mul;
      mul *= 0x80;
    }
    this.pos = pos;
    return -1;
  }

  next(): boolean {
    if (this.error !== null || this.numRead >= this.numTotal) return false;
    if (this.numRead === 0) {
      const u = this.uvarint();
      if (u < 0) return this.fail();
      // Zig-zag decode without 32-bit operators (u may exceed 2^32).
      const t = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      const pos = this.pos;
      const hi = this.peek(pos);
      const lo = this.peek(pos + 32);
      this.pos = pos + 64;
      if (this.pos > this.end) return this.fail();
      this.t = t;
      this.vHi = hi;
      this.vLo = lo;
      u32[1] = hi;
      u32[0] = lo;
      this.v = f64[0]!;
      this.numRead = 1;
      return true;
    }
    if (this.numRead === 1) {
      const d = this.uvarint();
      if (d < 0 || this.pos > this.end) return this.fail();
      this.tDelta = d;
      this.t += d;
      return this.readValue();
    }
    // Delta-of-delta: a prefix of up to four 1-bits ended by a 0, then 0/14/17/20/64 bits.
    // Every case but the 64-bit one fits the 32 bits of one peek.
    let pos = this.pos;
    const w = this.peek(pos);
    let dod: number;
    if (w < 0x80000000) {
      // 0: same delta as before (the common case of a steady scrape interval). The value's
      // bits follow in the same word: a repeated value (0), or (10) an XOR within the
      // previous window of up to 29 bits, needs no second read. That covers most samples.
      const x = w << 1;
      if (x >= 0) {
        if (pos + 2 > this.end) return this.failAt();
        this.pos = pos + 2;
        this.t += this.tDelta;
        this.numRead++;
        return true;
      }
      const trailing = this.trailing;
      const mbits = 64 - this.leading - trailing;
      if (x << 1 >= 0 && mbits <= 29) {
        if (pos + 3 + mbits > this.end) return this.failAt();
        this.pos = pos + 3 + mbits;
        this.t += this.tDelta;
        this.xorIn((w << 3) >>> (32 - mbits), trailing);
        this.numRead++;
        return true;
      }
      dod = 0;
      pos += 1;
    } else if (w < 0xc0000000) {
      dod = (w >>> 16) & 0x3fff;
      if (dod > 0x2000) dod -= 0x4000;
      pos += 16;
    } else if (w < 0xe0000000) {
      dod = (w >>> 12) & 0x1ffff;
      if (dod > 0x10000) dod -= 0x20000;
      pos += 20;
    } else if (w < 0xf0000000) {
      dod = (w >>> 8) & 0xfffff;
      if (dod > 0x80000) dod -= 0x100000;
      pos += 24;
    } else {
      const hi = this.peek(pos + 4);
      const lo = this.peek(pos + 36);
      // Two's complement, exact while |dod| < 2^53.
      dod = (hi >= 0x80000000 ? hi - TWO32 : hi) * TWO32 + lo;
      pos += 68;
    }
    if (pos > this.end) {
      this.pos = this.end;
      return this.fail();
    }
    this.pos = pos;
    this.tDelta += dod;
    this.t += this.tDelta;
    return this.readValue();
  }

  private readValue(): boolean {
    let pos = this.pos;
    const w = this.peek(pos);
    if (w < 0x80000000) {
      // 0: the value repeats.
      pos += 1;
    } else {
      let leading = this.leading;
      let trailing = this.trailing;
      if (w < 0xc0000000) {
        // 10: the XOR fits the previous leading/trailing window.
        pos += 2;
      } else {
        // 11: a new window: 5 bits of leading zeros, 6 bits of significant bits (0 means 64).
        leading = (w >>> 25) & 0x1f;
        let mbits = (w >>> 19) & 0x3f;
        if (mbits === 0) mbits = 64;
        if (leading + mbits > 64) return this.fail();
        trailing = 64 - leading - mbits;
        this.leading = leading;
        this.trailing = trailing;
        pos += 13;
      }
      const mbits = 64 - leading - trailing;
      let hi = 0;
      let lo: number;
      if (mbits > 32) {
        const nHi = mbits - 32;
        hi = this.peek(pos) >>> (32 - nHi);
        lo = this.peek(pos + nHi);
      } else {
        // mbits >= 1 here, so the shift stays within 0..31.
        lo = this.peek(pos) >>> (32 - mbits);
      }
      pos += mbits;
      if (pos > this.end) {
        this.pos = this.end;
        return this.fail();
      }
      // 64-bit left shift of hi:lo by trailing, then XOR into the previous value.
      const s = trailing;
      if (s >= 32) {
        hi = lo << (s - 32);
        lo = 0;
      } else if (s > 0) {
        hi = (hi << s) | (lo >>> (32 - s));
        lo = lo << s;
      }
      this.vHi = (this.vHi ^ hi) >>> 0;
      this.vLo = (this.vLo ^ lo) >>> 0;
      u32[1] = this.vHi;
      u32[0] = this.vLo;
      this.v = f64[0]!;
    }
    if (pos > this.end) {
      this.pos = this.end;
      return this.fail();
    }
    this.pos = pos;
    this.numRead++;
    return true;
  }

  /** XORs `bits` (< 2^29), shifted left by `trailing`, into the value. */
  private xorIn(bits: number, trailing: number): void {
    if (trailing >= 32) {
      this.vHi = (this.vHi ^ (bits << (trailing - 32))) >>> 0;
    } else if (trailing > 0) {
      this.vHi = (this.vHi ^ (bits >>> (32 - trailing))) >>> 0;
      this.vLo = (this.vLo ^ (bits << trailing)) >>> 0;
    } else {
      this.vLo = (this.vLo ^ bits) >>> 0;
    }
    u32[1] = this.vHi;
    u32[0] = this.vLo;
    this.v = f64[0]!;
  }

  /** Ran past the last bit. */
  private failAt(): false {
    this.pos = this.end;
    return this.fail();
  }

  private fail(): false {
    this.error = new ChunkDecodeError(`XOR chunk ends early: decoded ${this.numRead} of ${this.numTotal} samples`);
    this.numRead = this.numTotal;
    return false;
  }

  seek(t: number): boolean {
    if (this.error !== null) return false;
    if (this.numRead > 0 && this.t >= t) return true;
    while (this.next()) if (this.t >= t) return true;
    return false;
  }
}

/** Decodes reopened chunks for appender(): one iterator (and its scratch buffer) for all. */
const appenderScan = new XORIterator(new Uint8Array(0));
