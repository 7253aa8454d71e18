import { IndexCorruptError } from './errors.js';

const TWO32 = 4294967296;

/**
 * A read cursor over a Buffer that throws IndexCorruptError naming the file and the offset
 * of the bad read, so callers never check a flag after each field.
 */
export class Dec {
  constructor(
    readonly file: string,
    readonly buf: Buffer,
    public pos: number,
    public end: number,
    /** File offset of buf[0], so errors name offsets in the file when buf is a page of it. */
    readonly base = 0,
  ) {}

  /** Fails at buffer position `at` (default: the cursor), reported as a file offset. */
  fail(what: string, at = this.pos): never {
    throw new IndexCorruptError(this.file, this.base + at, what);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  be32(): number {
    if (this.pos + 4 > this.end) this.fail('unexpected end of data reading a 4-byte integer');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  be64(): number {
    if (this.pos + 8 > this.end) this.fail('unexpected end of data reading an 8-byte integer');
    const hi = this.buf.readUInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    if (hi >= 0x200000) this.fail(`8-byte integer ${hi * TWO32 + lo} is too large`);
    this.pos += 8;
    return hi * TWO32 + lo;
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data reading a byte');
    return this.buf[this.pos++]!;
  }

  /** Go's binary.Uvarint; values above 2^53 are rejected rather than rounded. */
  uvarint(): number {
    const start = this.pos;
    const buf = this.buf;
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('unexpected end of data reading a varint', start);
      const b = buf[this.pos++]!;
      if (b < 0x80) {
        x += b * mul;
        if (x > Number.MAX_SAFE_INTEGER) this.fail('varint overflows', start);
        return x;
      }
      x += (b & 0x7f) * mul;
      mul *= 0x80;
    }
    return this.fail('varint overflows', start);
  }

  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  uvarintStr(): string {
    const n = this.uvarint();
    if (this.pos + n > this.end) this.fail(`string of ${n} bytes runs past the end of its section`);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.fail(`unexpected end of data skipping ${n} bytes`);
    this.pos += n;
  }
}
