/**
 * A range result as a braille line chart with y labels in the metric's unit, a time axis and
 * a legend. Up to ten series are drawn (more is unreadable in a terminal); the legend says
 * how many were left out.
 */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { LabelSet, SamplePair } from '../api/index.js';
import { brailleChart } from '../braille.js';
import { formatSeries, unitOf } from '../format.js';
import { paint, SERIES_COLORS, useTheme } from '../theme.js';

export const MAX_CHART_SERIES = 10;

export interface ChartProps {
  readonly series: readonly { readonly metric: LabelSet; readonly values: readonly SamplePair[] }[];
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly width: number;
  /** All rows the chart may use, legend included. */
  readonly height: number;
  /** The query, to name the legend entry of a series without labels. */
  readonly query: string;
}

/** How many legend rows fit: at most half the room, so the plot keeps the other half. */
export function legendRows(seriesCount: number, height: number): number {
  const wanted = Math.min(seriesCount, MAX_CHART_SERIES) + (seriesCount > MAX_CHART_SERIES ? 1 : 0);
  return Math.max(0, Math.min(wanted, Math.floor((height - 2) / 2)));
}

export function Chart({ series, start, end, step, width, height, query }: ChartProps): ReactElement {
  const theme = useTheme();
  const shown = series.slice(0, MAX_CHART_SERIES);
  const legend = legendRows(series.length, height);
  const plotRows = Math.max(2, height - 2 - legend);
  const names = shown.map((s) => s.metric['__name__']).filter((n): n is string => !!n);
  // One unit for the axis, when every drawn series agrees on it.
  const unit = names.length === shown.length && names.every((n) => unitOf(n) === unitOf(names[0])) ? unitOf(names[0]) : 'none';
  const grid = brailleChart(
    shown.map((s) => ({ times: s.values.map((v) => v[0]), values: s.values.map((v) => Number(v[1])) })),
    { width, height: plotRows, start, end, step, unit },
  );
  const lines: ReactElement[] = grid.rows.map((r, i) => (
    <Text key={`row-${i}`} wrap="truncate">
      <Text dimColor>{r.axis}</Text>
      {r.segments.map((s, j) => (
        <Text key={j} color={s.series >= 0 ? paint(theme, SERIES_COLORS[s.series % SERIES_COLORS.length]) : undefined}>
          {s.text}
        </Text>
      ))}
    </Text>
  ));
  lines.push(
    <Text key="xaxis" dimColor wrap="truncate">
      {grid.xAxis}
    </Text>,
    <Text key="xlabels" dimColor wrap="truncate">
      {grid.xLabels}
    </Text>,
  );
  // When not every series has a row, the last legend row says how many are missing.
  const entries = shown.slice(0, series.length > legend ? Math.max(0, legend - 1) : legend);
  for (const [i, s] of entries.entries()) {
    const name = Object.keys(s.metric).length ? formatSeries(s.metric) : query;
    lines.push(
      <Text key={`legend-${i}`} wrap="truncate">
        <Text color={paint(theme, SERIES_COLORS[i % SERIES_COLORS.length])}>{theme.color ? '━━ ' : `${i + 1}. `}</Text>
        {name}
      </Text>,
    );
  }
  if (legend > 0 && series.length > entries.length) {
    lines.push(
      <Text key="legend-more" dimColor wrap="truncate">
        {`… ${series.length - entries.length} more series not in the legend${series.length > MAX_CHART_SERIES ? ` (only the first ${MAX_CHART_SERIES} are drawn)` : ''}`}
      </Text>,
    );
  }
  return <>{lines}</>;
}
