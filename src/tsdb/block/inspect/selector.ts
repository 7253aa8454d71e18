// A series selector parser for `tsdb dump --match` (`metric{l="v", l2=~'re'}`), enough for
// the flag until the PromQL area offers one; then this should delegate to it.
import { Matcher, PromtsError, type MatchType } from '../../../model/index.js';

export class SelectorParseError extends PromtsError {
  constructor(
    readonly input: string,
    readonly offset: number,
    what: string,
  ) {
    super('selector_parse', `1:${offset + 1}: parse error: ${what}`, 'write a series selector like {__name__="up", job=~"api.*"}');
  }
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;

export function parseSeriesSelector(input: string): Matcher[] {
  let p = 0;
  const ws = (): void => {
    while (p < input.length && /\s/.test(input[p]!)) p++;
  };
  const ident = (allowColon: boolean): string => {
    const start = p;
    if (p < input.length && NAME_START.test(input[p]!) && (allowColon || input[p] !== ':')) p++;
    else throw new SelectorParseError(input, p, p < input.length ? `unexpected character ${JSON.stringify(input[p])}` : 'unexpected end of input');
    while (p < input.length && NAME_CHAR.test(input[p]!) && (allowColon || input[p] !== ':')) p++;
    return input.slice(start, p);
  };
  const matchers: Matcher[] = [];
  ws();
  if (p < input.length && input[p] !== '{') {
    matchers.push(new Matcher('=', '__name__', ident(true)));
    ws();
  }
  if (p < input.length && input[p] === '{') {
    p++;
    ws();
    while (p < input.length && input[p] !== '}') {
      const name = ident(false);
      ws();
      const op2 = input.slice(p, p + 2);
      let op: MatchType;
      if (op2 === '!=' || op2 === '=~' || op2 === '!~') {
        op = op2;
        p += 2;
      } else if (input[p] === '=') {
        op = '=';
        p++;
      } else {
        throw new SelectorParseError(input, p, `expected a label matching operator after ${JSON.stringify(name)}`);
      }
      ws();
      const at = p;
      const value = str();
      try {
        matchers.push(new Matcher(op, name, value));
      } catch (e) {
        throw new SelectorParseError(input, at, `invalid regular expression: ${(e as Error).message}`);
      }
      ws();
      if (input[p] === ',') {
        p++;
        ws();
      } else if (input[p] !== '}') {
        throw new SelectorParseError(input, p, p < input.length ? `unexpected ${JSON.stringify(input[p])} in label matching, expected "," or "}"` : 'unexpected end of input inside braces');
      }
    }
    if (input[p] !== '}') throw new SelectorParseError(input, p, 'unexpected end of input inside braces');
    p++;
    ws();
  }
  if (p < input.length) throw new SelectorParseError(input, p, `unexpected ${JSON.stringify(input[p])} after the selector`);
  if (matchers.length === 0) throw new SelectorParseError(input, 0, 'empty selector');
  return matchers;

  function str(): string {
    const q = input[p];
    if (q !== '"' && q !== "'" && q !== '`') throw new SelectorParseError(input, p, 'expected a quoted string');
    const start = p;
    p++;
    let out = '';
    while (p < input.length && input[p] !== q) {
      const c = input[p]!;
      if (c === '\\' && q !== '`') {
        p++;
        out += escape(start);
      } else {
        if (c === '\n' && q !== '`') throw new SelectorParseError(input, p, 'unterminated quoted string');
        out += c;
        p++;
      }
    }
    if (p >= input.length) throw new SelectorParseError(input, start, 'unterminated quoted string');
    p++;
    return out;
  }

  function escape(start: number): string {
    const c = input[p++];
    switch (c) {
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'v': return '\v';
      case '\\': return '\\';
      case '"': return '"';
      case "'": return "'";
      case 'x': return hex(2);
      case 'u': return hex(4);
      case 'U': return hex(8);
      default:
        if (c !== undefined && c >= '0' && c <= '7') {
          const o = input.slice(p - 1, p + 2);
          if (!/^[0-7]{3}$/.test(o)) break;
          p += 2;
          return String.fromCharCode(parseInt(o, 8));
        }
    }
    throw new SelectorParseError(input, start, `unknown escape sequence ${JSON.stringify('\\' + (c ?? ''))}`);
  }

  function hex(n: number): string {
    const h = input.slice(p, p + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw new SelectorParseError(input, p, 'invalid hex escape');
    p += n;
    return String.fromCodePoint(parseInt(h, 16));
  }
}
