/**
 * Line charts drawn with braille characters: each terminal cell is a 2×4 grid of dots
 * (U+2800 + one bit per dot), so an 80-column terminal gets 140+ points across. Pure: series
 * in, rows of text out; the Query view colours the runs by series.
 */
import { formatValue, padStart, type Unit } from './format.js';

export interface ChartSeries {
  /** Unix seconds, ascending. */
  readonly times: readonly number[];
  readonly values: readonly number[];
}

export interface ChartOptions {
  /** Total width in cells, axis labels included. */
  readonly width: number;
  /** Plot height in rows (the x axis adds two more). */
  readonly height: number;
  /** Unix seconds of the left and right edges. */
  readonly start: number;
  readonly end: number;
  /** Expected spacing of points (the query step); a wider gap is not joined by a line. */
  readonly step: number;
  readonly unit?: Unit;
}

/** A run of cells drawn by one series (series -1: empty or axis). */
export interface Segment {
  readonly text: string;
  readonly series: number;
}

export interface ChartGrid {
  /** One per plot row: the y label + axis tick as text, then the plot as coloured runs. */
  readonly rows: readonly { readonly axis: string; readonly segments: readonly Segment[] }[];
  /** The x axis line and the time labels under it. */
  readonly xAxis: string;
  readonly xLabels: string;
  readonly min: number;
  readonly max: number;
}

// Bit of each dot in a braille cell, indexed [dy][dx] (Unicode's dot numbering 1-8).
const DOT = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
] as const;

export function brailleChart(series: readonly ChartSeries[], opts: ChartOptions): ChartGrid {
  const unit = opts.unit ?? 'none';
  const [min, max] = valueRange(series);
  const labels = [formatValue(max, unit), formatValue((min + max) / 2, unit), formatValue(min, unit)];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const cols = Math.max(4, opts.width - labelWidth - 2);
  const rows = Math.max(2, opts.height);
  const W = cols * 2;
  const H = rows * 4;
  const bits = new Uint8Array(cols * rows);
  // Which series last drew in a cell; overlapping series share the cell, the later one colours it.
  const owner = new Int16Array(cols * rows).fill(-1);
  const span = opts.end - opts.start || 1;
  const vspan = max - min || 1;
  const px = (t: number) => Math.round(((t - opts.start) / span) * (W - 1));
  const py = (v: number) => Math.round(((max - v) / vspan) * (H - 1));
  const plot = (x: number, y: number, s: number) => {
    if (x < 0 || x >= W || y < 0 || y >= H) return;
    const i = (y >> 2) * cols + (x >> 1);
    bits[i]! |= DOT[y & 3]![x & 1]!;
    owner[i] = s;
  };
  const maxGap = opts.step * 1.5;
  series.forEach((s, si) => {
    let prev: [number, number, number] | undefined; // x, y, t
    for (let k = 0; k < s.times.length; k++) {
      const v = s.values[k]!;
      const t = s.times[k]!;
      if (!Number.isFinite(v)) {
        prev = undefined;
        continue;
      }
      const x = px(t);
      const y = py(v);
      if (prev && t - prev[2] <= maxGap) line(prev[0], prev[1], x, y, (a, b) => plot(a, b, si));
      else plot(x, y, si);
      prev = [x, y, t];
    }
  });
  const mid = Math.floor((rows - 1) / 2);
  const out: { axis: string; segments: Segment[] }[] = [];
  for (let r = 0; r < rows; r++) {
    const label = r === 0 ? labels[0]! : r === rows - 1 ? labels[2]! : r === mid ? labels[1]! : '';
    const tick = label ? '┤' : '│';
    const segments: Segment[] = [];
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const ch = bits[i] ? String.fromCharCode(0x2800 + bits[i]!) : ' ';
      const s = bits[i] ? owner[i]! : -1;
      const last = segments[segments.length - 1];
      if (last && last.series === s) segments[segments.length - 1] = { text: last.text + ch, series: s };
      else segments.push({ text: ch, series: s });
    }
    out.push({ axis: `${padStart(label, labelWidth)} ${tick}`, segments });
  }
  const xAxis = ' '.repeat(labelWidth + 1) + '└' + '─'.repeat(cols);
  return { rows: out, xAxis, xLabels: timeLabels(opts.start, opts.end, labelWidth + 2, cols), min, max };
}

/** The y range over all finite values, widened when flat so a constant still draws mid-height. */
function valueRange(series: readonly ChartSeries[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series)
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  if (min === Infinity) return [0, 1];
  if (min === max) {
    const d = Math.abs(min) * 0.1 || 1;
    return [min - d, max + d];
  }
  return [min, max];
}

/** Bresenham between two dots. */
function line(x0: number, y0: number, x1: number, y1: number, plot: (x: number, y: number) => void): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    plot(x0, y0);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

/** HH:MM:SS (UTC) at the left edge, the middle and the right edge, placed under the plot. */
function timeLabels(start: number, end: number, indent: number, cols: number): string {
  const fmt = (t: number) => new Date(t * 1000).toISOString().slice(11, 19);
  const a = fmt(start);
  const b = fmt((start + end) / 2);
  const c = fmt(end) + ' UTC';
  const line = new Array<string>(cols + 8).fill(' ');
  const put = (pos: number, s: string) => {
    for (let i = 0; i < s.length && pos + i < line.length; i++) line[pos + i] = s[i]!;
  };
  put(0, a);
  if (cols >= 40) put(Math.floor(cols / 2) - 4, b);
  put(Math.max(a.length + 1, cols - c.length), c);
  return ' '.repeat(indent) + line.join('').trimEnd();
}
