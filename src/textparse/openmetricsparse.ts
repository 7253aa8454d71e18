// OpenMetrics 1.0 text, parsed the way Prometheus 2.42's OpenMetricsParser does: a
// hand-written copy of its golex state machine (no whitespace tolerance, `# EOF` required,
// exemplars only on _total/_bucket series, float timestamps in seconds).
import { isUtf8 } from 'node:buffer';
import { validUtf8 } from './utf8.js';
import { Labels } from '../model/index.js';
import type { Exemplar, MetricType } from '../storage/index.js';
import { TextParseError, lineAt } from './errors.js';
import { unescapeLabelValue } from './escape.js';
import { NumberSyntaxError, goQuote, goQuoteBytes, latin1, parseGoFloat } from './gonum.js';
import { Entry, type Parser } from './parser.js';
import { ByteParser, asBuffer, grow } from './base.js';
import {
  S_COMMENT, S_ETIMESTAMP, S_EVALUE, S_EXEMPLAR, S_INIT, S_LABELS, S_LVALUE, S_META1, S_META2, S_TIMESTAMP, S_VALUE,
  T_BCLOSE, T_BOPEN, T_COMMA, T_COMMENT, T_EOF, T_EOFWORD, T_EQUAL, T_HELP, T_INVALID, T_LINEBREAK, T_LNAME, T_LVALUE,
  T_MNAME, T_TEXT, T_TIMESTAMP, T_TYPE, T_UNIT, T_VALUE, isL, isM, qtok, tokenName,
} from './tokens.js';

const SP = 0x20;
const NL = 0x0a;
const OM_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);

export class OpenMetricsParser extends ByteParser implements Parser {
  /** Exemplar labels: [lnStart, lnEnd, lvStart, lvEnd, ...]. */
  private eOffs: Int32Array = new Int32Array(16);
  private nEOffs = 0;
  private hasExemplar = false;
  private exemplarVal = 0;
  private exemplarTs = 0;
  private hasExemplarTs = false;

  /** Parses body in place (no copy); the caller must not change it while parsing. */
  constructor(body: Uint8Array) {
    super(asBuffer(body));
  }

  // ---- lexer -------------------------------------------------------------------------

  /** The byte at the cursor; a space past the end, as Prometheus's lexer reports it. */
  private cur(): number {
    return this.i < this.bytes.length ? this.bytes[this.i]! : SP;
  }

  private word(rest: string): boolean {
    for (let k = 0; k < rest.length; k++) if (this.adv() !== rest.charCodeAt(k)) return false;
    return true;
  }

  /** [^ \n]+ after a leading space that was already consumed; c is the current byte. */
  private field(c: number): boolean {
    if (c === 0 || c === SP || c === NL) return false;
    do c = this.adv();
    while (c !== 0 && c !== SP && c !== NL);
    return true;
  }

  /** A quoted value; the cursor is on the opening quote. */
  private quoted(): boolean {
    for (;;) {
      let c = this.adv();
      if (c === 0x22) {
        this.adv();
        return true;
      }
      if (c === 0x5c) c = this.adv();
      if (c === 0 || c === NL) return false;
    }
  }

