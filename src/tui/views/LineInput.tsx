/**
 * One line of editable text with a visible cursor (an inverse cell). Long text scrolls
 * sideways so the cursor always stays on screen.
 */
import type { ReactElement } from 'react';
import { Text } from 'ink';
import type { LineState } from '../lineEdit.js';

export type { LineState } from '../lineEdit.js';
export { editLine } from '../lineEdit.js';

export interface LineInputProps {
  readonly prompt: string;
  readonly state: LineState;
  readonly width: number;
  /** Without focus the cursor is not drawn. */
  readonly focused?: boolean;
  readonly placeholder?: string;
}

export function LineInput({ prompt, state, width, focused = true, placeholder }: LineInputProps): ReactElement {
  const room = Math.max(5, width - prompt.length - 1);
  // Keep the cursor inside the visible slice: scroll so it sits at most at the last column.
  const start = Math.max(0, state.cursor - room + 1);
  const visible = state.text.slice(start, start + room);
  const at = state.cursor - start;
  if (!state.text && placeholder && !focused) {
    return (
      <Text wrap="truncate">
        <Text bold>{prompt}</Text>
        <Text dimColor>{placeholder}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Text bold>{prompt}</Text>
      {visible.slice(0, at)}
      {focused ? <Text inverse>{visible[at] ?? ' '}</Text> : (visible[at] ?? '')}
      {visible.slice(at + 1)}
    </Text>
  );
}
