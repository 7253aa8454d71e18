/**
 * Alerts: every alerting rule, firing first, then pending, then inactive (as Prometheus's
 * /alerts page orders them), with each active alert's labels, annotations and active-since.
 */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { AlertingRule, AlertState, RulesData } from '../api/index.js';
import { ageOf, formatLabels, formatSampleValue, formatSeconds, padEnd } from '../format.js';
import { useAlerts } from '../hooks/useAlerts.js';
import type { Polled } from '../hooks/usePoll.js';
import { useScroll } from '../hooks/useScroll.js';
import { HEALTH_COLORS, paint, useTheme, type Theme } from '../theme.js';
import type { ScreenProps } from './screen.js';
import { StatusLine } from './StatusLine.js';
import { Window } from './Window.js';

const ORDER: Readonly<Record<AlertState, number>> = { firing: 0, pending: 1, inactive: 2 };

export function alertingRules(data: RulesData | undefined): AlertingRule[] {
  const rules: AlertingRule[] = [];
  for (const g of data?.groups ?? []) for (const r of g.rules) if (r.type === 'alerting') rules.push(r);
  // Array.prototype.sort is stable: within a state, rules keep their file order.
  return rules.sort((a, b) => ORDER[a.state] - ORDER[b.state]);
}

export function alertLines(rules: readonly AlertingRule[], nowMs: number, theme: Theme): ReactElement[] {
  const lines: ReactElement[] = [];
  for (const [i, r] of rules.entries()) {
    const id = `${i}-${r.name}`;
    const active = r.alerts.length;
    lines.push(
      <Text key={`r-${id}`} wrap="truncate">
        <Text color={paint(theme, HEALTH_COLORS[r.state])} bold>
          {padEnd(r.state, 9)}
        </Text>
        <Text bold>{r.name}</Text>
        {` (${active} active${r.duration ? `, for ${formatSeconds(r.duration)}` : ''})  `}
        <Text dimColor>{r.query}</Text>
      </Text>,
    );
    if (r.health === 'err' && r.lastError) {
      lines.push(
        <Text key={`re-${id}`} wrap="truncate" color={paint(theme, 'red')}>
          {'         error: ' + r.lastError}
        </Text>,
      );
    }
    for (const [j, a] of r.alerts.entries()) {
      lines.push(
        <Text key={`a-${id}-${j}`} wrap="truncate">
          {'  '}
          <Text color={paint(theme, HEALTH_COLORS[a.state])}>{padEnd(a.state, 8)}</Text>
          {formatLabels(a.labels, ['alertname'])}
          <Text dimColor>{`  since ${ageOf(a.activeAt, nowMs)}  value ${formatSampleValue(a.value)}`}</Text>
        </Text>,
      );
      for (const [k, v] of Object.entries(a.annotations)) {
        lines.push(
          <Text key={`an-${id}-${j}-${k}`} wrap="truncate" dimColor>
            {`          ${k}: ${v.replace(/\s*\n\s*/g, ' ')}`}
          </Text>,
        );
      }
    }
  }
  return lines;
}

export interface AlertsViewProps {
  readonly polled: Polled<RulesData>;
  readonly nowMs: number;
  readonly height: number;
  readonly offset?: number;
}

export function AlertsView({ polled, nowMs, height, offset = 0 }: AlertsViewProps): ReactElement {
  const theme = useTheme();
  const rules = alertingRules(polled.data);
  const count = (s: AlertState) => rules.filter((r) => r.state === s).length;
  const extra = polled.data ? `${count('firing')} firing, ${count('pending')} pending, ${count('inactive')} inactive` : undefined;
  return (
    <>
      <StatusLine polled={polled} nowMs={nowMs} what="alerts" extra={extra} />
      <Window lines={alertLines(rules, nowMs, theme)} height={height - 1} offset={offset} />
    </>
  );
}

export function AlertsScreen({ api, refreshMs, now, height, active }: ScreenProps): ReactElement {
  const polled = useAlerts(api, refreshMs, now);
  const total = alertLines(alertingRules(polled.data), now(), { color: false }).length;
  const offset = useScroll(total, height - 1, active);
  return <AlertsView polled={polled} nowMs={now()} height={height} offset={offset} />;
}
