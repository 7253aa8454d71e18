// Prometheus text exposition format 0.0.4, parsed the way Prometheus 2.42's PromParser does:
// a hand-written copy of its golex state machine (same states, same longest-match and the
// same "no backtracking on a failed match" behaviour), so that every accepted input, every
// rejected input and every error message agrees with Prometheus.
import { isUtf8 } from 'node:buffer';
import { validUtf8 } from './utf8.js';
import type { Exemplar, MetricType } from '../storage/index.js';
import { TextParseError, lineAt } from './errors.js';
import { NumberSyntaxError, goQuote, latin1, parseGoFloat, parseGoInt } from './gonum.js';
import { Entry, type Parser } from './parser.js';
import { ByteParser, asBuffer } from './base.js';
import {
  S_COMMENT, S_INIT, S_LABELS, S_LVALUE, S_META1, S_META2, S_TIMESTAMP, S_VALUE,
  T_BCLOSE, T_BOPEN, T_COMMA, T_COMMENT, T_EOF, T_EQUAL, T_HELP, T_INVALID, T_LINEBREAK, T_LNAME, T_LVALUE,
  T_MNAME, T_TEXT, T_TIMESTAMP, T_TYPE, T_VALUE, T_WHITESPACE, isL, isM, qtok, tokenName,
} from './tokens.js';
import { unescapeHelpProm } from './escape.js';

const SP = 0x20;
const TAB = 0x09;
const NL = 0x0a;

export class PromParser extends ByteParser implements Parser {
  /**
   * Prometheus parses the body with a newline appended, so a last line without one parses.
   * A body that already ends in a newline behaves the same without it (the extra newline
   * would only be a blank line), so only unterminated bodies are copied.
   */
  constructor(body: Uint8Array) {
    super(body.length > 0 && body[body.length - 1] === NL ? asBuffer(body) : withNewline(body));
  }

  // ---- lexer -------------------------------------------------------------------------

  private cur(): number {
    return this.i < this.bytes.length ? this.bytes[this.i]! : 0;
  }

  private ws(): number {
    let c: number;
    do c = this.adv();
    while (c === SP || c === TAB);
    return T_WHITESPACE;
  }

  private abort(): number {
    // A comment that started like "# HELP"/"# TYPE" but is not one is still a comment.
    if (this.state === S_COMMENT) return this.consumeComment();
    return T_INVALID;
  }

  private consumeComment(): number {
    for (let c = this.cur(); ; c = this.adv()) {
      if (c === 0) return T_EOF;
      if (c === NL) {
        this.state = S_INIT;
        return T_COMMENT;
      }
    }
  }