  private lex(): number {
    const b = this.bytes;
    if (this.i >= b.length) return T_EOF;
    let c = b[this.i]!;
    this.start = this.i;
    for (;;) {
      switch (this.state) {
        case S_INIT:
          if (c === 0x23) {
            c = this.adv();
            if (c !== SP) return T_INVALID;
            c = this.adv();
            this.state = S_COMMENT;
            continue;
          }
          if (isM(c)) {
            this.skipName(false);
            this.state = S_VALUE;
            return T_MNAME;
          }
          return T_INVALID;
        case S_COMMENT: {
          let tok = T_INVALID;
          if (c === 0x48) tok = this.word('ELP ') ? T_HELP : T_INVALID;
          else if (c === 0x54) tok = this.word('YPE ') ? T_TYPE : T_INVALID;
          else if (c === 0x55) tok = this.word('NIT ') ? T_UNIT : T_INVALID;
          else if (c === 0x45) {
            if (!this.word('OF')) return T_INVALID;
            if (this.adv() === NL) this.adv();
            this.state = S_INIT;
            return T_EOFWORD;
          }
          if (tok === T_INVALID) return T_INVALID;
          this.adv();
          this.state = S_META1;
          return tok;
        }
        case S_META1:
          if (isM(c)) {
            this.skipName(false);
            this.state = S_META2;
            return T_MNAME;
          }
          return T_INVALID;
        case S_META2:
          if (c !== SP) return T_INVALID;
          do c = this.adv();
          while (c !== NL && c !== 0);
          if (c !== NL) return T_INVALID;
          this.adv();
          this.state = S_INIT;
          return T_TEXT;
        case S_VALUE:
          if (c === 0x7b) {
            this.adv();
            this.state = S_LABELS;
            return T_BOPEN;
          }
          if (c === SP && this.field(this.adv())) {
            this.state = S_TIMESTAMP;
            return T_VALUE;
          }
          return T_INVALID;
        case S_LABELS:
        case S_EXEMPLAR:
          if (isL(c)) {
            this.skipName(true);
            return T_LNAME;
          }
          if (c === 0x7d) {
            this.adv();
            this.state = this.state === S_LABELS ? S_VALUE : S_EVALUE;
            return T_BCLOSE;
          }
          if (c === 0x3d) {
            this.adv();
            this.state = this.state === S_LABELS ? S_LVALUE : S_EVALUE;
            return T_EQUAL;
          }
          if (c === 0x2c) {
            this.adv();
            return T_COMMA;
          }
          return T_INVALID;
        case S_LVALUE:
          if (c === 0x22 && this.quoted()) {
            this.state = S_LABELS;
            return T_LVALUE;
          }
          return T_INVALID;
        case S_TIMESTAMP:
          if (c === NL) {
            this.adv();
            this.state = S_INIT;
            return T_LINEBREAK;
          }
          if (c !== SP) return T_INVALID;
          c = this.adv();
          if (c === 0x23) {
            // " #" is a timestamp so far; " # {" starts an exemplar.
            c = this.adv();
            if (c === SP) {
              if (this.adv() !== 0x7b) return T_INVALID;
              this.adv();
              this.state = S_EXEMPLAR;
              return T_COMMENT;
            }
            if (c !== 0 && c !== NL) this.field(c);
            return T_TIMESTAMP;
          }
          return this.field(c) ? T_TIMESTAMP : T_INVALID;
        case S_EVALUE:
          if (c === 0x22) {
            if (!this.quoted()) return T_INVALID;
            this.state = S_EXEMPLAR;
            return T_LVALUE;
          }
          if (c === SP && this.field(this.adv())) {
            this.state = S_ETIMESTAMP;
            return T_VALUE;
          }
          return T_INVALID;
        case S_ETIMESTAMP:
          if (c === NL) {
            this.adv();
            this.state = S_INIT;
            return T_LINEBREAK;
          }
          if (c === SP && this.field(this.adv())) return T_TIMESTAMP;
          return T_INVALID;
        default:
          return T_INVALID;
      }
    }
  }

  // ---- parser ------------------------------------------------------------------------

  private fail(msg: string): never {
    throw new TextParseError(msg, lineAt(this.bytes, this.pstart), this.pstart);
  }

  private parseError(exp: string, got: number): never {
    this.fail(`${exp}, got ${qtok(got)}`);
  }

