/**
 * A one-line chart of the last `width` values with the eight block characters ▁..█.
 * NaN and missing points are drawn as spaces, so a gap in the data shows as a gap.
 */
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number): string {
  const v = values.length > width ? values.slice(values.length - width) : values;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (min === Infinity) return ' '.repeat(v.length);
  // A flat line sits in the middle rather than on the floor, so "steady" does not read as "zero".
  const span = max - min;
  let out = '';
  for (const x of v) {
    if (!Number.isFinite(x)) out += ' ';
    else if (span === 0) out += BARS[3];
    else out += BARS[Math.min(BARS.length - 1, Math.floor(((x - min) / span) * BARS.length))];
  }
  return out;
}
