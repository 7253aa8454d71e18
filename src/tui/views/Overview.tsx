/**
 * Overview: is the server healthy, what is it doing. One labelled row per fact, so it reads
 * top to bottom at 80 columns.
 */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import { formatAge, formatSeconds, formatValue } from '../format.js';
import { useOverview, type OverviewData } from '../hooks/useOverview.js';
import { useScroll } from '../hooks/useScroll.js';
import { sparkline } from '../sparkline.js';
import { paint, useTheme, type Theme } from '../theme.js';
import { Window } from './Window.js';
import { StatusLine } from './StatusLine.js';
import type { Polled } from '../hooks/usePoll.js';
import type { ScreenProps } from './screen.js';

const LABEL_WIDTH = 13;

export interface OverviewViewProps {
  readonly polled: Polled<OverviewData>;
  readonly nowMs: number;
  readonly width: number;
  readonly height: number;
  readonly offset?: number;
}

export function OverviewView({ polled, nowMs, width, height, offset = 0 }: OverviewViewProps): ReactElement {
  const theme = useTheme();
  const lines = polled.data ? overviewLines(polled.data, nowMs, width, theme) : [];
  return (
    <>
      <StatusLine polled={polled} nowMs={nowMs} what="overview" />
      <Window lines={lines} height={height - 1} offset={offset} />
    </>
  );
}

function row(key: string, label: string, value: ReactElement | string): ReactElement {
  return (
    <Text key={key} wrap="truncate">
      <Text bold>{label.padEnd(LABEL_WIDTH)}</Text>
      {value}
    </Text>
  );
}

export function overviewLines(d: OverviewData, nowMs: number, width: number, theme: Theme): ReactElement[] {
  const lines: ReactElement[] = [];
  if (d.notReady) lines.push(row('ready', 'Status', <Text color={paint(theme, 'yellow')}>starting: not ready yet (replaying the WAL)</Text>));
  const wal = d.wal;
  if (wal && wal.max > 0 && wal.current < wal.max) {
    const total = wal.max - wal.min + 1;
    const done = Math.max(0, wal.current - wal.min);
    const barWidth = Math.max(10, Math.min(40, width - LABEL_WIDTH - 30));
    const filled = Math.round((done / total) * barWidth);
    lines.push(row('wal', 'WAL replay', `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} segment ${wal.current} of ${wal.min}..${wal.max}`));
  }
  if (d.build) lines.push(row('build', 'Server', `version ${d.build.version}${d.build.revision ? ` (revision ${d.build.revision}, ${d.build.goVersion})` : ` (${d.build.goVersion})`}`));
  if (d.runtime) {
    const start = Date.parse(d.runtime.startTime);
    lines.push(row('uptime', 'Uptime', `${formatAge(nowMs - start)} (started ${utc(start)})`));
    const cfg = d.runtime.reloadConfigSuccess;
    lines.push(
      row(
        'config',
        'Config',
        <Text color={paint(theme, cfg ? 'green' : 'red')}>
          {cfg ? 'loaded' : 'last reload FAILED'}
          <Text color={undefined}>{` (last successful load ${utc(Date.parse(d.runtime.lastConfigTime))})`}</Text>
        </Text>,
      ),
    );
    lines.push(row('retention', 'Retention', d.runtime.storageRetention || '-'));
  }
  if (d.tsdb?.headStats) {
    const h = d.tsdb.headStats;
    lines.push(row('head', 'Head', `${h.numSeries.toLocaleString('en-US')} series, ${h.chunkCount.toLocaleString('en-US')} chunks, ${h.numLabelPairs.toLocaleString('en-US')} label pairs`));
  }
  if (d.ingestion) {
    const last = [...d.ingestion].reverse().find((v) => Number.isFinite(v));
    // The rate needs a minute of the server's own samples: say so rather than show zero.
    const rate = last === undefined ? 'no data yet (needs a minute of self-scrapes)' : `${formatValue(last)} samples/s`;
    const sparkWidth = Math.max(10, width - LABEL_WIDTH - rate.length - 3);
    lines.push(
      row(
        'ingest',
        'Ingestion',
        <Text>
          {rate.padEnd(rate.length + 1)}
          <Text color={paint(theme, 'cyan')}>{sparkline(d.ingestion, sparkWidth)}</Text>
        </Text>,
      ),
    );
  }
  if (d.targets) {
    const t = d.targets;
    lines.push(
      row(
        'targets',
        'Targets',
        <Text>
          <Text color={paint(theme, 'green')}>{`${t.up} up`}</Text>
          {', '}
          <Text color={paint(theme, t.down ? 'red' : undefined)}>{`${t.down} down`}</Text>
          {t.unknown ? `, ${t.unknown} unknown` : ''}
          {` in ${t.pools} scrape pool${t.pools === 1 ? '' : 's'}`}
        </Text>,
      ),
    );
  }
  if (d.alerts) {
    lines.push(
      row(
        'alerts',
        'Alerts',
        <Text>
          <Text color={paint(theme, d.alerts.firing ? 'red' : 'green')}>{`${d.alerts.firing} firing`}</Text>
          {`, ${d.alerts.pending} pending`}
        </Text>,
      ),
    );
  }
  if (d.remoteWrite && d.remoteWrite.length > 0) {
    for (const q of d.remoteWrite) lines.push(row(`rw-${q.queue}-${q.url}`, 'Remote write', `${q.queue} lag ${formatSeconds(q.lagSeconds)} (${q.url})`));
  }
  return lines;
}

function utc(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC' : '-';
}

export function OverviewScreen({ api, refreshMs, now, width, height, active }: ScreenProps): ReactElement {
  const polled = useOverview(api, refreshMs, now);
  const total = polled.data ? overviewLines(polled.data, now(), width, { color: false }).length : 0;
  const offset = useScroll(total, height - 1, active);
  return <OverviewView polled={polled} nowMs={now()} width={width} height={height} offset={offset} />;
}
