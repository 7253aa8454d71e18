/**
 * A scrolled window over a list of one-row lines. Every view renders its content as rows of
 * exactly one terminal line (text is truncated, never wrapped), so the window can promise
 * the layout fits the terminal at any size, 80×24 included.
 */
import type { ReactElement } from 'react';
import { Box, Text } from 'ink';

export interface WindowProps {
  readonly lines: readonly ReactElement[];
  readonly height: number;
  readonly offset: number;
}

/** The largest useful offset: the last line sits on the last row. */
export function maxOffset(total: number, height: number): number {
  return Math.max(0, total - height);
}

export function Window({ lines, height, offset }: WindowProps): ReactElement {
  const start = Math.min(Math.max(0, offset), maxOffset(lines.length, height));
  const more = lines.length - start - height;
  const shown = lines.slice(start, start + (more > 0 ? height - 1 : height));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown}
      {more > 0 ? (
        <Text key="__more" dimColor wrap="truncate">
          {`  ↓ ${more + 1} more lines (↑/↓, PgUp/PgDn)`}
        </Text>
      ) : null}
    </Box>
  );
}
