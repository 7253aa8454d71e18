/**
 * How the dashboard writes numbers, ages and label sets in narrow columns. API times arrive
 * as RFC 3339 strings or float seconds; they are turned into text here and nowhere else.
 */
import { formatFloat } from '../model/index.js';
import type { LabelSet } from './api/index.js';

/** "4s", "3m12s", "2h5m", "3d4h": the two largest units, like Prometheus's web UI ages. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s || parts.length === 0) parts.push(`${s}s`);
  return (neg ? '-' : '') + parts.slice(0, 2).join('');
}

/** Age of an RFC 3339 time relative to now; "never" for Go's zero time. */
export function ageOf(rfc3339: string | undefined, nowMs: number): string {
  if (!rfc3339 || rfc3339.startsWith('0001-01-01')) return 'never';
  const t = Date.parse(rfc3339);
  if (Number.isNaN(t)) return '-';
  return formatAge(nowMs - t) + ' ago';
}

/** Float seconds (scrape or evaluation duration) as "3.95ms", "1.2s", "850µs". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  const a = Math.abs(s);
  if (a === 0) return '0s';
  if (a < 1e-3) return `${trim(s * 1e6)}µs`;
  if (a < 1) return `${trim(s * 1e3)}ms`;
  if (a < 60) return `${trim(s)}s`;
  return formatAge(s * 1000);
}

const SI = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
] as const;
const IEC = [
  [2 ** 40, 'Ti'],
  [2 ** 30, 'Gi'],
  [2 ** 20, 'Mi'],
  [2 ** 10, 'Ki'],
] as const;

/** The unit a metric name promises by Prometheus naming conventions (suffix _bytes, _seconds). */
export type Unit = 'bytes' | 'seconds' | 'ratio' | 'none';

export function unitOf(metricName: string | undefined): Unit {
  if (!metricName) return 'none';
  const n = metricName.replace(/_(total|sum|count|bucket)$/, '');
  if (/_bytes$/.test(n)) return 'bytes';
  if (/_seconds$/.test(n)) return 'seconds';
  if (/_ratio$/.test(n)) return 'ratio';
  return 'none';
}

/** A value in a short form for axes and sparklines: 1.5k, 12Mi B, 250ms, NaN. */
export function formatValue(v: number, unit: Unit = 'none'): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (unit === 'seconds') return formatSeconds(v);
  if (unit === 'ratio') return `${trim(v * 100)}%`;
  const table = unit === 'bytes' ? IEC : SI;
  const a = Math.abs(v);
  for (const [f, p] of table) if (a >= f) return `${trim(v / f)}${p}${unit === 'bytes' ? 'B' : ''}`;
  return trim(v) + (unit === 'bytes' ? 'B' : '');
}

/** Up to 3 significant digits, no trailing zeros. */
function trim(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return String(Number(v.toFixed(digits)));
}

/** A sample value string from the API, as Prometheus's table shows it. */
export function formatSampleValue(s: string): string {
  const n = Number(s);
  return Number.isNaN(n) && s !== 'NaN' ? s : formatFloat(n);
}

/** `name{a="1", b="2"}`, the way Prometheus prints a series. */
export function formatSeries(metric: LabelSet): string {
  const name = metric['__name__'] ?? '';
  const rest = Object.keys(metric)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`);
  return rest.length || !name ? `${name}{${rest.join(', ')}}` : name;
}

/** `a="1" b="2"` for compact label lists (targets, alerts). */
export function formatLabels(labels: LabelSet, skip: readonly string[] = []): string {
  return Object.keys(labels)
    .filter((k) => !skip.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(' ');
}

/** Cuts text to width columns with an ellipsis; the dashboard's cells are single-width text. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

export function padEnd(text: string, width: number): string {
  const f = fit(text, width);
  return f + ' '.repeat(Math.max(0, width - [...f].length));
}

export function padStart(text: string, width: number): string {
  const f = fit(text, width);
  return ' '.repeat(Math.max(0, width - [...f].length)) + f;
}
