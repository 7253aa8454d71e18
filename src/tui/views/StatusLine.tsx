/** The first row of every view: loading, the last error, or how fresh the data is. */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import { formatAge } from '../format.js';
import type { Polled } from '../hooks/usePoll.js';
import { paint, useTheme } from '../theme.js';

export interface StatusLineProps {
  readonly polled: Polled<unknown>;
  readonly nowMs: number;
  readonly what: string;
  /** Extra text at the end (a filter, a count). */
  readonly extra?: string;
}

export function StatusLine({ polled, nowMs, what, extra }: StatusLineProps): ReactElement {
  const theme = useTheme();
  const age = polled.updatedAt !== undefined ? formatAge(nowMs - polled.updatedAt) : undefined;
  const tail = extra ? `  ${extra}` : '';
  if (polled.error && (polled.error.kind === 'network' || polled.error.kind === 'timeout')) {
    return (
      <Text wrap="truncate" color={paint(theme, 'yellow')}>
        {age ? `${what}: data from ${age} ago, server unreachable${tail}` : `${what}: waiting for the server…${tail}`}
      </Text>
    );
  }
  if (polled.error && polled.error.kind !== 'aborted') {
    return (
      <Text wrap="truncate" color={paint(theme, 'red')}>
        {`${what}: error: ${polled.error.message}${age ? ` (data from ${age} ago)` : ''}${tail}`}
      </Text>
    );
  }
  if (polled.loading && !age) return <Text dimColor wrap="truncate">{`loading ${what}…${tail}`}</Text>;
  return <Text dimColor wrap="truncate">{`${what} updated ${age ?? '?'} ago${tail}`}</Text>;
}
