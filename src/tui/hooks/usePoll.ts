/**
 * The polling loop every view hook is built on: load, wait `intervalMs` after the answer,
 * load again. The next request starts only after the previous one ended, so a slow server
 * gets one request at a time instead of a pile. The last good data is kept through errors,
 * so a view shows stale numbers plus the error instead of going blank when the server goes
 * away; it recovers on the next successful poll. Unmounting aborts the request in flight.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, ApiResult } from '../api/index.js';

export interface Polled<T> {
  readonly data?: T;
  readonly error?: ApiError;
  /** Unix ms of the last successful load. */
  readonly updatedAt?: number;
  readonly loading: boolean;
}

export function usePoll<T>(load: (signal: AbortSignal) => Promise<ApiResult<T>>, intervalMs: number, now: () => number, deps: readonly unknown[] = []): Polled<T> & { refresh: () => void } {
  const [state, setState] = useState<Polled<T>>({ loading: true });
  const [generation, setGeneration] = useState(0);
  // The latest load function, so a re-render with a new closure does not restart the loop.
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let ctrl: AbortController | undefined;
    const tick = async () => {
      ctrl = new AbortController();
      const r = await loadRef.current(ctrl.signal);
      if (stopped) return;
      if (r.ok) setState({ data: r.data, updatedAt: now(), loading: false });
      else if (r.error.kind !== 'aborted') setState((s) => ({ ...s, error: r.error, loading: false }));
      timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      ctrl?.abort();
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [intervalMs, generation, ...deps]);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, refresh };
}

/** Runs several loads at once and succeeds only when all do (one request per endpoint per poll). */
export async function all<T extends Record<string, Promise<ApiResult<unknown>>>>(loads: T): Promise<ApiResult<{ [K in keyof T]: T[K] extends Promise<ApiResult<infer U>> ? U : never }>> {
  const keys = Object.keys(loads);
  const results = await Promise.all(Object.values(loads));
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const r = results[i]!;
    if (!r.ok) return r;
    out[keys[i]!] = r.data;
  }
  return { ok: true, data: out as never };
}
