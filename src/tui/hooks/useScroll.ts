/**
 * Scrolling a Window with ↑/↓, PgUp/PgDn/space, Home/End (and j/k). Shared by the list views, so
 * every page scrolls the same way. Inactive while a text input owns the keyboard.
 */
import { useState } from 'react';
import { useKeys } from '../keys.js';
import { maxOffset } from '../views/Window.js';

export function useScroll(total: number, height: number, active: boolean): number {
  const [offset, setOffset] = useState(0);
  const max = maxOffset(total, height);
  useKeys(
    (input, key) => {
      const page = Math.max(1, height - 2);
      if (key.upArrow || input === 'k') setOffset((o) => Math.max(0, Math.min(o, max) - 1));
      else if (key.downArrow || input === 'j') setOffset((o) => Math.min(max, o + 1));
      else if (key.pageUp) setOffset((o) => Math.max(0, Math.min(o, max) - page));
      else if (key.pageDown || input === ' ') setOffset((o) => Math.min(max, o + page));
      else if (key.home) setOffset(0);
      else if (key.end) setOffset(max);
    },
    { isActive: active },
  );
  return Math.min(offset, max);
}
