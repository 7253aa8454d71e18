/**
 * Text formats Prometheus's HTTP layer writes: Go's JSON string escaping, its two timestamp
 * forms, and Go's 'g'/'e' float formats used by the text exposition and alert values.
 */
import { formatFloat } from '../model/index.js';

const GO_ESCAPES = /\\[\\"bf]|[<>&\u2028\u2029]/g;
const NEEDS_GO_ESCAPE = /\\[bf]|[<>&\u2028\u2029]/;

/**
 * JSON text as Go's encoding/json (and jsoniter's compatible mode) writes it: like
 * JSON.stringify, except that <, >, & and U+2028/9 are \u-escaped and \b, \f are written
 * \u0008, \u000c. Clients comparing bytes (and our fixture tests) see the difference.
 */
export function goJson(value: unknown): string {
  return goEscapeJsonText(JSON.stringify(value));
}

/** Applies Go's escaping differences to JSON text produced by JSON.stringify. */
export function goEscapeJsonText(s: string): string {
  // Cheap check first: most bodies contain none of these.
  if (!NEEDS_GO_ESCAPE.test(s)) return s;
  // Escape pairs are matched as a unit, so an escaped backslash followed by "b" is left alone.
  return s.replace(GO_ESCAPES, (m) => {
    switch (m) {
      case '\\b': return '\\u0008';
      case '\\f': return '\\u000c';
      case '<': return '\\u003c';
      case '>': return '\\u003e';
      case '&': return '\\u0026';
      case '\u2028': return '\\u2028';
      case '\u2029': return '\\u2029';
      default: return m;
    }
  });
}

/**
 * A sample timestamp in vector and matrix results: whole seconds, then the milliseconds as
 * exactly three digits when not zero ("1.500", "-0.002") — Prometheus writes points this way
 * instead of formatting a float.
 */
export function formatPointTime(ms: number): string {
  let t = ms;
  let sign = '';
  if (t < 0) {
    sign = '-';
    t = -t;
  }
  const sec = Math.floor(t / 1000);
  const frac = t - sec * 1000;
  if (frac === 0) return sign + sec;
  return sign + sec + '.' + String(frac).padStart(3, '0');
}

/** Scalar and string results: Go's float64 JSON form of ms/1000 ("1.5", "1672527600"). */
export function formatScalarTime(ms: number): string {
  return goFloatJson(ms / 1000);
}

/** encoding/json for a float64: shortest digits, exponent only outside [1e-6, 1e21). */
export function goFloatJson(f: number): string {
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go: "1e-07", "1e+21" (at least two exponent digits).
    return goExponent(f.toExponential());
  }
  return String(f);
}

function goExponent(jsExp: string): string {
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(jsExp);
  if (!m) return jsExp;
  return `${m[1]}e${m[2]}${m[3]!.padStart(2, '0')}`;
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64): "1e+00", "1.5e-07" (alert values). */
export function formatGoFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0e+00';
  return goExponent(v.toExponential());
}

/**
 * Go's strconv.FormatFloat(v, 'g', -1, 64) as the text exposition writes sample values:
 * exponent form when the decimal exponent is < -4 or >= 6 (Go uses precision 6 for this
 * decision with shortest digits: 785, 1.14055848e+08, 4.7671e-05), "+Inf", "-Inf", "NaN".
 */
export function formatGoFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential();
  const exp = Number(e.slice(e.indexOf('e') + 1));
  if (exp < -4 || exp >= 6) return goExponent(e);
  return formatFloat(v);
}

/**
 * A sample value in vector and matrix results. Prometheus's point encoder switches to Go's
 * 'e' format outside [1e-6, 1e21) ("1e-07", "1.7976931348623157e+308", "5e-324") and uses
 * 'f' inside; scalars are different (always 'f', see formatFloat in src/model).
 */
export function formatPointValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const abs = Math.abs(v);
  if (abs < 1e-6 || abs >= 1e21) return goExponent(v.toExponential());
  return String(v);
}
