// Go text/template's builtin functions and Prometheus's template functions (template/template.go
// in 2.42). Numbers: a JS number is Go's float64, a bigint is Go's int.
import { parseDuration } from '../model/index.js';
import { goType, SafeHtml, truth, type TemplateFunc } from './exec.js';
import { formatG, formatGoTime, formatGoValue, sprintf } from './gofmt.js';
import { GoTime } from './gotime.js';

/** One element of a `query` result, as templates see it: {{ .Labels.job }} and {{ .Value }}. */
export interface QuerySample {
  Labels: Record<string, string>;
  Value: number;
}

export type QueryFn = (query: string) => Promise<QuerySample[]>;

function kind(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof SafeHtml) return 'string';
  return 'other';
}

function basic(v: unknown): unknown {
  return v instanceof SafeHtml ? v.value : v;
}

function eq(a: unknown, ...bs: unknown[]): boolean {
  if (bs.length === 0) throw new Error('missing argument for comparison');
  const ka = kind(a);
  for (const b of bs) {
    const kb = kind(b);
    if (ka === 'other' || kb === 'other') {
      if (a === null && b === null) return true;
      throw new Error('invalid type for comparison');
    }
    if (ka !== kb) throw new Error('incompatible types for comparison');
    if (basic(a) === basic(b)) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if (ka === 'other' || kb === 'other' || ka === 'bool') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return (basic(a) as number) < (basic(b) as number);
}

function length(v: unknown): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  if (v && typeof v === 'object') return BigInt(Object.keys(v).length);
  throw new Error(`len of type ${goType(v)}`);
}

function index(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      const i = Number(k);
      if (!(i >= 0 && i < cur.length)) throw new Error(`index out of range: ${String(k)}`);
      cur = cur[i];
    } else if (cur instanceof Map) cur = cur.has(k) ? cur.get(k) : '';
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[String(k)] ?? '';
    else if (cur === null) throw new Error('index of untyped nil');
    else throw new Error(`can't index item of type ${goType(cur)}`);
  }
  return cur;
}

/** Go's convertToFloat in Prometheus's template.go. */
export function toFloat(i: unknown): number {
  if (typeof i === 'number') return i;
  if (typeof i === 'bigint') return Number(i);
  if (typeof i === 'string' || i instanceof SafeHtml) {
    const s = String(i).trim();
    const n = parseGoFloat(s);
    if (n === undefined) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(String(i))}: invalid syntax`);
    return n;
  }
  throw new Error(`can't convert ${goType(i)} to float`);
}

function parseGoFloat(s: string): number | undefined {
  const l = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(l)) return l.startsWith('-') ? -Infinity : Infinity;
  if (l === 'nan') return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(l) || /^[+-]?0x[0-9a-f]+$/.test(l)) return Number(s);
  return undefined;
}

const g4 = (v: number): string => formatG(v, 4);

export function humanize(i: unknown): string {
  let v = toFloat(i);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

export function humanize1024(i: unknown): string {
  let v = toFloat(i);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizeDuration(i: unknown): string {
  let v = toFloat(i);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const d = Math.trunc(v);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

function timeFromSeconds(v: number): { date: Date; nanos: number } {
  // Go: model.TimeFromUnixNano(int64(v*1e9)) keeps millisecond precision.
  const ms = Math.trunc((v * 1e9) / 1e6);
  return { date: new Date(ms), nanos: 0 };
}

function stripPort(hostPort: string): string {
  // net.SplitHostPort must succeed, otherwise the input comes back unchanged.
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end > 0 && hostPort[end + 1] === ':' && !hostPort.slice(end + 2).includes(':')) return hostPort.slice(1, end);
    return hostPort;
  }
  const c = hostPort.lastIndexOf(':');
  if (c < 0 || hostPort.indexOf(':') !== c) return hostPort;
  return hostPort.slice(0, c);
}

function stripDomain(hostPort: string): string {
  let host = hostPort;
  let port = '';
  const stripped = stripPort(hostPort);
  if (stripped !== hostPort) {
    host = stripped;
    port = hostPort.slice(hostPort.lastIndexOf(':') + 1);
  }
  // IP addresses keep their dots.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return hostPort;
  const dot = host.indexOf('.');
  if (dot >= 0) host = host.slice(0, dot);
  return port ? `${host}:${port}` : host;
}

function goTitle(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase());
}

