// Go's text formats that promtool's output is made of, so our output matches byte for byte.

/** Go's time.Duration.String() for a whole number of milliseconds: "1h30m0.001s", "59.798s", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let u = Math.abs(ms);
  let out: string;
  if (u < 1000) {
    out = `${u}ms`;
  } else {
    const frac = u % 1000;
    u = (u - frac) / 1000;
    const s = u % 60;
    u = (u - s) / 60;
    const m = u % 60;
    const h = (u - m) / 60;
    let sec = String(s);
    if (frac > 0) sec += '.' + String(frac).padStart(3, '0').replace(/0+$/, '');
    out = h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
  }
  return neg ? '-' + out : out;
}

/**
 * Go's fmt "%g" for a float64 (how promtool dump prints values): shortest round-trip digits;
 * exponent form when the decimal exponent is < -4 or >= 6 (Go uses precision 6 for that
 * decision when printing the shortest form), with at least two exponent digits.
 */
export function formatGoG(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Fast path: in [1e-4, 1e6) Go prints plain decimals, exactly as JS's String() does (JS
  // only switches to exponents below 1e-6 or from 1e21). Comparing the double itself is
  // safe: a double below 1e-4 cannot have 0.0001 as its shortest form, and 1e6 is exact.
  const abs = v < 0 ? -v : v;
  if (abs >= 1e-4 && abs < 1e6) return String(v);
  // Shortest round-trip digits and decimal exponent, from JS's own shortest formatting.
  const e = v.toExponential();
  const at = e.indexOf('e');
  const mant = e.slice(0, at);
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const es = Math.abs(exp) < 10 ? '0' + Math.abs(exp) : String(Math.abs(exp));
    return `${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  return String(v);
}

/** Go's units.Base2Bytes(n).String() (alecthomas/units): "278KiB736B", "1MiB", "0B". */
export function formatBase2Bytes(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  const parts: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const r = n % 1024;
    if (r !== 0 || (i === 0 && n === 0)) parts.unshift(`${r}${units[i]}${i === 0 ? 'B' : 'iB'}`);
    n = Math.floor(n / 1024);
    if (n === 0) break;
  }
  return parts.join('');
}

/** Go's time.Unix(ms/1000, 0).UTC().String(): "2023-02-01 00:29:59 +0000 UTC". */
export function formatGoUTCSeconds(ms: number): string {
  const d = new Date(Math.trunc(ms / 1000) * 1000);
  const p = (x: number, w = 2): string => String(x).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/**
 * Go's text/tabwriter for rows whose cells are separated by tabs: every cell but the last in
 * a row is padded to its column's width + `padding`, but at least `minWidth`. Widths count
 * code points, as tabwriter counts runes.
 */
export function tabwrite(rows: readonly (readonly string[])[], minWidth: number, padding: number): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) {
      const w = [...r[i]!].length + padding;
      widths[i] = Math.max(widths[i] ?? 0, w < minWidth ? minWidth : w);
    }
  }
  let out = '';
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) {
      const c = r[i]!;
      out += i < r.length - 1 ? c + ' '.repeat(widths[i]! - [...c].length) : c;
    }
    out += '\n';
  }
  return out;
}
