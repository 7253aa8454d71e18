// What the text and OpenMetrics parsers share: the byte cursor, the offsets of the current
// series' labels, the metadata spans, and the accessors built from them on demand.
import { Labels } from '../model/index.js';
import type { MetricType } from '../storage/index.js';
import { latin1 } from './gonum.js';
import { unescapeLabelValue } from './escape.js';
import { S_COMMENT, S_INIT, S_LVALUE, S_META2, isLD, isMD } from './tokens.js';

export abstract class ByteParser {
  readonly bytes: Buffer;
  // Lexer state.
  protected i = 0;
  protected start = 0;
  protected state = S_INIT;
  // Entry state.
  protected pstart = 0;
  /** [nameEnd, lnStart, lnEnd, lvStart, lvEnd, ...] into bytes. */
  protected offs: Int32Array = new Int32Array(64);
  protected nOffs = 0;
  protected metaStart = 0;
  protected metaEnd = 0;
  protected textStart = 0;
  protected textEnd = 0;
  protected mtype: MetricType = 'unknown';
  seriesStart = 0;
  seriesEnd = 0;
  value = 0;
  hasTimestamp = false;
  timestamp = 0;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  /** Advances one byte; label values, help text and comments swallow NUL bytes here. */
  protected adv(): number {
    const b = this.bytes;
    let i = ++this.i;
    if (i >= b.length) return 0;
    if (b[i] === 0 && (this.state === S_LVALUE || this.state === S_META2 || this.state === S_COMMENT)) {
      while (i < b.length && b[i] === 0) i++;
      this.i = i;
      if (i >= b.length) return 0;
    }
    return b[i]!;
  }

  /**
   * Moves past the rest of a metric name (or label name, with `label`) that starts at the
   * current byte. Names never contain NUL, so the bytes are indexed directly, without adv().
   */
  protected skipName(label: boolean): void {
    const b = this.bytes;
    let i = this.i;
    if (label) {
      do i++;
      while (i < b.length && isLD(b[i]!));
    } else {
      do i++;
      while (i < b.length && isMD(b[i]!));
    }
    this.i = i;
  }

  protected pushOff(v: number): void {
    if (this.nOffs === this.offs.length) this.offs = grow(this.offs);
    this.offs[this.nOffs++] = v;
  }

  series(): string {
    return this.bytes.toString('utf8', this.seriesStart, this.seriesEnd);
  }

  metricName(): string {
    return this.bytes.toString('utf8', this.seriesStart, this.offs[0]!);
  }

  labels(): Labels {
    const b = this.bytes;
    const kv: string[] = ['__name__', this.metricName()];
    for (let k = 1; k < this.nOffs; k += 4) {
      kv.push(latin1(b, this.offs[k]!, this.offs[k + 1]!), unescapeLabelValue(b, this.offs[k + 2]!, this.offs[k + 3]!));
    }
    return Labels.fromFlat(kv);
  }

  metaName(): string {
    return latin1(this.bytes, this.metaStart, this.metaEnd);
  }

  type(): MetricType {
    return this.mtype;
  }
}

/** Doubles an offsets array, keeping its contents. */
export function grow(a: Int32Array): Int32Array {
  const n = new Int32Array(a.length * 2);
  n.set(a);
  return n;
}

/** A Buffer view of body without copying it. */
export function asBuffer(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
}
