/**
 * One keyboard listener for the whole dashboard, routing keys to the views that want them.
 *
 * ink's useInput registers its listener in a passive effect, so a view that was just shown
 * misses keys typed before that effect ran, and ink turns raw mode off whenever no useInput
 * is active (echoing keys for a moment). Here App owns the only useInput; views register in
 * a layout effect (during the commit that shows them) and their handler and active flag are
 * refs updated at render, so no key falls between a view switch and the next keystroke.
 */
import { createContext, useContext, useLayoutEffect, useRef } from 'react';
import type { Key } from 'ink';

export type KeyHandler = (input: string, key: Key) => void;

interface Entry {
  readonly handler: { current: KeyHandler };
  readonly active: { current: boolean };
}

export type KeyRouter = Set<Entry>;

export const KeysContext = createContext<KeyRouter | undefined>(undefined);

export function createKeyRouter(): KeyRouter {
  return new Set();
}

/** Like ink's useInput, through App's router. */
export function useKeys(handler: KeyHandler, opts: { readonly isActive?: boolean } = {}): void {
  const router = useContext(KeysContext);
  const h = useRef(handler);
  h.current = handler;
  const a = useRef(opts.isActive ?? true);
  a.current = opts.isActive ?? true;
  useLayoutEffect(() => {
    if (!router) return;
    const e: Entry = { handler: h, active: a };
    router.add(e);
    return () => {
      router.delete(e);
    };
  }, [router]);
}

/** Hands a key to every active handler, in the order they registered. */
export function routeKey(router: KeyRouter, input: string, key: Key): void {
  for (const e of [...router]) if (e.active.current) e.handler.current(input, key);
}

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

/**
 * ink splits escape sequences but hands over a run of plain bytes as one input, so keys that
 * arrive together (tmux send-keys, a fast typist over SSH: "ab\x15" or Ctrl-G Ctrl-U) would
 * be one unparsed string. This splits such a chunk into printable runs and single control
 * keys, each with the Key ink would have reported for it alone.
 */
export function splitChunk(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || !/[\x00-\x1f\x7f]/.test(input)) return [[input, key]];
  const out: [string, Key][] = [];
  for (const part of input.split(/([\x00-\x1f\x7f])/)) {
    if (!part) continue;
    const c = part.charCodeAt(0);
    if (part.length > 1 || (c > 0x1f && c !== 0x7f)) out.push([part, NO_KEY]);
    else if (c === 0x0d || c === 0x0a) out.push(['', { ...NO_KEY, return: true }]);
    else if (c === 0x09) out.push(['', { ...NO_KEY, tab: true }]);
    else if (c === 0x1b) out.push(['', { ...NO_KEY, escape: true, meta: true }]);
    else if (c === 0x7f) out.push(['', { ...NO_KEY, delete: true }]);
    else if (c === 0x08) out.push(['', { ...NO_KEY, backspace: true }]);
    else out.push([String.fromCharCode(c + 0x60), { ...NO_KEY, ctrl: true }]);
  }
  return out;
}
