// A small hand-written protobuf codec for the few prompb messages remote write/read use
// (WriteRequest, ReadRequest, ReadResponse). Hand-written rather than protobufjs reflection so
// the sender can splice pre-encoded label bytes per series and never build a per-sample object.
import { PromtsError } from '../../model/index.js';

export class ProtoDecodeError extends PromtsError {
  constructor(msg: string) {
    super('remote_proto_decode', msg, 'The body is not a valid snappy-compressed prompb message; check the sender speaks remote write 1.0.');
  }
}

const TWO32 = 4294967296;

/** Appends protobuf primitives to one growable buffer, reused across requests. */
export class ProtoWriter {
  buf: Buffer;
  pos = 0;
  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }
  reset(): void {
    this.pos = 0;
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.pos + n) c *= 2;
    const b = Buffer.allocUnsafe(c);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }
  /** Unsigned varint of a non-negative integer up to 2^53. */
  uvarint(v: number): void {
    this.ensure(10);
    const b = this.buf;
    while (v >= 0x80) {
      b[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[this.pos++] = v;
  }
  /** int64 varint: negative values take 10 bytes of two's complement, as Go writes them. */
  int64(v: number): void {
    if (v >= 0) return this.uvarint(v);
    this.ensure(10);
    // Split into 32-bit halves of the two's complement without BigInt.
    let lo = (v % TWO32) >>> 0;
    let hi = Math.floor(v / TWO32) >>> 0;
    const b = this.buf;
    for (let i = 0; i < 9; i++) {
      b[this.pos++] = (lo & 0x7f) | 0x80;
      lo = (lo >>> 7) | ((hi & 0x7f) << 25);
      hi >>>= 7;
    }
    b[this.pos++] = lo & 0x01;
  }
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  double(v: number): void {
    this.ensure(8);
    // DataView, not Buffer.writeDoubleLE: the latter quiets signalling NaNs, which would turn
    // Prometheus's StaleNaN (0x7ff0000000000002) into an ordinary NaN.
    if (this.dv.buffer !== this.buf.buffer) this.dv = new DataView(this.buf.buffer);
    this.dv.setFloat64(this.buf.byteOffset + this.pos, v, true);
    this.pos += 8;
  }
  /** Writes raw 8 bytes of a float64 from a byte view, keeping NaN payloads (StaleNaN) exact. */
  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }
  tag(field: number, wire: number): void {
    this.uvarint((field << 3) | wire);
  }
  string(field: number, s: string): void {
    const n = Buffer.byteLength(s);
    this.tag(field, 2);
    this.uvarint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }
  /** Starts a length-delimited field whose size is not known yet; finish with end(mark). */
  begin(field: number): number {
    this.tag(field, 2);
    // Reserve 5 bytes: enough for any message below 2^35 bytes; shifted down in end().
    this.ensure(5);
    this.pos += 5;
    return this.pos;
  }
  end(mark: number): void {
    const len = this.pos - mark;
    let n = 1;
    for (let l = len; l >= 0x80; l = Math.floor(l / 128)) n++;
    const start = mark - 5;
    if (n < 5) this.buf.copy(this.buf, start + n, mark, this.pos);
    let p = start;
    let v = len;
    while (v >= 0x80) {
      this.buf[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[p] = v;
    this.pos -= 5 - n;
  }
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Encodes `Label` entries (field `field` of the parent) from a flat name/value list. */
export function writeLabelPairs(w: ProtoWriter, field: number, names: readonly string[], values: readonly string[]): void {
  for (let i = 0; i < names.length; i++) {
    const m = w.begin(field);
    w.string(1, names[i]!);
    w.string(2, values[i]!);
    w.end(m);
  }
}

/** Reads protobuf primitives from a buffer; pos advances. */
export class ProtoReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  uvarint(): number {
    const b = this.buf;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoDecodeError('unexpected EOF');
      const c = b[this.pos++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
    throw new ProtoDecodeError('varint overflow');
  }
  /** int64 varint: values above 2^63 are two's complement negatives. */
  int64(): number {
    const start = this.pos;
    const v = this.uvarint();
    if (this.pos - start < 10) return v;
    // 10-byte varint: a negative number. Recompute exactly from the low 64 bits.
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const c = this.buf[start + i]! & 0x7f;
      const shift = 7 * i;
      if (shift < 32) {
        lo = (lo | (c << shift)) >>> 0;
        if (shift + 7 > 32) hi = (hi | (c >>> (32 - shift))) >>> 0;
      } else if (shift < 64) hi = (hi | (c << (shift - 32))) >>> 0;
    }
    return (hi | 0) * TWO32 + lo;
  }
  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoDecodeError('unexpected EOF');
    // DataView keeps NaN payloads (StaleNaN) intact; Buffer.readDoubleLE does not.
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }
  /** Returns [start, end) of a length-delimited field and skips it. */
  lenDelim(): number {
    const n = this.uvarint();
    const s = this.pos;
    if (s + n > this.end) throw new ProtoDecodeError('unexpected EOF');
    this.pos += n;
    return s;
  }
  string(): string {
    const s = this.lenDelim();
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + s, this.pos - s).toString('utf8');
  }
  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.uvarint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.lenDelim();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.end) throw new ProtoDecodeError('unexpected EOF');
  }
}