/** Converts Go's regexp replacement syntax ($1, ${name}) to JavaScript's. */
function goReplacement(repl: string): string {
  return repl.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (m, braced: string | undefined, bare: string | undefined) => {
    if (m === '$$') return '$$';
    const name = braced ?? bare!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

export interface PrometheusFuncOptions {
  query?: QueryFn;
  externalURL?: URL;
  /** Expands a named template of the same set (the `tmpl` function of console templates). */
  tmpl?: (name: string, data: unknown) => Promise<string>;
}

export function builtinFuncs(): Map<string, TemplateFunc> {
  const m = new Map<string, TemplateFunc>();
  m.set('not', (a) => !truth(a));
  m.set('len', (a) => length(a));
  m.set('index', (v, ...k) => index(v, ...k));
  m.set('print', (...a) => a.map((x, i) => (i > 0 && typeof x !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + formatGoValue(x)).join(''));
  m.set('println', (...a) => a.map(formatGoValue).join(' ') + '\n');
  m.set('printf', (f, ...a) => sprintf(String(f), a));
  m.set('eq', (a, ...b) => eq(a, ...b));
  m.set('ne', (a, b) => !eq(a, b));
  m.set('lt', (a, b) => lt(a, b));
  m.set('le', (a, b) => lt(a, b) || eq(a, b));
  m.set('gt', (a, b) => !lt(a, b) && !eq(a, b));
  m.set('ge', (a, b) => !lt(a, b));
  m.set('html', (...a) => a.map(formatGoValue).join('').replace(/[&<>"'\0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '\0': '\uFFFD' })[c]!));
  m.set('urlquery', (...a) => encodeURIComponent(a.map(formatGoValue).join('')).replace(/%20/g, '+'));
  m.set('js', (...a) => JSON.stringify(a.map(formatGoValue).join('')).slice(1, -1));
  m.set('slice', (v, ...ix) => {
    const s = typeof v === 'string' || Array.isArray(v) ? v : String(v);
    const [i, j] = ix.map(Number);
    return s.slice(i ?? 0, j ?? s.length);
  });
  // and/or are handled by the executor (short-circuit); registered so the parser accepts them.
  m.set('and', () => undefined);
  m.set('or', () => undefined);
  return m;
}

export function prometheusFuncs(opts: PrometheusFuncOptions): Map<string, TemplateFunc> {
  const m = builtinFuncs();
  m.set('query', async (q) => {
    if (!opts.query) throw new Error('query function not available');
    return opts.query(String(q));
  });
  m.set('first', (v) => {
    if (Array.isArray(v) && v.length > 0) return v[0];
    throw new Error('first() called on vector with no elements');
  });
  m.set('label', (name, s) => (s && typeof s === 'object' ? ((s as QuerySample).Labels?.[String(name)] ?? '') : ''));
  m.set('value', (s) => (s && typeof s === 'object' ? (s as QuerySample).Value : 0));
  m.set('strvalue', (s) => (s && typeof s === 'object' ? ((s as QuerySample).Labels?.['__value__'] ?? '') : ''));
  m.set('args', (...a) => Object.fromEntries(a.map((x, i) => [`arg${i}`, x])));
  m.set('tmpl', async (name, data) => {
    if (!opts.tmpl) throw new Error('tmpl function not available');
    return new SafeHtml(await opts.tmpl(String(name), data));
  });
  m.set('safeHtml', (s) => new SafeHtml(String(s)));
  m.set('match', (re, s) => new RegExp(String(re)).test(String(s)));
  m.set('title', (s) => goTitle(String(s)));
  m.set('toUpper', (s) => String(s).toUpperCase());
  m.set('toLower', (s) => String(s).toLowerCase());
  m.set('graphLink', (e) => `/graph?g0.expr=${encodeURIComponent(String(e)).replace(/%20/g, '+')}&g0.tab=0`);
  m.set('tableLink', (e) => `/graph?g0.expr=${encodeURIComponent(String(e)).replace(/%20/g, '+')}&g0.tab=1`);
  m.set('reReplaceAll', (pattern, repl, text) => String(text).replace(new RegExp(String(pattern), 'g'), goReplacement(String(repl))));
  m.set('sortByLabel', (label, v) => {
    if (!Array.isArray(v)) return v;
    const l = String(label);
    return [...(v as QuerySample[])].sort((a, b) => {
      const x = a.Labels[l] ?? '';
      const y = b.Labels[l] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
  });
  m.set('humanize', humanize);
  m.set('humanize1024', humanize1024);
  m.set('humanizeDuration', humanizeDuration);
  m.set('humanizePercentage', (i) => formatG(toFloat(i) * 100, 4) + '%');
  m.set('humanizeTimestamp', (i) => {
    const v = toFloat(i);
    if (!Number.isFinite(v)) return g4(v);
    if (Math.abs(v * 1e9) >= 2 ** 63) throw new Error(`${formatG(v, -1).replace(/e\+(\d\d)$/, 'e+$1')} cannot be represented as a nanoseconds timestamp since it overflows int64`);
    const t = timeFromSeconds(v);
    return formatGoTime(t.date, t.nanos);
  });
  m.set('toTime', (i) => {
    const v = toFloat(i);
    if (!Number.isFinite(v)) throw new Error(`cannot convert ${formatG(v, -1)} to Time`);
    return new GoTime(timeFromSeconds(v).date);
  });
  m.set('pathPrefix', () => opts.externalURL?.pathname.replace(/\/$/, '') ?? '');
  m.set('externalURL', () => (opts.externalURL ? opts.externalURL.toString().replace(/\/$/, '') : ''));
  m.set('parseDuration', (d) => parseDuration(String(d)) / 1000);
  m.set('stripPort', (s) => stripPort(String(s)));
  m.set('stripDomain', (s) => stripDomain(String(s)));
  return m;
}