  next(): Entry {
    this.pstart = this.i;
    this.nOffs = 0;
    this.nEOffs = 0;
    this.hasExemplar = false;
    this.exemplarVal = 0;
    this.hasExemplarTs = false;
    const t = this.lex();
    switch (t) {
      case T_EOFWORD:
        if (this.lex() !== T_EOF) this.fail('unexpected data after # EOF');
        return Entry.EOF;
      case T_EOF:
        this.fail('data does not end with # EOF');
      // falls through (unreachable: fail throws)
      case T_HELP:
      case T_TYPE:
      case T_UNIT:
        return this.parseMeta(t);
      case T_MNAME:
        return this.parseSeries();
      default: {
        const ch = goQuoteBytes(Buffer.from(String.fromCharCode(this.cur()), 'utf8'));
        this.fail(`${qtok(t)} ${ch} is not a valid start token`);
      }
    }
  }

  private parseMeta(t: number): Entry {
    const t2 = this.lex();
    if (t2 !== T_MNAME) this.parseError('expected metric name after ' + tokenName(t), t2);
    this.metaStart = this.start;
    this.metaEnd = this.i;
    if (this.lex() !== T_TEXT) this.fail(`expected text in ${tokenName(t)}`);
    // The text token is " text\n": drop the leading space and the newline.
    if (this.i - this.start > 1) {
      this.textStart = this.start + 1;
      this.textEnd = this.i - 1;
    } else {
      this.textStart = this.textEnd = this.i;
    }
    if (t === T_TYPE) {
      const s = latin1(this.bytes, this.textStart, this.textEnd);
      if (!OM_TYPES.has(s)) this.fail(`invalid metric type ${goQuote(s)}`);
      this.mtype = s as MetricType;
      return Entry.Type;
    }
    if (t === T_HELP) {
      if (!isUtf8(this.bytes.subarray(this.textStart, this.textEnd))) this.fail('help text is not a valid utf8 string');
      return Entry.Help;
    }
    const m = latin1(this.bytes, this.metaStart, this.metaEnd);
    const u = latin1(this.bytes, this.textStart, this.textEnd);
    if (u.length > 0 && (!m.endsWith(u) || m.length < u.length + 1 || this.bytes[this.metaEnd - u.length - 1] !== 0x5f)) {
      this.fail(`unit not a suffix of metric ${goQuote(m)}`);
    }
    return Entry.Unit;
  }

  private parseSeries(): Entry {
    this.pushOff(this.i);
    this.seriesStart = this.pstart;
    this.seriesEnd = this.i;
    let t2 = this.lex();
    if (t2 === T_BOPEN) {
      this.parseLVals(false);
      this.seriesEnd = this.i;
      t2 = this.lex();
    }
    this.value = this.floatValue(t2, 'metric');
    this.hasTimestamp = false;
    const t3 = this.lex();
    switch (t3) {
      case T_EOF:
        this.fail('data does not end with # EOF');
      // falls through (unreachable)
      case T_LINEBREAK:
        break;
      case T_COMMENT:
        this.parseComment();
        break;
      case T_TIMESTAMP: {
        this.hasTimestamp = true;
        const ts = this.parseFloat(this.start + 1, this.i);
        if (!Number.isFinite(ts)) this.fail('invalid timestamp');
        // Seconds to milliseconds, truncated like Go's int64(ts * 1000).
        this.timestamp = Math.trunc(ts * 1000);
        const t4 = this.lex();
        if (t4 === T_COMMENT) this.parseComment();
        else if (t4 !== T_LINEBREAK) this.parseError('expected next entry after timestamp', t4);
        break;
      }
      default:
        this.parseError('expected timestamp or # symbol', t3);
    }
    return Entry.Series;
  }

