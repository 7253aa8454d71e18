// Go's fmt formatting of the values templates handle: %v of floats ("1e+06"), %.4g (humanize),
// and printf's common verbs. Templates that users copy from Prometheus rely on these exact forms.

/** |x| exactly as int / 10^scale (every double has a finite decimal expansion). */
function exact(x: number): { int: bigint; scale: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Math.abs(x));
  const bits = dv.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  if (e >= 0) return { int: mant << BigInt(e), scale: 0 };
  return { int: mant * 5n ** BigInt(-e), scale: -e };
}

/** int / 10^drop rounded half to even, as Go's decimal rounding does (JS rounds ties up). */
function roundDrop(int: bigint, drop: number): bigint {
  if (drop <= 0) return int * 10n ** BigInt(-drop);
  const d = 10n ** BigInt(drop);
  let q = int / d;
  const r2 = (int % d) * 2n;
  if (r2 > d || (r2 === d && q % 2n === 1n)) q++;
  return q;
}

/** Go's %.<prec>f. */
export function toFixedGo(v: number, prec: number): string {
  if (!Number.isFinite(v)) return special(v);
  const { int, scale } = exact(v);
  const q = roundDrop(int, scale - prec).toString().padStart(prec + 1, '0');
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  return sign + (prec > 0 ? `${q.slice(0, q.length - prec)}.${q.slice(q.length - prec)}` : q);
}

/** Significant digits of |v| rounded half-even to n digits, and the decimal exponent. */
function sigDigits(v: number, n: number): { digits: string; exp: number } {
  if (v === 0) return { digits: '0'.repeat(n), exp: 0 };
  const { int, scale } = exact(v);
  const len = int.toString().length;
  let exp = len - 1 - scale;
  let digits = roundDrop(int, len - n).toString();
  if (digits.length > n) {
    digits = digits.slice(0, n);
    exp++;
  }
  return { digits, exp };
}

