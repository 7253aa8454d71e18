// Bit streams for Gorilla-style chunks. Bits are written most significant first, as
// Prometheus's bstream does, so a chunk written here is byte-identical to one written by Go.
// Values wider than 32 bits are handled as (hi, lo) uint32 pairs: JS bitwise operators are
// 32-bit, and a BigInt per sample would allocate.

const TWO32 = 4294967296;

/** Slab size for chunk buffers; larger requests get an array of their own. */
const SLAB = 64 * 1024;
let slab = new Uint8Array(SLAB);
let slabUsed = 0;

/**
 * Append-only bit writer over a growable byte buffer.
 *
 * Small streams are carved from a shared zeroed slab and address it by offset: a head holds
 * one open chunk per series, and an ArrayBuffer of its own for each, or even a view object
 * per chunk, cost more in allocation and GC work than the bytes themselves (a third of WAL
 * replay). A fresh slab is already zeroed, and slab space is never handed out twice, so no
 * chunk needs a fill(0). A slab lives as long as any stream carved from it.
 *
 * The byte length follows Go's bstream exactly, because chunk bytes (and so chunk files and
 * CRCs) must match Prometheus's: Go's writeByte always appends a fresh byte, so a write that
 * ends with a whole byte (a varint byte, or writeBits of a multiple of 8 bits) leaves a
 * trailing byte with no bits in it yet. `len` mirrors len(stream) in Go.
 */
export class BitWriter {
  /** Holds the stream at [off, off + cap); shared with other streams when carved from a slab. */
  buf: Uint8Array = slab;
  off = 0;
  cap = 0;
  /** Bits written so far. */
  bitLen = 0;
  /** Bytes that belong to the stream (Go's len(stream)); >= ceil(bitLen / 8). */
  len = 0;

  constructor(initial?: Uint8Array) {
    if (initial) {
      this.alloc(Math.max(initial.length * 2, 128));
      this.buf.set(initial, this.off);
      this.bitLen = initial.length * 8;
      this.len = initial.length;
    } else {
      this.alloc(128);
    }
  }

  /** The stream's bytes (a view; valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.off, this.off + this.len);
  }

  /** Points the stream at `n` fresh zeroed bytes. */
  private alloc(n: number): void {
    if (n > SLAB / 8) {
      this.buf = new Uint8Array(n);
      this.off = 0;
    } else {
      if (slabUsed + n > SLAB) {
        slab = new Uint8Array(SLAB);
        slabUsed = 0;
      }
      this.buf = slab;
      this.off = slabUsed;
      slabUsed += n;
    }
    this.cap = n;
  }

  /** Moves the write position back to `bitLen` (after decoding a reopened stream), clearing what follows. */
  truncate(bitLen: number): void {
    const byte = this.off + (bitLen >>> 3);
    const rem = bitLen & 7;
    const end = this.off + this.cap;
    if (rem !== 0) {
      this.buf[byte]! &= (0xff << (8 - rem)) & 0xff;
      this.buf.fill(0, byte + 1, end);
    } else {
      this.buf.fill(0, byte, end);
    }
    this.bitLen = bitLen;
    this.len = (bitLen + 7) >>> 3;
  }

  /** Makes room for `bits` more bits plus Go's trailing byte; grows by doubling. */
  private ensure(bits: number): void {
    const need = ((this.bitLen + bits) >>> 3) + 1;
    if (need <= this.cap) return;
    let n = this.cap * 2;
    while (n < need) n *= 2;
    const old = this.buf;
    const from = this.off;
    this.alloc(n);
    this.buf.set(old.subarray(from, from + this.len), this.off);
  }

  /** Go's len after a write: whole-byte writes end with a fresh byte, bit writes do not. */
  private settle(endedWithByte: boolean): void {
    const l = endedWithByte ? (this.bitLen >>> 3) + 1 : (this.bitLen + 7) >>> 3;
    if (l > this.len) this.len = l;
  }

  writeBit(bit: number): void {
    this.ensure(1);
    if (bit) this.buf[this.off + (this.bitLen >>> 3)]! |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
    this.settle(false);
  }

