/**
 * A parser for `match[]` metric selectors (`up`, `up{job="x"}`, `{__name__=~"a.*"}`), with
 * PromQL's error wording and "line:col" positions for the mistakes people make, so answers
 * read like Prometheus's (`1:4: parse error: unexpected end of input inside braces`). It
 * exists so src/web does not depend on the full PromQL parser; the server may inject
 * PromQL's own parseMetricSelector instead (WebDeps.parseMetricSelector).
 */
import { Matcher, RegexError, type MatchType } from '../model/index.js';
import { goQuote } from './errors.js';

export class SelectorParseError extends Error {
  readonly code = 'bad_data';
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${line}:${column}: parse error: ${reason}`);
  }
}

const IDENT_START = /[a-zA-Z_]/;
const IDENT = /[a-zA-Z0-9_]/;
const METRIC_START = /[a-zA-Z_:]/;
const METRIC = /[a-zA-Z0-9_:]/;
const KEYWORD_OPS = new Set(['and', 'or', 'unless', 'atan2']);

export function parseMetricSelector(input: string): Matcher[] {
  return new SelectorParser(input).parse();
}

class SelectorParser {
  private i = 0;
  constructor(private readonly s: string) {}

  /** Byte-based line:column of a char offset, as PromQL reports positions. */
  private fail(at: number, reason: string): never {
    const before = this.s.slice(0, at);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = Buffer.byteLength(before.slice(nl + 1), 'utf8') + 1;
    throw new SelectorParseError(line, col, reason);
  }

  private skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  parse(): Matcher[] {
    const ms: Matcher[] = [];
    this.skipSpace();
    if (this.i >= this.s.length) this.fail(this.s.length, 'unexpected end of input');
    let name = '';
    const c = this.s[this.i]!;
    if (METRIC_START.test(c)) {
      const start = this.i;
      while (this.i < this.s.length && METRIC.test(this.s[this.i]!)) this.i++;
      name = this.s.slice(start, this.i);
      if (name === 'offset' || KEYWORD_OPS.has(name.toLowerCase())) this.unexpectedToken(start);
      if (/^(nan|inf)$/i.test(name)) this.fail(start, `unexpected number ${goQuote(name)}`);
      this.skipSpace();
    } else if (c !== '{') {
      this.unexpectedToken(this.i);
    }
    if (this.i < this.s.length && this.s[this.i] === '{') {
      this.i++;
      this.parseBraces(ms);
      this.skipSpace();
    }
    if (this.i < this.s.length) this.unexpectedToken(this.i);
    if (name !== '') ms.push(new Matcher('=', '__name__', name));
    return ms;
  }

  /** Describes the token at `at` the way PromQL's "unexpected ..." errors do. */
  private unexpectedToken(at: number): never {
    const rest = this.s.slice(at);
    const c = rest[0]!;
    let m: RegExpExecArray | null;
    if ((m = /^[a-zA-Z_][a-zA-Z0-9_:]*/.exec(rest))) {
      const w = m[0];
      if (w === 'offset') this.fail(at, 'unexpected <offset>');
      if (KEYWORD_OPS.has(w.toLowerCase())) this.fail(at, `unexpected <op:${w}>`);
      if (/^(nan|inf)$/i.test(w)) this.fail(at, `unexpected number ${goQuote(w)}`);
      this.fail(at, `unexpected identifier ${goQuote(w)}`);
    }
    if ((m = /^(?:0[xX][0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\.?)/.exec(rest)) && m[0] !== '') {
      this.fail(at, `unexpected number ${goQuote(m[0])}`);
    }
    if (c === '"' || c === "'" || c === '`') {
      const end = this.readString(at);
      this.fail(at, `unexpected string ${goQuote(this.s.slice(at, end))}`);
    }
    if ('([{,=)'.includes(c)) this.fail(at, `unexpected ${goQuote(c)}`);
    if ((m = /^(?:==|!=|>=|<=|=~|!~|[-+*/%^<>@])/.exec(rest))) this.fail(at, `unexpected <op:${m[0]}>`);
    this.fail(at, `unexpected character: '${c}'`);
  }

  private parseBraces(ms: Matcher[]): void {
    // State: expecting a label name or '}' (after '{' or ',').
    for (;;) {
      this.skipSpace();
      if (this.i >= this.s.length) this.fail(this.s.length, 'unexpected end of input inside braces');
      let c = this.s[this.i]!;
      if (c === '}') {
        this.i++;
        return;
      }
      const labelStart = this.i;
      if (!IDENT_START.test(c)) {
        if (c === ',' || c === '=' || c === '"' || c === "'" || c === '`') {
          this.fail(this.i, `unexpected ${this.braceToken(this.i)} in label matching, expected identifier or "}"`);
        }
        this.fail(this.i, `unexpected character inside braces: '${c}'`);
      }
      while (this.i < this.s.length && IDENT.test(this.s[this.i]!)) this.i++;
      const name = this.s.slice(labelStart, this.i);
      this.skipSpace();
      if (this.i >= this.s.length) this.fail(this.s.length, 'unexpected end of input inside braces');
      const op = this.readOp();
      if (!op) {
        this.checkLexable(this.i);
        this.fail(this.i, `unexpected ${this.braceToken(this.i)} in label matching, expected label matching operator`);
      }
      this.skipSpace();
      if (this.i >= this.s.length) this.fail(this.s.length, 'unexpected end of input inside braces');
      c = this.s[this.i]!;
      if (c !== '"' && c !== "'" && c !== '`') {
        this.checkLexable(this.i);
        this.fail(this.i, `unexpected ${this.braceToken(this.i)} in label matching, expected string`);
      }
      const strStart = this.i;
      const end = this.readString(strStart);
      const value = this.unquote(strStart, end);
      this.i = end;
      try {
        ms.push(new Matcher(op, name, value));
      } catch (e) {
        if (e instanceof RegexError) this.fail(labelStart, `error parsing regexp: ${e.reason}: \`^(?:${value})$\``);
        throw e;
      }
      this.skipSpace();
      if (this.i >= this.s.length) this.fail(this.s.length, 'unexpected end of input inside braces');
      c = this.s[this.i]!;
      if (c === '}') {
        this.i++;
        return;
      }
      if (c === ',') {
        this.i++;
        continue;
      }
      this.checkLexable(this.i);
      this.fail(this.i, `unexpected ${this.braceToken(this.i)} in label matching, expected "," or "}"`);
    }
  }

  /** Characters PromQL's lexer rejects inside braces fail before the grammar sees them. */
  private checkLexable(at: number): void {
    const c = this.s[at]!;
    if (/[a-zA-Z_"'`,=!{}~]/.test(c) || /\s/.test(c)) return;
    this.fail(at, `unexpected character inside braces: '${c}'`);
  }

  private braceToken(at: number): string {
    const rest = this.s.slice(at);
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(rest);
    if (m) return `identifier ${goQuote(m[0])}`;
    const c = rest[0]!;
    if (c === '"' || c === "'" || c === '`') return `string ${goQuote(this.s.slice(at, this.readString(at)))}`;
    if (rest.startsWith('=~') || rest.startsWith('!~') || rest.startsWith('!=')) return goQuote(rest.slice(0, 2));
    return goQuote(c);
  }

  private readOp(): MatchType | undefined {
    const two = this.s.slice(this.i, this.i + 2);
    if (two === '=~' || two === '!=' || two === '!~') {
      this.i += 2;
      return two;
    }
    if (this.s[this.i] === '=') {
      this.i++;
      return '=';
    }
    return undefined;
  }

  /** Returns the offset just past the closing quote; fails on an unterminated string. */
  private readString(start: number): number {
    const q = this.s[start]!;
    let i = start + 1;
    while (i < this.s.length) {
      const c = this.s[i]!;
      if (c === '\\' && q !== '`') {
        i += 2;
        continue;
      }
      if (c === q) return i + 1;
      if (c === '\n' && q !== '`') break;
      i++;
    }
    this.fail(start, 'unterminated quoted string');
  }

  /** Go's string unquoting for the three PromQL quote styles. */
  private unquote(start: number, end: number): string {
    const q = this.s[start]!;
    const body = this.s.slice(start + 1, end - 1);
    if (q === '`') return body;
    let out = '';
    const bytes: number[] = [];
    const flush = () => {
      if (bytes.length) {
        out += Buffer.from(bytes).toString('utf8');
        bytes.length = 0;
      }
    };
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c !== '\\') {
        flush();
        out += c;
        continue;
      }
      const e = body[++i]!;
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
      if (e in simple) {
        flush();
        out += simple[e];
      } else if (e === q) {
        flush();
        out += e;
      } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
        bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
        i += 2;
      } else if (/[0-7]/.test(e) && /^[0-7]{3}$/.test(body.slice(i, i + 3)) && parseInt(body.slice(i, i + 3), 8) < 256) {
        bytes.push(parseInt(body.slice(i, i + 3), 8));
        i += 2;
      } else if ((e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) || (e === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 1, i + 9)))) {
        const n = e === 'u' ? 4 : 8;
        const cp = parseInt(body.slice(i + 1, i + 1 + n), 16);
        flush();
        out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
        i += n;
      } else {
        const cp = e.codePointAt(0)!;
        this.fail(start, `unknown escape sequence U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${e}'`);
      }
    }
    flush();
    return out;
  }
}
