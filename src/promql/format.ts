// How Prometheus 2.42's HTTP API writes sample values of vectors and matrices (jsoniter's
// float rule): plain digits, except exponent form below 1e-6 and from 1e21 up, with Go's
// two-digit exponent ("1e-07", "1e+21"). Scalars use plain 'f' digits (model.formatFloat).

export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [mant, ex] = v.toExponential().split('e') as [string, string];
    const n = Number(ex);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  // JS switches to exponents only outside [1e-7, 1e21), so String() is plain here.
  return String(v);
}
