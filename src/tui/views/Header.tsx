/** The top row: the tabs (number keys) and where the dashboard points. */
import type { ReactElement } from 'react';
import { Box, Text } from 'ink';
import { fit } from '../format.js';
import { paint, useTheme } from '../theme.js';

export const VIEWS = ['Overview', 'Targets', 'Alerts', 'Rules', 'Query', 'TSDB'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface HeaderProps {
  readonly view: ViewName;
  readonly url: string;
  readonly width: number;
}

export function Header({ view, url, width }: HeaderProps): ReactElement {
  const theme = useTheme();
  const tabs = VIEWS.map((v, i) => ({ v, label: ` ${i + 1} ${v} ` }));
  const used = 8 + tabs.reduce((n, t) => n + t.label.length, 0);
  return (
    <Box width={width}>
      <Text bold color={paint(theme, 'magenta')}>
        {' promts '}
      </Text>
      {tabs.map((t) => (
        <Text key={t.v} inverse={t.v === view} bold={t.v === view}>
          {t.label}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {' ' + fit(url.replace(/^https?:\/\//, ''), Math.max(0, width - used - 1))}
      </Text>
    </Box>
  );
}