  /** Matches the rest of a keyword followed by [ \t]+; false = the lexer must abort. */
  private keyword(rest: string): boolean {
    for (let k = 0; k < rest.length; k++) if (this.adv() !== rest.charCodeAt(k)) return false;
    let c = this.adv();
    if (c !== SP && c !== TAB) return false;
    do c = this.adv();
    while (c === SP || c === TAB);
    return true;
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
            if (c === SP || c === TAB) {
              do c = this.adv();
              while (c === SP || c === TAB);
              this.state = S_COMMENT;
              continue; // re-dispatch in the new state, token start unchanged
            }
            return this.consumeComment();
          }
          if (isM(c)) {
            this.skipName(false);
            this.state = S_VALUE;
            return T_MNAME;
          }
          if (c === NL) {
            this.adv();
            this.state = S_INIT;
            return T_LINEBREAK;
          }
          if (c === SP || c === TAB) return this.ws();
          if (c === 0) {
            this.adv();
            return T_EOF;
          }
          return this.abort();
        case S_COMMENT:
          if (c === 0x48 /* H */) {
            if (!this.keyword('ELP')) return this.abort();
            this.state = S_META1;
            return T_HELP;
          }
          if (c === 0x54 /* T */) {
            if (!this.keyword('YPE')) return this.abort();
            this.state = S_META1;
            return T_TYPE;
          }
          if (c === SP || c === TAB) return this.ws();
          return this.abort();
        case S_META1:
          if (isM(c)) {
            this.skipName(false);
            this.state = S_META2;
            return T_MNAME;
          }
          if (c === SP || c === TAB) return this.ws();
          return this.abort();
        case S_META2: {
          // {C}* (possibly empty) vs [ \t]+: pure blanks are whitespace, anything else text.
          let text = false;
          if (c === SP || c === TAB) {
            for (;;) {
              c = this.adv();
              if (c === SP || c === TAB) continue;
              if (c !== 0 && c !== NL) text = true;
              break;
            }
            if (!text) return T_WHITESPACE;
          } else if (c !== 0 && c !== NL) text = true;
          if (text) {
            do c = this.adv();
            while (c !== 0 && c !== NL);
          }
          this.state = S_INIT;
          return T_TEXT;
        }
        case S_LABELS:
          if (c === 0x2c) {
            this.adv();
            return T_COMMA;
          }
          if (c === 0x3d) {
            this.adv();
            this.state = S_LVALUE;
            return T_EQUAL;
          }
          if (c === SP || c === TAB) return this.ws();
          if (c === 0x7d) {
            this.adv();
            this.state = S_VALUE;
            return T_BCLOSE;
          }
          if (isL(c)) {
            this.skipName(true);
            return T_LNAME;
          }
          return this.abort();
        case S_LVALUE:
          if (c === 0x22) {
            // NUL bytes inside a label value are skipped, as adv() does in this state.
            const len = b.length;
            let i = this.i;
            for (;;) {
              i++;
              if (i >= len) {
                this.i = i;
                return this.abort();
              }
              c = b[i]!;
              if (c === 0x22) {
                this.i = i;
                this.adv();
                this.state = S_LABELS;
                return T_LVALUE;
              }
              if (c === 0x5c) {
                do i++;
                while (i < len && b[i] === 0);
                if (i >= len || b[i] === NL) {
                  this.i = i;
                  return this.abort();
                }
              }
            }
          }
          if (c === SP || c === TAB) return this.ws();
          return this.abort();
        case S_VALUE:
          if (c === SP || c === TAB) return this.ws();
          if (c === 0x7b) {
            this.adv();
            this.state = S_LABELS;
            return T_BOPEN;
          }
          if (c !== 0 && c !== NL) {
            let i = this.i;
            do i++;
            while (i < b.length && (c = b[i]!) !== 0 && c !== NL && c !== SP && c !== TAB && c !== 0x7b);
            this.i = i;
            this.state = S_TIMESTAMP;
            return T_VALUE;
          }
          return this.abort();
        case S_TIMESTAMP:
          if (c === NL) {
            this.adv();
            this.state = S_INIT;
            return T_LINEBREAK;
          }
          if (c === SP || c === TAB) return this.ws();
          if (c >= 0x30 && c <= 0x39) {
            do c = this.adv();
            while (c >= 0x30 && c <= 0x39);
            return T_TIMESTAMP;
          }
          return this.abort();
        default:
          return T_INVALID;
      }
    }
  }

  private nextToken(): number {
    for (;;) {
      const t = this.lex();
      if (t !== T_WHITESPACE) return t;
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
    for (;;) {
      this.pstart = this.i;
      this.nOffs = 0;
      const t = this.nextToken();
      switch (t) {
        case T_EOF:
          return Entry.EOF;
        case T_LINEBREAK:
          continue; // blank lines are allowed
        case T_HELP:
        case T_TYPE: {
          const t2 = this.nextToken();
          if (t2 !== T_MNAME) this.parseError('expected metric name after ' + tokenName(t), t2);
          this.metaStart = this.start;
          this.metaEnd = this.i;
          if (this.nextToken() !== T_TEXT) this.fail(`expected text in ${tokenName(t)}`);
          this.textStart = this.i - this.start > 1 ? this.start + 1 : this.i;
          this.textEnd = this.i;
          if (t === T_TYPE) {
            const s = latin1(this.bytes, this.textStart, this.textEnd);
            switch (s) {
              case 'counter':
              case 'gauge':
              case 'histogram':
              case 'summary':
                this.mtype = s;
                break;
              case 'untyped':
                this.mtype = 'unknown';
                break;
              default:
                this.fail(`invalid metric type ${goQuote(s)}`);
            }
          } else if (!isUtf8(this.bytes.subarray(this.textStart, this.textEnd))) {
            this.fail('help text is not a valid utf8 string');
          }
          const t3 = this.nextToken();
          if (t3 !== T_LINEBREAK) this.parseError('linebreak expected after metadata', t3);
          return t === T_HELP ? Entry.Help : Entry.Type;
        }
        case T_COMMENT: {
          this.textStart = this.start;
          this.textEnd = this.i;
          const t2 = this.nextToken();
          if (t2 !== T_LINEBREAK) this.parseError('linebreak expected after comment', t2);
          return Entry.Comment;
        }
        case T_MNAME: {
          this.pushOff(this.i);
          this.seriesStart = this.pstart;
          this.seriesEnd = this.i;
          let t2 = this.nextToken();
          if (t2 === T_BOPEN) {
            this.parseLVals();
            this.seriesEnd = this.i;
            t2 = this.nextToken();
          }
          if (t2 !== T_VALUE) this.parseError('expected value after metric', t2);
          this.value = this.parseValue(this.start, this.i);
          this.hasTimestamp = false;
          const t3 = this.nextToken();
          if (t3 === T_TIMESTAMP) {
            this.hasTimestamp = true;
            this.timestamp = this.parseTimestamp(this.start, this.i);
            const t4 = this.nextToken();
            if (t4 !== T_LINEBREAK) this.parseError('expected next entry after timestamp', t4);
          } else if (t3 !== T_LINEBREAK) {
            this.parseError('expected timestamp or new record', t3);
          }
          return Entry.Series;
        }
        default:
          this.fail(`${qtok(t)} is not a valid start token`);
      }
    }
  }

  private parseValue(s: number, e: number): number {
    try {
      return parseGoFloat(this.bytes, s, e);
    } catch (err) {
      if (err instanceof NumberSyntaxError) this.fail(err.message);
      throw err;
    }
  }

  private parseTimestamp(s: number, e: number): number {
    try {
      return parseGoInt(this.bytes, s, e);
    } catch (err) {
      if (err instanceof NumberSyntaxError) this.fail(err.message);
      throw err;
    }
  }

  private parseLVals(): void {
    let t = this.nextToken();
    for (;;) {
      if (t === T_BCLOSE) return;
      if (t !== T_LNAME) this.parseError('expected label name', t);
      this.pushOff(this.start);
      this.pushOff(this.i);
      t = this.nextToken();
      if (t !== T_EQUAL) this.parseError('expected equal', t);
      t = this.nextToken();
      if (t !== T_LVALUE) this.parseError('expected label value', t);
      if (!validUtf8(this.bytes, this.start, this.i)) this.fail('invalid UTF-8 label value');
      this.pushOff(this.start + 1);
      this.pushOff(this.i - 1);
      t = this.nextToken();
      if (t === T_COMMA) t = this.nextToken(); // a trailing comma is allowed
    }
  }

  // ---- accessors ---------------------------------------------------------------------

  exemplar(): Exemplar | null {
    return null;
  }

  help(): string {
    return unescapeHelpProm(this.bytes, this.textStart, this.textEnd);
  }

  unit(): string {
    return '';
  }

  comment(): string {
    return this.bytes.toString('utf8', this.textStart, this.textEnd);
  }
}

/** Prometheus parses the body with a newline appended; only an unterminated body is copied. */
function withNewline(body: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(body.length + 1);
  b.set(body, 0);
  b[body.length] = NL;
  return b;
}
