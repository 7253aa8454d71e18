import { crc32c } from '../crc32c.js';

const TWO32 = 4294967296;

/** A growable byte buffer with the encoders the index format uses (big-endian, varints). */
export class Enc {
  buf: Buffer;
  len = 0;

  constructor(initial = 1 << 16) {
    this.buf = Buffer.alloc(initial);
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const nb = Buffer.alloc(size);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  be32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }

  be32At(v: number, at: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }

  be64(v: number): void {
    this.be32(Math.floor(v / TWO32));
    this.be32(v % TWO32);
  }

  uvarint(u: number): void {
    this.ensure(10);
    while (u >= 0x80) {
      this.buf[this.len++] = (u % 0x80) | 0x80;
      u = Math.floor(u / 0x80);
    }
    this.buf[this.len++] = u;
  }

  varint(x: number): void {
    this.uvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }

  uvarintStr(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uvarint(n);
    this.ensure(n);
    this.buf.write(s, this.len, n, 'utf8');
    this.len += n;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Zero bytes up to the next multiple of `align`. */
  pad(align: number): void {
    const r = this.len % align;
    if (r === 0) return;
    this.ensure(align - r);
    this.buf.fill(0, this.len, this.len + align - r);
    this.len += align - r;
  }

  /** Appends the CRC32C of bytes [from, len). */
  crcFrom(from: number): void {
    const c = crc32c(this.buf.subarray(from, this.len));
    this.be32(c);
  }

  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
