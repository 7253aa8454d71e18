/**
 * Query: a PromQL input; instant results as a table, range results (g) as a braille chart;
 * errors with a caret under the position the server reported.
 */
import { useEffect, useState, type ReactElement } from 'react';
import { Text } from 'ink';
import type { QueryData } from '../api/index.js';
import { caretLines } from '../caret.js';
import { formatAge, formatSampleValue, formatSeries, padStart } from '../format.js';
import { useQuery, type QueryState } from '../hooks/useQuery.js';
import { useScroll } from '../hooks/useScroll.js';
import { paint, useTheme, type Theme } from '../theme.js';
import { Chart } from './Chart.js';
import { LineInput } from './LineInput.js';
import type { ScreenProps } from './screen.js';
import { Window } from './Window.js';

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

export function tableLines(data: QueryData, query: string): ReactElement[] {
  const valueWidth = 22;
  switch (data.resultType) {
    case 'vector': {
      if (data.result.length === 0) return [<Text key="empty" dimColor>{'empty result: no series matched'}</Text>];
      // Values are shown whole (Prometheus's shortest float form, up to 24 chars) on the left,
      // so a long series name is what gets cut at the edge, never a number.
      const w = Math.min(24, Math.max(...data.result.map((s) => formatSampleValue(s.value[1]).length)));
      return data.result.map((s, i) => (
        <Text key={`v-${i}`} wrap="truncate">
          {padStart(formatSampleValue(s.value[1]), w)}
          {'  '}
          {Object.keys(s.metric).length ? formatSeries(s.metric) : `{} (${query})`}
        </Text>
      ));
    }
    case 'matrix': {
      if (data.result.length === 0) return [<Text key="empty" dimColor>{'empty result: no series matched'}</Text>];
      const lines: ReactElement[] = [];
      for (const [i, s] of data.result.entries()) {
        lines.push(
          <Text key={`m-${i}`} wrap="truncate" bold>
            {formatSeries(s.metric)}
          </Text>,
          <Text key={`mv-${i}`} wrap="truncate">
            {'    ' + s.values.map(([t, v]) => `${formatSampleValue(v)} @${t}`).join('  ')}
          </Text>,
        );
      }
      return lines;
    }
    case 'scalar':
    case 'string':
      return [
        <Text key="s" wrap="truncate">
          {padStart(data.resultType === 'scalar' ? formatSampleValue(data.result[1]) : JSON.stringify(data.result[1]), valueWidth)}
          {`  (${data.resultType})`}
        </Text>,
      ];
  }
}

function seriesCount(d: QueryData): string {
  if (d.resultType === 'vector' || d.resultType === 'matrix') return `${d.result.length} series`;
  return d.resultType;
}

export interface QueryViewProps {
  readonly state: QueryState;
  readonly nowMs: number;
  readonly width: number;
  readonly height: number;
  readonly offset?: number;
}

function statusText(s: QueryState, nowMs: number): string {
  const mode = s.mode === 'graph' ? `graph, last ${formatAge(s.rangeS * 1000)}` : 'table';
  if (s.running) {
    const elapsed = nowMs - s.running.startedAt;
    return `${SPINNER[Math.floor(elapsed / 100) % SPINNER.length]} running (${mode}) ${(elapsed / 1000).toFixed(1)}s: Esc cancels`;
  }
  const keys = s.editing ? 'Enter run · Tab complete · ↑↓ history · ^G graph/table · Esc leave input' : 'e edit · g graph/table · +/- range · ↑↓ scroll';
  const res = s.cancelled ? 'cancelled · ' : s.result ? `${seriesCount(s.result.data)} in ${s.result.tookMs}ms · ` : '';
  return `[${mode}] ${res}${keys}`;
}

/** The rows under the input and status line: completions, the error or the result. */
export function resultLines(s: QueryState, width: number, theme: Theme): { lines: ReactElement[]; chart: boolean } {
  const lines: ReactElement[] = [];
  if (s.choices.length) {
    lines.push(
      <Text key="choices" wrap="truncate" color={paint(theme, 'cyan')}>
        {s.choices.slice(0, 50).join('  ')}
      </Text>,
    );
  }
  if (s.failure) {
    const f = s.failure;
    lines.push(
      <Text key="err" wrap="truncate" color={paint(theme, 'red')}>
        {'error: ' + f.error.message}
      </Text>,
    );
    const caret = caretLines(f.query, f.error, width - 2);
    if (caret) {
      lines.push(<Text key="err-q" wrap="truncate">{'  ' + caret[0]}</Text>, <Text key="err-c" wrap="truncate" color={paint(theme, 'red')} bold>{'  ' + caret[1]}</Text>);
    }
    return { lines, chart: false };
  }
  const r = s.result;
  if (!r) {
    if (!s.running) lines.push(<Text key="hint" dimColor wrap="truncate">{'Type a PromQL expression, e.g. up or rate(prometheus_http_requests_total[5m]), and press Enter.'}</Text>);
    return { lines, chart: false };
  }
  for (const [i, w] of (r.warnings ?? []).entries()) lines.push(<Text key={`w-${i}`} wrap="truncate" color={paint(theme, 'yellow')}>{'warning: ' + w}</Text>);
  if (r.mode === 'graph' && r.data.resultType === 'matrix' && r.data.result.length > 0) return { lines, chart: true };
  return { lines: [...lines, ...tableLines(r.data, r.query)], chart: false };
}

export function QueryView({ state, nowMs, width, height, offset = 0 }: QueryViewProps): ReactElement {
  const theme = useTheme();
  const { lines, chart } = resultLines(state, width, theme);
  const r = state.result;
  const rest = height - 2;
  return (
    <>
      <LineInput prompt="> " state={state.line} width={width} focused={state.editing} />
      <Text wrap="truncate" dimColor={!state.running} color={state.running ? paint(theme, 'yellow') : undefined}>
        {statusText(state, nowMs)}
      </Text>
      {chart && r && r.data.resultType === 'matrix' ? (
        <>
          {lines}
          <Chart series={r.data.result} start={r.start ?? 0} end={r.end ?? 0} step={r.step ?? 1} width={width} height={rest - lines.length} query={r.query} />
        </>
      ) : (
        <Window lines={lines} height={rest} offset={offset} />
      )}
    </>
  );
}

export function QueryScreen({ api, refreshMs, now, width, height, active, onCapture }: ScreenProps): ReactElement {
  const state = useQuery({ api, now, refreshMs, plotColumns: width - 12, active, onCapture });
  // The spinner turns while a query runs; nothing else on this page moves faster than 1 s.
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!state.running) return;
    const t = setInterval(() => setTick((n) => n + 1), 100);
    return () => clearInterval(t);
  }, [state.running]);
  const total = resultLines(state, width, { color: false }).lines.length;
  const offset = useScroll(total, height - 2, active && !state.editing);
  return <QueryView state={state} nowMs={now()} width={width} height={height} offset={offset} />;
}
