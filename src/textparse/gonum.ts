// Number parsing with Go's strconv rules, because exposition values must be accepted and
// rejected exactly as Prometheus does (and its error texts are strconv's).

/** Thrown by parseGoFloat / parseGoInt; the message is strconv's. */
export class NumberSyntaxError extends Error {}

// 10^0 .. 10^22 are exact doubles; dividing an exact integer < 2^53 by one of them is
// correctly rounded (Clinger's fast path), so simple decimals never build a string.
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const DECIMAL_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Prometheus's textparse parseFloat: strconv.ParseFloat(s, 64) but refusing the post-Go-1.13
 * forms (hex floats, underscores) with "unsupported character in float".
 */
export function parseGoFloat(b: Uint8Array, start: number, end: number): number {
  // Fast path: [-+]?digits[.digits][e[-+]digits] with at most 15 significant digits and a
  // power of ten within 10^±22: one exact multiply or divide, correctly rounded.
  let i = start;
  let neg = false;
  if (i < end && (b[i] === 0x2d || b[i] === 0x2b)) {
    neg = b[i] === 0x2d;
    i++;
  }
  let mant = 0;
  let sig = 0;
  let nd = 0;
  let frac = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      nd++;
      if (sig > 0 || c !== 0x30) sig++;
      mant = mant * 10 + (c - 0x30);
      if (seenDot) frac++;
    } else if (c === 0x2e && !seenDot) seenDot = true;
    else break;
  }
  let exp = 0;
  let ok = nd > 0 && sig <= 15;
  if (ok && i < end) {
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      let eneg = false;
      if (i < end && (b[i] === 0x2d || b[i] === 0x2b)) {
        eneg = b[i] === 0x2d;
        i++;
      }
      const es = i;
      for (; i < end && b[i]! >= 0x30 && b[i]! <= 0x39 && i - es < 4; i++) exp = exp * 10 + (b[i]! - 0x30);
      if (i === es || i !== end) ok = false;
      if (eneg) exp = -exp;
    } else ok = false;
  }
  if (ok) {
    const e10 = exp - frac;
    if (e10 >= -22 && e10 <= 22) {
      const v = e10 === 0 ? mant : e10 > 0 ? mant * POW10[e10]! : mant / POW10[-e10]!;
      return neg ? -v : v;
    }
  }
  return parseGoFloatString(latin1(b, start, end));
}

export function parseGoFloatString(s: string): number {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x70 || c === 0x50 || c === 0x5f) throw new NumberSyntaxError('unsupported character in float');
  }
  const c0 = s.charCodeAt(0) | 0x20;
  if (c0 === 0x69 /* i */ || c0 === 0x6e /* n */ || ((c0 === 0x2b || c0 === 0x2d) && ((s.charCodeAt(1) | 0x20) === 0x69))) {
    const sp = special(s);
    if (sp !== undefined) return sp;
  }
  if (!DECIMAL_RE.test(s)) throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  const v = Number(s);
  if (v === Infinity || v === -Infinity) throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
  return v;
}

/** Go's special(): [+-]inf, [+-]infinity, nan — case-insensitive, the whole string. */
function special(s: string): number | undefined {
  const l = s.toLowerCase();
  switch (l) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  return undefined;
}

const MAX_INT64 = 9223372036854775807n;

/** strconv.ParseInt(s, 10, 64) over bytes known to be ASCII digits (the lexer guarantees it). */
export function parseGoInt(b: Uint8Array, start: number, end: number): number {
  if (end - start < 16) {
    let v = 0;
    for (let i = start; i < end; i++) v = v * 10 + (b[i]! - 0x30);
    return v;
  }
  const s = latin1(b, start, end);
  if (BigInt(s) > MAX_INT64) throw new NumberSyntaxError(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  return Number(s);
}

export function latin1(b: Uint8Array, start: number, end: number): string {
  // Parsers hand in Buffers: decode without making a view object first.
  if (Buffer.isBuffer(b)) return b.toString('latin1', start, end);
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

/**
 * Go's %q of a byte string (strconv.Quote): valid UTF-8 printable runes kept, the usual
 * escapes, invalid bytes as \xNN. Used only to build error messages.
 */
export function goQuoteBytes(b: Uint8Array, start = 0, end = b.length): string {
  let out = '"';
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c < 0x80) {
      out += escapeAscii(c);
      i++;
      continue;
    }
    const [cp, n] = decodeRune(b, i, end);
    if (n === 0) {
      out += '\\x' + c.toString(16).padStart(2, '0');
      i++;
      continue;
    }
    if (cp >= 0x80 && cp < 0xa0) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += String.fromCodePoint(cp);
    i += n;
  }
  return out + '"';
}

/** %q of a JS string whose chars are bytes (latin1) or code points. */
export function goQuote(s: string): string {
  return goQuoteBytes(Buffer.from(s, 'latin1'));
}

function escapeAscii(c: number): string {
  switch (c) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
    case 0x5c: return '\\\\';
    case 0x22: return '\\"';
  }
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0');
  return String.fromCharCode(c);
}

/** Decodes one UTF-8 rune; n = 0 when the bytes at i are not valid UTF-8. */
function decodeRune(b: Uint8Array, i: number, end: number): [number, number] {
  const c = b[i]!;
  const cont = (k: number): number => (i + k < end && (b[i + k]! & 0xc0) === 0x80 ? b[i + k]! & 0x3f : -1);
  if (c >= 0xc2 && c <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [0, 0] : [((c & 0x1f) << 6) | c1, 2];
  }
  if (c >= 0xe0 && c <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return [0, 0];
    const cp = ((c & 0x0f) << 12) | (c1 << 6) | c2;
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return [0, 0];
    return [cp, 3];
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return [0, 0];
    const cp = ((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (cp < 0x10000 || cp > 0x10ffff) return [0, 0];
    return [cp, 4];
  }
  return [0, 0];
}
