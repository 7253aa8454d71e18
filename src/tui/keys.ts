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
