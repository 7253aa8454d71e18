/** The bottom row: the connection state when it is bad, otherwise the keys that work everywhere. */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { ConnectionState } from '../api/index.js';
import { formatAge, formatSeconds } from '../format.js';
import { paint, useTheme } from '../theme.js';

export interface FooterProps {
  readonly connection: ConnectionState;
  readonly nowMs: number;
  readonly refreshMs: number;
  readonly capturing: boolean;
}

export function Footer({ connection, nowMs, refreshMs, capturing }: FooterProps): ReactElement {
  const theme = useTheme();
  if (!connection.connected) {
    return (
      <Text wrap="truncate" color={paint(theme, 'red')} bold>
        {`disconnected, retrying every ${formatSeconds(refreshMs / 1000)} (for ${formatAge(nowMs - connection.since)}): ${connection.lastError ?? ''}`}
      </Text>
    );
  }
  const keys = capturing ? 'typing: Esc leaves the input · Ctrl-C quits' : '1-6/Tab views · ↑↓ scroll · ? help · q quit';
  return (
    <Text wrap="truncate" dimColor>
      <Text color={paint(theme, 'green')}>●</Text>
      {` connected · refresh ${formatSeconds(refreshMs / 1000)} · ${keys}`}
    </Text>
  );
}