  /** Raw write of the low `n` bits (n <= 32) of `v`, read as a uint32; no length bookkeeping. */
  private put(v: number, n: number): void {
    const buf = this.buf;
    const off = this.off;
    let pos = this.bitLen;
    while (n > 0) {
      const free = 8 - (pos & 7);
      const take = free < n ? free : n;
      const bits = (v >>> (n - take)) & ((1 << take) - 1);
      buf[off + (pos >>> 3)]! |= bits << (free - take);
      pos += take;
      n -= take;
    }
    this.bitLen = pos;
  }

  /** Writes the low `n` bits (n <= 32) of `v`, which is read as a uint32. */
  writeBits(v: number, n: number): void {
    this.ensure(n);
    this.put(v, n);
    this.settle(n >= 8 && (n & 7) === 0);
  }

  /** Writes the low `n` bits (n <= 64) of the 64-bit value hi:lo, as one Go writeBits call. */
  writeBits64(hi: number, lo: number, n: number): void {
    this.ensure(n);
    if (n > 32) {
      this.put(hi, n - 32);
      this.put(lo, 32);
    } else {
      this.put(lo, n);
    }
    this.settle(n >= 8 && (n & 7) === 0);
  }

  writeByte(b: number): void {
    this.writeBits(b & 0xff, 8);
  }

  /** Go's binary.PutUvarint, byte by byte into the bit stream. `u` must be a safe integer >= 0. */
  writeUvarint(u: number): void {
    while (u >= 0x80) {
      this.writeByte((u % 0x80) | 0x80);
      u = Math.floor(u / 0x80);
    }
    this.writeByte(u);
  }

  /** Go's binary.PutVarint (zig-zag). */
  writeVarint(x: number): void {
    this.writeUvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }

  /** Writes a signed 64-bit integer (a safe integer here) as 64 bits, two's complement. */
  writeInt64(x: number): void {
    const hi = Math.floor(x / TWO32);
    const lo = x - hi * TWO32;
    this.writeBits64(hi >>> 0, lo >>> 0, 64);
  }
}

/**
 * Bit reader over a byte view. Reads past the end do not throw: they set `eof` and return 0,
 * so the caller checks one flag per sample instead of paying for exceptions.
 *
 * This is the plain, byte-at-a-time reader: XORIterator no longer uses it (it reads 32-bit
 * words from a padded copy of the chunk, see xor.ts), but it stays as the straightforward
 * transcription of Go's bstreamReader that tests check the fast decoder against.
 */
export class BitReader {
  bytes: Uint8Array;
  pos = 0;
  end: number;
  eof = false;

  constructor(bytes: Uint8Array, startBit = 0) {
    this.bytes = bytes;
    this.pos = startBit;
    this.end = bytes.length * 8;
  }

  reset(bytes: Uint8Array, startBit = 0): void {
    this.bytes = bytes;
    this.pos = startBit;
    this.end = bytes.length * 8;
    this.eof = false;
  }

  readBit(): number {
    const pos = this.pos;
    if (pos >= this.end) {
      this.eof = true;
      return 0;
    }
    this.pos = pos + 1;
    return (this.bytes[pos >>> 3]! >>> (7 - (pos & 7))) & 1;
  }

  /** Reads `n` bits (n <= 52) as an unsigned number; float arithmetic keeps it exact. */
  readBits(n: number): number {
    let pos = this.pos;
    if (pos + n > this.end) {
      this.eof = true;
      this.pos = this.end;
      return 0;
    }
    const bytes = this.bytes;
    let r = 0;
    while (n > 0) {
      const avail = 8 - (pos & 7);
      const take = avail < n ? avail : n;
      r = r * (1 << take) + ((bytes[pos >>> 3]! >>> (avail - take)) & ((1 << take) - 1));
      pos += take;
      n -= take;
    }
    this.pos = pos;
    return r;
  }

  readUvarint(): number {
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.readBits(8);
      if (this.eof) return 0;
      if (b < 0x80) return x + b * mul;
      x += (b & 0x7f) * mul;
      mul *= 0x80;
    }
    this.eof = true; // overflow: treat as corrupt
    return 0;
  }

  readVarint(): number {
    const u = this.readUvarint();
    // Zig-zag decode without 32-bit operators (u may exceed 2^32).
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Reads 64 bits as a two's-complement signed integer (exact while |x| < 2^53). */
  readInt64(): number {
    const hi = this.readBits(32);
    const lo = this.readBits(32);
    return (hi >= 0x80000000 ? hi - TWO32 : hi) * TWO32 + lo;
  }
}
