/**
 * A one-line text editor as a pure function of (state, key): the Query input and the target
 * filter share it. Readline-style keys, because that is what people over SSH already type:
 * ←/→, Home/End or Ctrl-A/Ctrl-E, Backspace, Ctrl-U (to start), Ctrl-K (to end), Ctrl-W (word).
 */
import type { Key } from 'ink';

export interface LineState {
  readonly text: string;
  /** Cursor position in UTF-16 units, 0..text.length. */
  readonly cursor: number;
}

export function editLine(s: LineState, input: string, key: Key): LineState {
  const { text, cursor } = s;
  if (key.leftArrow) return { text, cursor: Math.max(0, cursor - 1) };
  if (key.rightArrow) return { text, cursor: Math.min(text.length, cursor + 1) };
  if (key.home || (key.ctrl && input === 'a')) return { text, cursor: 0 };
  if (key.end || (key.ctrl && input === 'e')) return { text, cursor: text.length };
  // Terminals send DEL (0x7f) for Backspace and ink reports it as `delete`: both erase backwards.
  if (key.backspace || key.delete) {
    if (cursor === 0) return s;
    return { text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 };
  }
  if (key.ctrl && input === 'u') return { text: text.slice(cursor), cursor: 0 };
  if (key.ctrl && input === 'k') return { text: text.slice(0, cursor), cursor };
  if (key.ctrl && input === 'w') {
    const before = text.slice(0, cursor).replace(/\s+$/, '');
    const start = before.search(/[^\s(){}[\],]*$/);
    return { text: text.slice(0, start) + text.slice(cursor), cursor: start };
  }
  if (key.ctrl || key.meta || key.tab || key.return || key.escape || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return s;
  // Printable text, possibly several characters at once (a paste, or tmux send-keys).
  const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
  if (!printable) return s;
  return { text: text.slice(0, cursor) + printable + text.slice(cursor), cursor: cursor + printable.length };
}

