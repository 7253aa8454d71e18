/**
 * Prometheus marks a series as stale with one specific NaN bit pattern (0x7ff0000000000002),
 * distinct from the NaN that arithmetic produces. It must survive storage byte for byte.
 */
const staleBuf = new DataView(new ArrayBuffer(8));
staleBuf.setUint32(0, 0x7ff00000);
staleBuf.setUint32(4, 0x00000002);
export const STALE_NAN: number = staleBuf.getFloat64(0);
export const STALE_NAN_BITS_HI = 0x7ff00000;
export const STALE_NAN_BITS_LO = 0x00000002;

const probe = new DataView(new ArrayBuffer(8));

/** True only for the staleness marker, not for ordinary NaN. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  probe.setFloat64(0, v);
  return probe.getUint32(0) === STALE_NAN_BITS_HI && probe.getUint32(4) === STALE_NAN_BITS_LO;
}

/**
 * Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an exponent,
 * "NaN", "+Inf", "-Inf". Prometheus uses it for scalars and count_values labels; vector and
 * matrix point values switch to 'e' outside [1e-6, 1e21) (see formatPointValue in src/web).
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-6)) return expToPlain(v);
  return String(v);
}

/** Go's 'f' format never uses an exponent; JS does for very large/small numbers. */
function expToPlain(v: number): string {
  const s = v.toExponential();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return String(v);
  const [, sign, int, frac = '', expS] = m;
  const exp = Number(expS);
  const digits = int! + frac;
  if (exp >= 0) {
    const intLen = 1 + exp;
    return sign + (digits.length <= intLen ? digits + '0'.repeat(intLen - digits.length) : digits.slice(0, intLen) + '.' + digits.slice(intLen));
  }
  return sign + '0.' + '0'.repeat(-exp - 1) + digits;
}