  private parseComment(): void {
    // Only counters (_total) and histogram buckets (_bucket) may carry exemplars.
    const b = this.bytes;
    const nameEnd = this.offs[0]!;
    if (!endsWith(b, this.pstart, nameEnd, '_total') && !endsWith(b, this.pstart, nameEnd, '_bucket')) {
      this.fail(`metric name ${this.str(this.pstart, nameEnd)} does not support exemplars`);
    }
    this.parseLVals(true);
    this.hasExemplar = true;
    this.exemplarVal = this.floatValue(this.lex(), 'exemplar labels');
    this.hasExemplarTs = false;
    const t2 = this.lex();
    switch (t2) {
      case T_EOF:
        this.fail('data does not end with # EOF');
      // falls through (unreachable)
      case T_LINEBREAK:
        return;
      case T_TIMESTAMP: {
        this.hasExemplarTs = true;
        const ts = this.parseFloat(this.start + 1, this.i);
        if (!Number.isFinite(ts)) this.fail('invalid exemplar timestamp');
        this.exemplarTs = Math.trunc(ts * 1000);
        const t3 = this.lex();
        if (t3 !== T_LINEBREAK) this.parseError('expected next entry after exemplar timestamp', t3);
        return;
      }
      default:
        this.parseError('expected timestamp or comment', t2);
    }
  }

  private parseLVals(exemplar: boolean): void {
    let first = true;
    for (;;) {
      let t = this.lex();
      switch (t) {
        case T_BCLOSE:
          return;
        case T_COMMA:
          if (first) this.parseError('expected label name or left brace', t);
          t = this.lex();
          if (t !== T_LNAME) this.parseError('expected label name', t);
          break;
        case T_LNAME:
          if (!first) this.parseError('expected comma', t);
          break;
        default:
          if (first) this.parseError('expected label name or left brace', t);
          this.parseError('expected comma or left brace', t);
      }
      first = false;
      this.push(exemplar, this.start);
      this.push(exemplar, this.i);
      t = this.lex();
      if (t !== T_EQUAL) this.parseError('expected equal', t);
      t = this.lex();
      if (t !== T_LVALUE) this.parseError('expected label value', t);
      if (!validUtf8(this.bytes, this.start, this.i)) this.fail('invalid UTF-8 label value');
      this.push(exemplar, this.start + 1);
      this.push(exemplar, this.i - 1);
    }
  }

  private floatValue(t: number, after: string): number {
    if (t !== T_VALUE) this.parseError(`expected value after ${after}`, t);
    return this.parseFloat(this.start + 1, this.i);
  }

  private parseFloat(s: number, e: number): number {
    try {
      return parseGoFloat(this.bytes, s, e);
    } catch (err) {
      if (err instanceof NumberSyntaxError) this.fail(err.message);
      throw err;
    }
  }

  private push(exemplar: boolean, v: number): void {
    if (exemplar) {
      if (this.nEOffs === this.eOffs.length) this.eOffs = grow(this.eOffs);
      this.eOffs[this.nEOffs++] = v;
    } else {
      this.pushOff(v);
    }
  }

  // ---- accessors ---------------------------------------------------------------------

  private str(s: number, e: number): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + s, e - s).toString('utf8');
  }

  exemplar(): Exemplar | null {
    if (!this.hasExemplar) return null;
    const kv: string[] = [];
    // Prometheus 2.42 keeps exemplar label values exactly as written (no unescaping).
    for (let k = 0; k < this.nEOffs; k += 4) {
      kv.push(latin1(this.bytes, this.eOffs[k]!, this.eOffs[k + 1]!), this.str(this.eOffs[k + 2]!, this.eOffs[k + 3]!));
    }
    return { labels: Labels.fromFlat(kv), value: this.exemplarVal, ts: this.hasExemplarTs ? this.exemplarTs : 0, hasTs: this.hasExemplarTs };
  }

  help(): string {
    return unescapeLabelValue(this.bytes, this.textStart, this.textEnd);
  }

  unit(): string {
    return latin1(this.bytes, this.textStart, this.textEnd);
  }

  comment(): string {
    return '';
  }
}

function endsWith(b: Uint8Array, start: number, end: number, suffix: string): boolean {
  if (end - start < suffix.length) return false;
  for (let k = 0; k < suffix.length; k++) if (b[end - suffix.length + k] !== suffix.charCodeAt(k)) return false;
  return true;
}
