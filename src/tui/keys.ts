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
 * arrive together (tmux send-keys, a fast typist over SSH: "/refused\r" or Ctrl-G Ctrl-U)
 * would be one unparsed string. This splits such a chunk into single keys, each with the Key
 * ink would have reported for it alone; handlers then see one key at a time, as typed.
 */
export function splitChunk(input: string, key: Key): [string, Key][] {
  const chars = [...input];
  const special = key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end || key.meta;
  if (chars.length <= 1 || special) return [[input, key]];
  return chars.map((ch): [string, Key] => {
    const c = ch.codePointAt(0)!;
    if (c > 0x1f && c !== 0x7f) return [ch, { ...NO_KEY, shift: /[A-Z]/.test(ch) }];
    if (c === 0x0d || c === 0x0a) return ['', { ...NO_KEY, return: true }];
    if (c === 0x09) return ['', { ...NO_KEY, tab: true }];
    if (c === 0x1b) return ['', { ...NO_KEY, escape: true, meta: true }];
    if (c === 0x7f) return ['', { ...NO_KEY, delete: true }];
    if (c === 0x08) return ['', { ...NO_KEY, backspace: true }];
    return [String.fromCharCode(c + 0x60), { ...NO_KEY, ctrl: true }];
  });
}
