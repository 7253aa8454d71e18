/**
 * Rules: each rule group with its file, interval, last evaluation and duration, then its
 * rules with health, last evaluation and the last error, as Prometheus's /rules page shows.
 */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { RuleGroup, RulesData } from '../api/index.js';
import { ageOf, formatSeconds, padEnd, padStart } from '../format.js';
import type { Polled } from '../hooks/usePoll.js';
import { useRules } from '../hooks/useRules.js';
import { useScroll } from '../hooks/useScroll.js';
import { HEALTH_COLORS, paint, useTheme, type Theme } from '../theme.js';
import type { ScreenProps } from './screen.js';
import { StatusLine } from './StatusLine.js';
import { Window } from './Window.js';

export function ruleLines(groups: readonly RuleGroup[], nowMs: number, width: number, theme: Theme): ReactElement[] {
  const lines: ReactElement[] = [];
  const nameWidth = Math.min(32, Math.max(12, Math.floor(width / 3)));
  const exprWidth = Math.max(10, width - 2 - 5 - 7 - nameWidth - 22);
  for (const [gi, g] of groups.entries()) {
    lines.push(
      <Text key={`g-${gi}`} wrap="truncate">
        <Text bold>{g.name}</Text>
        {/* The file goes last: it is often a long absolute path. */}
        <Text dimColor>{`  every ${formatSeconds(g.interval)}  evaluated ${ageOf(g.lastEvaluation, nowMs)} in ${formatSeconds(g.evaluationTime)}  ${g.file}`}</Text>
      </Text>,
    );
    for (const [ri, r] of g.rules.entries()) {
      const health = r.health || 'unknown';
      lines.push(
        <Text key={`r-${gi}-${ri}`} wrap="truncate">
          {'  '}
          <Text color={paint(theme, HEALTH_COLORS[health])} bold>
            {padEnd(health, 5)}
          </Text>
          {padEnd(r.type === 'alerting' ? 'alert' : 'record', 7)}
          {padEnd(r.name, nameWidth)}
          <Text dimColor>{padEnd(r.query, exprWidth)}</Text>
          {padStart(ageOf(r.lastEvaluation, nowMs), 12)}
          {padStart(formatSeconds(r.evaluationTime), 10)}
        </Text>,
      );
      if (r.lastError) {
        lines.push(
          <Text key={`e-${gi}-${ri}`} wrap="truncate" color={paint(theme, 'red')}>
            {'         error: ' + r.lastError.replace(/\s*\n\s*/g, ' ')}
          </Text>,
        );
      }
    }
  }
  return lines;
}

export interface RulesViewProps {
  readonly polled: Polled<RulesData>;
  readonly nowMs: number;
  readonly width: number;
  readonly height: number;
  readonly offset?: number;
}

export function RulesView({ polled, nowMs, width, height, offset = 0 }: RulesViewProps): ReactElement {
  const theme = useTheme();
  const groups = polled.data?.groups ?? [];
  const rules = groups.reduce((n, g) => n + g.rules.length, 0);
  const errors = groups.reduce((n, g) => n + g.rules.filter((r) => r.health === 'err').length, 0);
  const extra = polled.data ? `${groups.length} groups, ${rules} rules, ${errors} with errors` : undefined;
  return (
    <>
      <StatusLine polled={polled} nowMs={nowMs} what="rules" extra={extra} />
      <Window lines={ruleLines(groups, nowMs, width, theme)} height={height - 1} offset={offset} />
    </>
  );
}

export function RulesScreen({ api, refreshMs, now, width, height, active }: ScreenProps): ReactElement {
  const polled = useRules(api, refreshMs, now);
  const total = ruleLines(polled.data?.groups ?? [], now(), width, { color: false }).length;
  const offset = useScroll(total, height - 1, active);
  return <RulesView polled={polled} nowMs={now()} width={width} height={height} offset={offset} />;
}