/** Go's strconv.FormatFloat(v, 'e', prec, 64); prec < 0 means shortest. */
export function formatE(v: number, prec: number, upper = false): string {
  if (!Number.isFinite(v)) return special(v);
  let s: string;
  if (prec < 0) s = v.toExponential();
  else {
    const { digits, exp } = sigDigits(v, prec + 1);
    s = `${v < 0 ? '-' : ''}${digits[0]}${prec > 0 ? '.' + digits.slice(1) : ''}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  }
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function special(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}

/** Go's %g with precision `prec` (-1 = shortest, as %v uses). */
export function formatG(v: number, prec: number): string {
  if (!Number.isFinite(v)) return special(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  let digits: string;
  let exp: number;
  if (prec < 0) {
    const e = v.toExponential();
    const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
    digits = m[2]! + (m[3] ?? '');
    exp = Number(m[4]);
  } else {
    const sd = sigDigits(v, Math.max(prec, 1));
    digits = sd.digits.replace(/0+$/, '') || '0';
    exp = sd.exp;
  }
  // strconv: "if precision was the shortest possible, use precision 6 for this decision".
  const eprec = prec < 0 ? 6 : Math.max(prec, 1);
  const sign = v < 0 ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = exp < 0 ? '-' : '+';
    const ab = Math.abs(exp);
    return `${sign}${mant}e${es}${ab < 10 ? '0' : ''}${ab}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Go's %v for a float64: shortest 'g', so 1e+06 but 100000. */
export function formatFloatV(v: number): string {
  return formatG(v, -1);
}

/** fmt.Sprint of a template value. */
export function formatGoValue(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatV(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return formatGoTime(v);
  if (Array.isArray(v)) return '[' + v.map(formatGoValue).join(' ') + ']';
  if (v instanceof Map) return 'map[' + [...v.keys()].sort().map((k) => `${k}:${formatGoValue(v.get(k))}`).join(' ') + ']';
  if (typeof v === 'object') {
    const s = (v as { toString(): string }).toString();
    if (s !== '[object Object]') return s;
    const o = v as Record<string, unknown>;
    return 'map[' + Object.keys(o).sort().map((k) => `${k}:${formatGoValue(o[k])}`).join(' ') + ']';
  }
  return String(v);
}

/** time.Time's String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function formatGoTime(d: Date, extraNanos = 0): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  let s = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  const nanos = d.getUTCMilliseconds() * 1e6 + extraNanos;
  if (nanos > 0) s += '.' + String(nanos).padStart(9, '0').replace(/0+$/, '');
  return s + ' +0000 UTC';
}

/** A subset of Go's fmt.Sprintf: flags -+ 0#space, width, precision, verbs vdsqfeEgGxXtcb%. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let argi = 0;
  return format.replace(/%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g, (_m, flags: string, width: string | undefined, precS: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (argi >= args.length) return `%!${verb}(MISSING)`;
    const a = args[argi++];
    const prec = precS === undefined ? (_m.includes('.') ? 0 : -1) : Number(precS);
    let s: string;
    switch (verb) {
      case 'v':
      case 's':
        s = typeof a === 'number' && verb === 's' ? `%!s(float64=${formatFloatV(a)})` : formatGoValue(a);
        if (verb === 's' && prec >= 0) s = s.slice(0, prec);
        break;
      case 'q':
        s = JSON.stringify(formatGoValue(a));
        break;
      case 'd':
        s = typeof a === 'bigint' ? a.toString() : typeof a === 'number' ? `%!d(float64=${formatFloatV(a)})` : `%!d(${goTypeName(a)}=${formatGoValue(a)})`;
        break;
      case 'f':
      case 'F':
        s = typeof a === 'number' ? toFixedGo(a, prec < 0 ? 6 : prec) : `%!f(${goTypeName(a)}=${formatGoValue(a)})`;
        break;
      case 'e':
      case 'E':
        s = typeof a === 'number' ? formatE(a, prec < 0 ? 6 : prec, verb === 'E') : `%!${verb}(${goTypeName(a)}=${formatGoValue(a)})`;
        break;
      case 'g':
      case 'G':
        s = typeof a === 'number' ? formatG(a, prec) : `%!${verb}(${goTypeName(a)}=${formatGoValue(a)})`;
        if (verb === 'G') s = s.toUpperCase();
        break;
      case 'x':
      case 'X':
        s = typeof a === 'bigint' ? a.toString(16) : typeof a === 'string' ? Buffer.from(a).toString('hex') : formatGoValue(a);
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${goTypeName(a)}=${formatGoValue(a)})`;
        break;
      case 'c':
        s = typeof a === 'bigint' ? String.fromCodePoint(Number(a)) : formatGoValue(a);
        break;
      case 'b':
        s = typeof a === 'bigint' ? a.toString(2) : formatGoValue(a);
        break;
      default:
        s = `%!${verb}(${goTypeName(a)}=${formatGoValue(a)})`;
    }
    if (flags.includes('+') && (typeof a === 'number' || typeof a === 'bigint') && !s.startsWith('-')) s = '+' + s;
    const w = width === undefined || width === '*' ? 0 : Number(width);
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && (typeof a === 'number' || typeof a === 'bigint')) {
        const neg = s.startsWith('-') || s.startsWith('+');
        s = neg ? s[0] + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0');
      } else s = s.padStart(w);
    }
    return s;
  }) + (argi < args.length ? `%!(EXTRA ${args.slice(argi).map((a) => `${goTypeName(a)}=${formatGoValue(a)}`).join(', ')})` : '');
}

function goTypeName(a: unknown): string {
  if (typeof a === 'string') return 'string';
  if (typeof a === 'number') return 'float64';
  if (typeof a === 'bigint') return 'int';
  if (typeof a === 'boolean') return 'bool';
  if (a === null || a === undefined) return '<nil>';
  return 'interface {}';
}
