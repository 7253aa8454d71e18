// The PromQL lexer: a hand-written state machine that follows Prometheus 2.42's lex.go token
// for token, because error texts and positions (byte offsets) are part of the contract.
import { quoteLabelValue } from '../../model/index.js';

export type TokType =
  | 'EOF' | 'ERROR' | 'COMMENT' | 'IDENTIFIER' | 'METRIC_IDENTIFIER' | 'NUMBER' | 'STRING' | 'DURATION'
  | '(' | ')' | '{' | '}' | '[' | ']' | ',' | '=' | ':' | '@'
  | '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '<=' | '<' | '>=' | '>' | '=~' | '!~'
  | 'and' | 'or' | 'unless' | 'atan2'
  | 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'count_values' | 'quantile'
  | 'offset' | 'by' | 'without' | 'on' | 'ignoring' | 'group_left' | 'group_right' | 'bool'
  | 'start' | 'end';

export interface Token {
  type: TokType;
  /** Byte offset of the token's first byte. */
  pos: number;
  /** Byte offset just past the token. */
  end: number;
  val: string;
}

export const AGGREGATORS = new Set<TokType>(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile']);
export const KEYWORDS = new Set<TokType>(['offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);
export const OPERATORS = new Set<TokType>(['+', '-', '*', '/', '%', '^', '==', '!=', '<=', '<', '>=', '>', '=~', '!~', 'and', 'or', 'unless', 'atan2', '@']);
const KEY: Record<string, TokType> = {
  and: 'and', or: 'or', unless: 'unless', atan2: 'atan2',
  sum: 'sum', avg: 'avg', count: 'count', min: 'min', max: 'max', group: 'group', stddev: 'stddev', stdvar: 'stdvar',
  topk: 'topk', bottomk: 'bottomk', count_values: 'count_values', quantile: 'quantile',
  offset: 'offset', by: 'by', without: 'without', on: 'on', ignoring: 'ignoring', group_left: 'group_left',
  group_right: 'group_right', bool: 'bool', start: 'start', end: 'end',
  inf: 'NUMBER', nan: 'NUMBER',
};
const TYPE_DESC: Partial<Record<TokType, string>> = {
  IDENTIFIER: 'identifier', METRIC_IDENTIFIER: 'metric identifier', NUMBER: 'number', STRING: 'string', DURATION: 'duration',
};

/** Go's `%.10q...` for long values, `%q` otherwise. */
function shortQuote(v: string): string {
  const runes = [...v];
  return runes.length > 10 ? quoteLabelValue(runes.slice(0, 10).join('')) + '...' : quoteLabelValue(v);
}

/** How Prometheus names a token in "unexpected ..." messages (Item.desc()). */
export function describe(t: Token): string {
  if (t.type === 'EOF') return 'end of input';
  if (t.type === 'ERROR') return t.val;
  const td = TYPE_DESC[t.type];
  if (td !== undefined) return `${td} ${t.type === 'IDENTIFIER' || t.type === 'METRIC_IDENTIFIER' ? quoteLabelValue(t.val) : shortQuote(t.val)}`;
  if (KEYWORDS.has(t.type)) return `<${t.val}>`;
  if (OPERATORS.has(t.type)) return `<op:${t.val}>`;
  if (AGGREGATORS.has(t.type)) return `<aggr:${t.val}>`;
  return shortQuote(t.val);
}

/** Go's %q for a rune: 'x', '\n', '\x00', '\u00a0'. */
export function quoteRune(c: string): string {
  switch (c) {
    case "'": return "'\\''";
    case '\\': return "'\\\\'";
    case '\n': return "'\\n'";
    case '\r': return "'\\r'";
    case '\t': return "'\\t'";
    case '\x07': return "'\\a'";
    case '\b': return "'\\b'";
    case '\f': return "'\\f'";
    case '\v': return "'\\v'";
  }
  const cp = c.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  if (cp === 0xfffd) return "'�'";
  if (cp >= 0x80 && cp < 0xa0) return `'\\u${cp.toString(16).padStart(4, '0')}'`;
  return `'${c}'`;
}

/** Go's %#U: `U+0063 'c'`. */
function unicodeDesc(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string): boolean => isAlpha(c) || isDigit(c);

const EOF_CH = '';

type State = 'statements' | 'braces' | 'done';

/**
 * Scans one token at a time on demand, like Prometheus's lexer, so a syntax error early in the
 * query is reported before a lexical error later in it. Positions are byte offsets.
 */
export class Lexer {
  private pos = 0; // char index
  private start = 0; // char index
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private state: State = 'statements';
  private readonly byteOff: Int32Array | undefined;

  constructor(readonly input: string, readonly seriesDesc = false) {
    // Byte offsets differ from char indexes only for non-ASCII input; map them once.
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(input)) {
      const off = new Int32Array(input.length + 1);
      let b = 0;
      for (let i = 0; i < input.length; i++) {
        off[i] = b;
        const c = input.charCodeAt(i);
        if (c < 0x80) b += 1;
        else if (c < 0x800) b += 2;
        else if (c >= 0xd800 && c <= 0xdbff) { b += 4; off[++i] = b - 2; }
        else b += 3;
      }
      off[input.length] = b;
      this.byteOff = off;
    }
  }

  bytePos(i: number): number {
    return this.byteOff ? this.byteOff[i]! : i;
  }

  get inputBytes(): number {
    return this.bytePos(this.input.length);
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.pos = this.input.length + 1; // so backup() lands on the end again
      return EOF_CH;
    }
    const c = this.input[this.pos]!;
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff && this.pos + 1 < this.input.length) {
      const pair = this.input.slice(this.pos, this.pos + 2);
      this.pos += 2;
      this.lastWidth = 2;
      return pair;
    }
    this.pos++;
    this.lastWidth = 1;
    return c;
  }
  private lastWidth = 1;
  private backup(): void {
    this.pos -= this.lastWidth;
  }
  private peek(): string {
    const c = this.next();
    this.backup();
    return c;
  }
  private accept(valid: string): boolean {
    const c = this.next();
    if (c !== EOF_CH && valid.includes(c)) return true;
    this.backup();
    return false;
  }
  private acceptRun(valid: string): void {
    for (;;) {
      const c = this.next();
      if (c === EOF_CH || !valid.includes(c)) break;
    }
    this.backup();
  }
  private emit(type: TokType): Token {
    const t: Token = { type, pos: this.bytePos(this.start), end: this.bytePos(Math.min(this.pos, this.input.length)), val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
    return t;
  }
  private error(msg: string): Token {
    this.state = 'done';
    return { type: 'ERROR', pos: this.bytePos(Math.min(this.start, this.input.length)), end: this.inputBytes, val: msg };
  }

  /** The next token; after an ERROR or EOF, EOF forever. */
  nextToken(): Token {
    for (;;) {
      if (this.state === 'done') {
        this.start = this.pos = this.input.length;
        return this.emit('EOF');
      }
      const t = this.state === 'braces' ? this.lexInsideBraces() : this.lexStatements();
      if (t) return t;
    }
  }

  private lexStatements(): Token | null {
    if (this.braceOpen) {
      this.state = 'braces';
      return null;
    }
    if (this.input.startsWith('#', this.pos)) return this.lexComment();
    const r = this.next();
    if (r === EOF_CH) {
      this.pos = this.input.length;
      if (this.parenDepth !== 0) return this.error('unclosed left parenthesis');
      if (this.bracketOpen) return this.error('unclosed left bracket');
      this.state = 'done';
      return this.emit('EOF');
    }
    switch (r) {
      case ',': return this.emit(',');
      case '*': return this.emit('*');
      case '/': return this.emit('/');
      case '%': return this.emit('%');
      case '+': return this.emit('+');
      case '-': return this.emit('-');
      case '^': return this.emit('^');
      case '@': return this.emit('@');
      case '=': {
        const t = this.peek();
        if (t === '=') {
          this.next();
          return this.emit('==');
        }
        if (t === '~') return this.error(`unexpected character after '=': ${quoteRune(t)}`);
        return this.emit('=');
      }
      case '!': {
        const t = this.next();
        if (t !== '=') return this.error(`unexpected character after '!': ${t === EOF_CH ? "'\\x00'" : quoteRune(t)}`);
        return this.emit('!=');
      }
      case '<':
        if (this.peek() === '=') {
          this.next();
          return this.emit('<=');
        }
        return this.emit('<');
      case '>':
        if (this.peek() === '=') {
          this.next();
          return this.emit('>=');
        }
        return this.emit('>');
      case '"':
      case "'":
        return this.lexString(r);
      case '`':
        return this.lexRawString();
      case '(':
        this.parenDepth++;
        return this.emit('(');
      case ')': {
        const t = this.emit(')');
        this.parenDepth--;
        // Go's lexer overwrites the ')' item with the error, so the parser sees the error.
        if (this.parenDepth < 0) return this.error(`unexpected right parenthesis ${quoteRune(r)}`);
        return t;
      }
      case '{':
        this.braceOpen = true;
        this.state = 'braces';
        return this.emit('{');
      case '[': {
        if (this.bracketOpen) return this.error(`unexpected left bracket ${quoteRune(r)}`);
        this.gotColon = false;
        const t = this.emit('[');
        while (isSpace(this.peek())) this.next();
        this.start = this.pos;
        this.bracketOpen = true;
        // 2.42 lexes the range right after '[' (lexDuration); its error, if any, reaches the
        // parser as the token after '['.
        const err = this.lexDuration();
        if (err) this.pending = err;
        return t;
      }
      case ']':
        if (!this.bracketOpen) return this.error(`unexpected right bracket ${quoteRune(r)}`);
        this.bracketOpen = false;
        return this.emit(']');
    }
    if (isSpace(r)) {
      while (isSpace(this.peek())) this.next();
      this.start = this.pos;
      return null;
    }
    if (isDigit(r) || (r === '.' && isDigit(this.peek()))) {
      this.backup();
      return this.lexNumberOrDuration();
    }
    if (isAlpha(r) || r === ':') {
      if (!this.bracketOpen) {
        this.backup();
        return this.lexKeywordOrIdentifier();
      }
      if (this.gotColon) return this.error(`unexpected colon ${quoteRune(r)}`);
      this.gotColon = true;
      return this.emit(':');
    }
    return this.error(`unexpected character: ${quoteRune(r)}`);
  }

  // The duration right after '[' is lexed eagerly, as 2.42 does. Returns the '[' token's
  // successor state via pendingToken; see lexDuration.
  private pending: Token | null = null;

  private lexDuration(): Token | null {
    // Returns an ERROR token to replace '[' if the duration is malformed; otherwise queues the
    // DURATION token and lets '[' through.
    if (this.scanNumber()) return this.error('missing unit character in duration');
    if (!this.acceptRemainingDuration()) return this.error(`bad duration syntax: ${quoteLabelValue(this.input.slice(this.start, Math.min(this.pos, this.input.length)))}`);
    this.backup();
    this.pending = this.emit('DURATION');
    return null;
  }

  private lexComment(): Token {
    this.pos += 1;
    for (;;) {
      const c = this.next();
      if (c === EOF_CH || c === '\n' || c === '\r') break;
    }
    this.backup();
    return this.emit('COMMENT');
  }

  private lexInsideBraces(): Token | null {
    if (this.input.startsWith('#', this.pos)) return this.lexComment();
    const r = this.next();
    if (r === EOF_CH) {
      this.pos = this.input.length;
      return this.error('unexpected end of input inside braces');
    }
    if (isSpace(r)) {
      while (isSpace(this.peek())) this.next();
      this.start = this.pos;
      return null;
    }
    if (isAlpha(r)) {
      while (isAlnum(this.peek())) this.next();
      return this.emit('IDENTIFIER');
    }
    switch (r) {
      case ',': return this.emit(',');
      case '"':
      case "'":
        return this.lexString(r);
      case '`':
        return this.lexRawString();
      case '=':
        if (this.next() === '~') return this.emit('=~');
        this.backup();
        return this.emit('=');
      case '!': {
        const nr = this.next();
        if (nr === '~') return this.emit('!~');
        if (nr === '=') return this.emit('!=');
        return this.error(`unexpected character after '!' inside braces: ${nr === EOF_CH ? "'\\x00'" : quoteRune(nr)}`);
      }
      case '{':
        return this.error(`unexpected left brace ${quoteRune(r)}`);
      case '}':
        this.braceOpen = false;
        this.state = 'statements';
        return this.emit('}');
    }
    return this.error(`unexpected character inside braces: ${quoteRune(r)}`);
  }

  private lexString(quote: string): Token {
    for (;;) {
      const c = this.next();
      if (c === '\\') {
        const err = this.lexEscape(quote);
        if (err) return err;
        continue;
      }
      if (c === '\ufffd') return this.error('invalid UTF-8 rune');
      if (c === EOF_CH || c === '\n') return this.error('unterminated quoted string');
      if (c === quote) break;
    }
    return this.emit('STRING');
  }

  private lexEscape(quote: string): Token | null {
    let ch = this.next();
    let n: number;
    let base: number;
    let max: number;
    switch (ch) {
      case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\': case quote:
        return null;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        n = 3; base = 8; max = 255;
        break;
      case 'x':
        ch = this.next(); n = 2; base = 16; max = 255;
        break;
      case 'u':
        ch = this.next(); n = 4; base = 16; max = 0x10ffff;
        break;
      case 'U':
        ch = this.next(); n = 8; base = 16; max = 0x10ffff;
        break;
      case EOF_CH:
        return this.error('escape sequence not terminated');
      default:
        return this.error(`unknown escape sequence ${unicodeDesc(ch)}`);
    }
    let x = 0;
    while (n > 0) {
      const d = digitVal(ch);
      if (d >= base) {
        if (ch === EOF_CH) return this.error('escape sequence not terminated');
        return this.error(`illegal character ${unicodeDesc(ch)} in escape sequence`);
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) return this.error('escape sequence is an invalid Unicode code point');
    return null;
  }

  private lexRawString(): Token {
    for (;;) {
      const c = this.next();
      if (c === '\ufffd') return this.error('invalid UTF-8 rune');
      if (c === EOF_CH) return this.error('unterminated raw string');
      if (c === '`') break;
    }
    return this.emit('STRING');
  }

  private scanNumber(): boolean {
    let digits = '0123456789';
    if (!this.seriesDesc && this.accept('0') && this.accept('xX')) digits = '0123456789abcdefABCDEF';
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789');
    }
    const r = this.peek();
    return (this.seriesDesc && r === 'x') || !isAlnum(r);
  }

  private acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      while (this.accept('0123456789'));
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    return !isAlnum(this.next());
  }

  private lexNumberOrDuration(): Token {
    if (this.scanNumber()) return this.emit('NUMBER');
    if (this.acceptRemainingDuration()) {
      this.backup();
      return this.emit('DURATION');
    }
    return this.error(`bad number or duration syntax: ${quoteLabelValue(this.input.slice(this.start, Math.min(this.pos, this.input.length)))}`);
  }

  private lexKeywordOrIdentifier(): Token {
    for (;;) {
      const r = this.next();
      if (r !== EOF_CH && (isAlnum(r) || r === ':')) continue;
      this.backup();
      break;
    }
    const word = this.input.slice(this.start, this.pos);
    const kw = KEY[word.toLowerCase()];
    if (kw !== undefined) return this.emit(kw);
    return this.emit(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER');
  }

  /** Public entry used by the parser: handles the token queued behind '['. */
  take(): Token {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    return this.nextToken();
  }
}

function digitVal(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 87;
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 55;
  return 16;
}

/**
 * Unquotes a PromQL string literal (double, single or back quotes) the way Prometheus's
 * strutil.Unquote does; escapes are Go's. \x and octal escapes produce bytes, so the result
 * is assembled as UTF-8 bytes.
 */
export function unquoteString(s: string): string {
  const q = s[0];
  if (s.length < 2 || s[s.length - 1] !== q) throw new Error('invalid syntax');
  const body = s.slice(1, -1);
  if (q === '`') return body;
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  const pushStr = (str: string) => {
    for (const b of Buffer.from(str, 'utf8')) bytes.push(b);
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (ch.length === 2) i++;
      pushStr(ch);
      continue;
    }
    const e = body[++i]!;
    switch (e) {
      case 'a': bytes.push(7); break;
      case 'b': bytes.push(8); break;
      case 'f': bytes.push(12); break;
      case 'n': bytes.push(10); break;
      case 'r': bytes.push(13); break;
      case 't': bytes.push(9); break;
      case 'v': bytes.push(11); break;
      case '\\': bytes.push(92); break;
      case '"': bytes.push(34); break;
      case "'": bytes.push(39); break;
      case 'x': bytes.push(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': pushStr(String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16))); i += 4; break;
      case 'U': pushStr(String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16))); i += 8; break;
      default:
        if (e >= '0' && e <= '7') {
          bytes.push(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else throw new Error('invalid syntax');
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
