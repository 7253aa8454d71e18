/**
 * Request parameters the way Go's net/http and Prometheus's API read them: form values from
 * an x-www-form-urlencoded body first, then the URL query; times as unix seconds (float) or
 * RFC 3339; durations as float seconds or Prometheus durations.
 */
import { isUtf8 } from 'node:buffer';
import { parseDuration as parseModelDuration } from '../model/index.js';
import { goQuote } from './errors.js';

/** Parsed form values: body values first, then URL query values (Go's r.Form order). */
export class Form {
  constructor(
    private readonly values: Map<string, string[]>,
    /** The first error Go's ParseForm would report ("invalid URL escape ..."), if any. */
    readonly error: string | undefined,
  ) {}

  /** Go's FormValue: the first value, or '' when absent. */
  get(name: string): string {
    const v = this.values.get(name);
    return v && v.length > 0 ? v[0]! : '';
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  entries(): IterableIterator<[string, string[]]> {
    return this.values.entries();
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  static parse(query: string, body?: string): Form {
    const values = new Map<string, string[]>();
    let error: string | undefined;
    const add = (s: string) => {
      const e = parseQueryInto(s, values);
      if (e && error === undefined) error = e;
    };
    if (body !== undefined) add(body);
    add(query);
    return new Form(values, error);
  }
}

/** Go's url.ParseQuery: bad pairs are skipped and the first error remembered. */
function parseQueryInto(s: string, into: Map<string, string[]>): string | undefined {
  let err: string | undefined;
  let start = 0;
  while (start <= s.length) {
    let end = s.indexOf('&', start);
    if (end < 0) end = s.length;
    const pair = s.slice(start, end);
    start = end + 1;
    if (pair === '') {
      if (end === s.length) break;
      continue;
    }
    if (pair.includes(';')) {
      err ??= 'invalid semicolon separator in query';
      continue;
    }
    const eq = pair.indexOf('=');
    const rawK = eq < 0 ? pair : pair.slice(0, eq);
    const rawV = eq < 0 ? '' : pair.slice(eq + 1);
    const k = unescapeQuery(rawK);
    if (typeof k !== 'string') {
      err ??= k.error;
      continue;
    }
    const v = unescapeQuery(rawV);
    if (typeof v !== 'string') {
      err ??= v.error;
      continue;
    }
    const list = into.get(k);
    if (list) list.push(v);
    else into.set(k, [v]);
    if (end === s.length) break;
  }
  return err;
}

const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Percent-decoding with '+' as space. Bytes that are not valid UTF-8 become U+FFFD, which is
 * what PromQL's lexer reports for them too ("unexpected character: '\uFFFD'").
 */
function unescapeQuery(s: string): string | { error: string } {
  if (!s.includes('%') && !s.includes('+')) return s;
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const h = s.slice(i + 1, i + 3);
      if (!HEX.test(h)) return { error: `invalid URL escape ${goQuote(s.slice(i, i + 3))}` };
      out.push(parseInt(h, 16));
      i += 2;
    } else if (c === 0x2b /* + */) {
      out.push(0x20);
    } else if (c < 0x80) {
      out.push(c);
    } else {
      // Non-ASCII in a raw query string: keep its UTF-8 bytes.
      const cp = s.codePointAt(i)!;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** Decodes one URL path segment (e.g. a label name); invalid UTF-8 is kept as Go shows it. */
export function decodePathSegment(seg: string): { text: string; quoted: string } {
  const bytes: number[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c === 0x25 && HEX.test(seg.slice(i + 1, i + 3))) {
      bytes.push(parseInt(seg.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(seg[i]!, 'utf8')) bytes.push(b);
    }
  }
  const buf = Buffer.from(bytes);
  const text = buf.toString('utf8');
  if (isUtf8(buf)) return { text, quoted: goQuote(text) };
  // Go's %q writes invalid bytes as \xNN.
  let quoted = '"';
  let i = 0;
  while (i < buf.length) {
    const len = utf8SeqLen(buf, i);
    if (len === 0) {
      quoted += '\\x' + buf[i]!.toString(16).padStart(2, '0');
      i++;
    } else {
      quoted += goQuote(buf.subarray(i, i + len).toString('utf8')).slice(1, -1);
      i += len;
    }
  }
  return { text, quoted: quoted + '"' };
}

function utf8SeqLen(b: Buffer, i: number): number {
  const c = b[i]!;
  const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  return isUtf8(b.subarray(i, i + n)) ? n : 0;
}

// ---------------------------------------------------------------------------------------
// Times and durations
// ---------------------------------------------------------------------------------------

/**
 * The bounds Prometheus uses for "no start"/"no end" (minTime/maxTime in api.go): Go times
 * near the ends of int64 milliseconds. As float64 they are approximate, which is fine for
 * range comparisons.
 */
export const MIN_TIME_MS = -9223309901257974000;
export const MAX_TIME_MS = 9223309901257974999;
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

/** Go's strconv.ParseFloat syntax for decimals (with '_' between digits), inf and nan. */
const GO_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

function parseGoFloat(s: string): number | undefined {
  if (s === '' || !GO_FLOAT.test(s) || !/\d|inf|nan/i.test(s)) return undefined;
  // A mantissa needs a digit: ".", "e5", "+." are not numbers.
  if (!/^[+-]?(?:\d|\.\d|inf|nan)/i.test(s)) return undefined;
  const lower = s.toLowerCase().replace(/_/g, '');
  if (lower.endsWith('nan')) return NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  const v = Number(lower);
  // Go rejects a finite literal that overflows ("value out of range").
  if (!Number.isFinite(v)) return undefined;
  return v;
}

/** Go's math.Round: halves away from zero (JS rounds them up). */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// int64(NaN or ±Inf) on amd64 is the minimum int64; Prometheus then answers for this time.
const NAN_TIME_MS = -9223372036854;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Prometheus's parseTime: unix seconds as a float (rounded to the millisecond) or RFC 3339.
 * Returns milliseconds; throws ParamError with "cannot parse "x" to a valid timestamp".
 */
export function parseTime(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined) {
    if (!Number.isFinite(f)) return NAN_TIME_MS;
    const sec = Math.trunc(f);
    const frac = goRound((f - sec) * 1000) / 1000;
    let nsec = Math.trunc(frac * 1e9);
    let secs = sec;
    if (nsec < 0) {
      secs -= 1;
      nsec += 1e9;
    }
    return secs * 1000 + Math.floor(nsec / 1e6);
  }
  const m = RFC3339.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, se, frac, sign, oh, om] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(y), month) && Number(h) < 24 && Number(mi) < 60 && Number(se) < 60) {
      let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(se));
      if (Number(y) < 100) ms = new Date(ms).setUTCFullYear(Number(y));
      if (frac) ms += Math.floor(Number(frac.padEnd(9, '0')) / 1e6);
      if (sign) {
        const off = (Number(oh) * 60 + Number(om)) * 60_000;
        ms += sign === '+' ? -off : off;
      }
      return ms;
    }
  }
  if (s === MIN_TIME_FORMATTED) return MIN_TIME_MS;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME_MS;
  throw new ParamError(`cannot parse ${goQuote(s)} to a valid timestamp`);
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** parseTimeParam: empty means the default; errors gain "Invalid time value for 'name'". */
export function parseTimeParam(form: Form, name: string, dflt: number): number {
  const v = form.get(name);
  if (v === '') return dflt;
  try {
    return parseTime(v);
  } catch (e) {
    if (e instanceof ParamError) throw new ParamError(`Invalid time value for '${name}': ${e.message}`);
    throw e;
  }
}

const MAX_INT64_NS = 9223372036854775807;

/**
 * Prometheus's parseDuration: float seconds ("15", "0.5") or a duration ("5m", "1h30m").
 * Returns milliseconds, possibly fractional (Go keeps nanoseconds).
 */
export function parseDurationParam(s: string): number {
  const f = parseGoFloat(s);
  if (f !== undefined) {
    const ns = f * 1e9;
    if (ns > MAX_INT64_NS || ns < -MAX_INT64_NS || Number.isNaN(ns)) {
      throw new ParamError(`cannot parse ${goQuote(s)} to a valid duration. It overflows int64`);
    }
    return Math.trunc(ns) / 1e6;
  }
  try {
    return parseModelDuration(s);
  } catch {
    throw new ParamError(`cannot parse ${goQuote(s)} to a valid duration`);
  }
}

/** A parameter that did not parse; the caller wraps it as `invalid parameter "x": ...`. */
export class ParamError extends Error {
  readonly code = 'bad_param';
}
