/**
 * TSDB status: the head's cardinality (top series counts by metric name, label name and
 * label-value pair, from /status/tsdb), and two more pages on the same view: the server's
 * command-line flags and its loaded configuration. s / f / c switch between them.
 */
import { useState, type ReactElement } from 'react';
import { Text } from 'ink';
import { useKeys } from '../keys.js';
import type { NameCount } from '../api/index.js';
import { formatValue, padEnd, padStart } from '../format.js';
import type { Polled } from '../hooks/usePoll.js';
import { useScroll } from '../hooks/useScroll.js';
import { useTsdb, type TsdbData } from '../hooks/useTsdb.js';
import type { ScreenProps } from './screen.js';
import { StatusLine } from './StatusLine.js';
import { Window } from './Window.js';

export type TsdbPage = 'stats' | 'flags' | 'config';

function section(key: string, title: string, rows: readonly NameCount[] | null, width: number, unit: 'count' | 'bytes' = 'count'): ReactElement[] {
  const lines: ReactElement[] = [
    <Text key={`h-${key}`} bold wrap="truncate">
      {title}
    </Text>,
  ];
  if (!rows || rows.length === 0) lines.push(<Text key={`n-${key}`} dimColor>{'  (none)'}</Text>);
  for (const [i, r] of (rows ?? []).entries()) {
    const value = unit === 'bytes' ? formatValue(r.value, 'bytes') : r.value.toLocaleString('en-US');
    lines.push(
      <Text key={`${key}-${i}`} wrap="truncate">
        {'  ' + padEnd(r.name, Math.max(10, width - 16)) + padStart(value, 12)}
      </Text>,
    );
  }
  lines.push(<Text key={`s-${key}`}> </Text>);
  return lines;
}

export function tsdbLines(data: TsdbData, page: TsdbPage, width: number): ReactElement[] {
  if (page === 'flags') {
    const keys = Object.keys(data.flags).sort();
    const w = Math.min(45, Math.max(...keys.map((k) => k.length)) + 1);
    return keys.map((k) => (
      <Text key={`f-${k}`} wrap="truncate">
        <Text bold>{padEnd(k, w)}</Text>
        {data.flags[k] === '' ? <Text dimColor>(empty)</Text> : data.flags[k]}
      </Text>
    ));
  }
  if (page === 'config') {
    return data.config.yaml.replace(/\n$/, '').split('\n').map((l, i) => (
      <Text key={`c-${i}`} wrap="truncate">
        {l || ' '}
      </Text>
    ));
  }
  const t = data.tsdb;
  const h = t.headStats;
  const utc = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') : String(ms));
  return [
    ...(h
      ? [
          <Text key="head" wrap="truncate">
            <Text bold>Head </Text>
            {`${h.numSeries.toLocaleString('en-US')} series, ${h.chunkCount.toLocaleString('en-US')} chunks, ${h.numLabelPairs.toLocaleString('en-US')} label pairs, ${utc(h.minTime)} .. ${utc(h.maxTime)} UTC`}
          </Text>,
          <Text key="head-s"> </Text>,
        ]
      : []),
    ...section('metric', 'Top series count by metric name', t.seriesCountByMetricName, width),
    ...section('labelvalues', 'Top label value count by label name', t.labelValueCountByLabelName, width),
    ...section('memory', 'Top memory use by label name', t.memoryInBytesByLabelName, width, 'bytes'),
    ...section('pairs', 'Top series count by label-value pair', t.seriesCountByLabelValuePair, width),
  ];
}

export interface TsdbViewProps {
  readonly polled: Polled<TsdbData>;
  readonly page: TsdbPage;
  readonly nowMs: number;
  readonly width: number;
  readonly height: number;
  readonly offset?: number;
}

export function TsdbView({ polled, page, nowMs, width, height, offset = 0 }: TsdbViewProps): ReactElement {
  const tab = (p: TsdbPage, key: string, label: string) => (
    <Text inverse={page === p} bold={page === p}>{` ${key} ${label} `}</Text>
  );
  return (
    <>
      <StatusLine polled={polled} nowMs={nowMs} what="tsdb status" />
      <Text wrap="truncate">
        {tab('stats', 's', 'head cardinality')} {tab('flags', 'f', 'flags')} {tab('config', 'c', 'configuration')}
      </Text>
      <Window lines={polled.data ? tsdbLines(polled.data, page, width) : []} height={height - 2} offset={offset} />
    </>
  );
}

export function TsdbScreen({ api, refreshMs, now, width, height, active }: ScreenProps): ReactElement {
  const polled = useTsdb(api, refreshMs, now);
  const [page, setPage] = useState<TsdbPage>('stats');
  useKeys(
    (input) => {
      if (input === 's') setPage('stats');
      else if (input === 'f') setPage('flags');
      else if (input === 'c') setPage('config');
    },
    { isActive: active },
  );
  const total = polled.data ? tsdbLines(polled.data, page, width).length : 0;
  const offset = useScroll(total, height - 2, active);
  return <TsdbView polled={polled} page={page} nowMs={now()} width={width} height={height} offset={offset} />;
}
