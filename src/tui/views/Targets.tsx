/**
 * Targets: grouped by scrape pool as Prometheus's /targets page does, health coloured, with
 * labels, last scrape age, scrape duration and the last error. `/` filters.
 */
import { useLayoutEffect, useRef, useState, type ReactElement } from 'react';
import { Text } from 'ink';
import { useKeys } from '../keys.js';
import type { Target, TargetsData } from '../api/index.js';
import { ageOf, formatLabels, formatSeconds, padEnd, padStart } from '../format.js';
import type { Polled } from '../hooks/usePoll.js';
import { useScroll } from '../hooks/useScroll.js';
import { useTargets } from '../hooks/useTargets.js';
import { HEALTH_COLORS, paint, useTheme, type Theme } from '../theme.js';
import { LineInput, editLine, type LineState } from './LineInput.js';
import type { ScreenProps } from './screen.js';
import { StatusLine } from './StatusLine.js';
import { Window } from './Window.js';

export interface TargetsViewProps {
  readonly polled: Polled<TargetsData>;
  readonly nowMs: number;
  readonly width: number;
  readonly height: number;
  readonly filter: string;
  /** Set while the filter is being typed (shows the input row). */
  readonly editing?: LineState;
  readonly offset?: number;
}

export function matchesFilter(t: Target, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  const hay = [t.scrapePool, t.scrapeUrl, t.health, t.lastError, formatLabels(t.labels)].join(' ').toLowerCase();
  return f.split(/\s+/).every((word) => hay.includes(word));
}

export function targetLines(targets: readonly Target[], filter: string, nowMs: number, width: number, theme: Theme): ReactElement[] {
  const pools = new Map<string, Target[]>();
  for (const t of targets) {
    if (!matchesFilter(t, filter)) continue;
    const list = pools.get(t.scrapePool) ?? [];
    list.push(t);
    pools.set(t.scrapePool, list);
  }
  const lines: ReactElement[] = [];
  const urlWidth = Math.max(20, width - 2 - 6 - 12 - 9);
  for (const pool of [...pools.keys()].sort()) {
    const list = pools.get(pool)!;
    const up = list.filter((t) => t.health === 'up').length;
    lines.push(
      <Text key={`pool-${pool}`} wrap="truncate" bold>
        {pool}
        <Text color={paint(theme, up === list.length ? 'green' : 'red')}>{`  ${up}/${list.length} up`}</Text>
      </Text>,
    );
    for (const t of list) {
      const id = `${pool}-${t.scrapeUrl}-${formatLabels(t.labels)}`;
      lines.push(
        <Text key={`t-${id}`} wrap="truncate">
          {'  '}
          <Text color={paint(theme, HEALTH_COLORS[t.health])} bold>
            {padEnd(t.health, 6)}
          </Text>
          {padEnd(t.scrapeUrl, urlWidth)}
          {padStart(ageOf(t.lastScrape, nowMs), 12)}
          {padStart(formatSeconds(t.lastScrapeDuration), 9)}
        </Text>,
      );
      lines.push(
        <Text key={`l-${id}`} wrap="truncate" dimColor>
          {'        ' + formatLabels(t.labels)}
        </Text>,
      );
      if (t.lastError) {
        lines.push(
          <Text key={`e-${id}`} wrap="truncate" color={paint(theme, 'red')}>
            {'        error: ' + t.lastError}
          </Text>,
        );
      }
    }
  }
  return lines;
}

export function TargetsView({ polled, nowMs, width, height, filter, editing, offset = 0 }: TargetsViewProps): ReactElement {
  const theme = useTheme();
  const targets = polled.data?.activeTargets ?? [];
  const lines = targetLines(targets, filter, nowMs, width, theme);
  const shown = targets.filter((t) => matchesFilter(t, filter)).length;
  const extra = filter ? `filter "${filter}": ${shown} of ${targets.length} targets` : `${targets.length} targets  (/ to filter)`;
  return (
    <>
      <StatusLine polled={polled} nowMs={nowMs} what="targets" extra={extra} />
      {editing ? <LineInput prompt="filter: " state={editing} width={width} /> : null}
      <Window lines={lines} height={height - (editing ? 2 : 1)} offset={offset} />
    </>
  );
}

export function TargetsScreen({ api, refreshMs, now, width, height, active, onCapture }: ScreenProps): ReactElement {
  const polled = useTargets(api, refreshMs, now);
  const [filter, setFilter] = useState('');
  const [editing, setEditingState] = useState<LineState | undefined>(undefined);
  // Updated per key, not per render: keys can arrive faster than frames (see useQuery).
  const editRef = useRef<LineState | undefined>(undefined);
  const setEditing = (s: LineState | undefined) => {
    if ((editRef.current === undefined) !== (s === undefined)) onCapture(s !== undefined);
    editRef.current = s;
    setEditingState(s);
  };
  // Layout effects: they run in the commit that shows or hides the view, before any next key.
  useLayoutEffect(() => {
    onCapture(active && editing !== undefined);
  }, [onCapture, active, editing]);
  useLayoutEffect(() => () => onCapture(false), [onCapture]);
  const total = targetLines(polled.data?.activeTargets ?? [], filter, now(), width, { color: false }).length;
  const offset = useScroll(total, height - (editing ? 2 : 1), active && !editing);
  useKeys(
    (input, key) => {
      const cur = editRef.current;
      if (!cur) {
        if (input === '/') setEditing({ text: filter, cursor: filter.length }); else if (key.escape && filter) setFilter('');
        return;
      }
      if (key.return || key.escape) {
        // Enter keeps the filter, Esc drops it.
        setEditing(undefined);
        if (key.escape) setFilter('');
        return;
      }
      const next = editLine(cur, input, key);
      setEditing(next);
      setFilter(next.text); // filter as you type
    },
    { isActive: active },
  );
  return <TargetsView polled={polled} nowMs={now()} width={width} height={height} filter={filter} editing={editing} offset={offset} />;
}
