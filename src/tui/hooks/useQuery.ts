/**
 * The Query view's state and keys: the PromQL input (history, Tab completion), running
 * instant or range queries without blocking the UI (a spinner while one runs, Esc cancels
 * it), and re-running the last query on the refresh interval so a graph stays live.
 *
 * Two modes, because typed text and shortcut keys share the keyboard: while editing, every
 * key goes to the input (Esc leaves it); otherwise g / + / - / ↑↓ / Enter act on the results.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useKeys } from '../keys.js';
import type { ApiClient, ApiErrorKind, QueryData } from '../api/index.js';
import { parseQueryError, type QueryErrorText } from '../caret.js';
import { complete, completionContext, PROMQL_AGGREGATIONS, PROMQL_FUNCTIONS } from '../completion.js';
import { editLine, type LineState } from '../lineEdit.js';

export type QueryMode = 'table' | 'graph';

export interface QueryOutcome {
  readonly query: string;
  readonly mode: QueryMode;
  readonly data: QueryData;
  readonly tookMs: number;
  /** Range queries: the window and step asked for, unix seconds. */
  readonly start?: number;
  readonly end?: number;
  readonly step?: number;
  readonly warnings?: readonly string[];
}

export interface QueryFailure {
  readonly query: string;
  readonly kind: ApiErrorKind;
  readonly error: QueryErrorText;
}

export interface QueryState {
  readonly line: LineState;
  readonly editing: boolean;
  readonly mode: QueryMode;
  /** Range of the graph, seconds. */
  readonly rangeS: number;
  /** Set while a query runs: what and since when (unix ms). */
  readonly running?: { readonly query: string; readonly startedAt: number };
  readonly result?: QueryOutcome;
  readonly failure?: QueryFailure;
  /** Completion candidates left after the last Tab, shown under the input. */
  readonly choices: readonly string[];
  /** Set when the user cancelled the last query with Esc. */
  readonly cancelled: boolean;
}

/** The graph ranges + and - step through. */
export const RANGES_S = [300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400] as const;
/** Prometheus's own default query timeout (--query.timeout=2m). */
const QUERY_TIMEOUT_MS = 120_000;
const FUNCTIONS = new Set([...PROMQL_FUNCTIONS, ...PROMQL_AGGREGATIONS]);

export interface UseQueryOptions {
  readonly api: ApiClient;
  readonly now: () => number;
  readonly refreshMs: number;
  /** Braille columns of the chart: a range query asks for two points per column. */
  readonly plotColumns: number;
  readonly active: boolean;
  readonly onCapture: (capturing: boolean) => void;
  readonly initialQuery?: string;
}

export function useQuery(o: UseQueryOptions): QueryState & { readonly history: readonly string[] } {
  const { api, now } = o;
  const [state, setState] = useState<QueryState>({
    line: { text: o.initialQuery ?? '', cursor: (o.initialQuery ?? '').length },
    editing: true,
    mode: 'table',
    rangeS: 3600,
    choices: [],
    cancelled: false,
  });
  const [history, setHistory] = useState<readonly string[]>([]);
  const historyRef = useRef<readonly string[]>([]);
  // Position while walking the history with ↑/↓ (history.length = the line being typed).
  const histPos = useRef(0);
  const draft = useRef('');
  const inflight = useRef<AbortController | undefined>(undefined);
  // Keys can arrive faster than React renders (a paste, or tmux sending "up" and Enter in one
  // write), so the line and the mode are tracked in refs updated per key, not per render.
  const lineRef = useRef(state.line);
  const editingRef = useRef(state.editing);
  const modeRef = useRef(state.mode);
  const rangeRef = useRef(state.rangeS);
  const setLine = (line: LineState, choices: readonly string[] = []) => {
    lineRef.current = line;
    setState((s) => ({ ...s, line, choices }));
  };
  const names = useRef<{ metrics: readonly string[]; labels: readonly string[]; values: Map<string, readonly string[]> }>({ metrics: [], labels: [], values: new Map() });
  const onCapture = o.onCapture;

  // While visible and editing, the input has the keyboard; App's keys (1-6, q, Tab) pause.
  // Layout effects: they run in the commit that shows or hides the view, before any next key.
  useLayoutEffect(() => {
    onCapture(o.active && state.editing);
  }, [onCapture, o.active, state.editing]);
  useLayoutEffect(() => () => onCapture(false), [onCapture]);

  // Names for completion, fetched each time the view is shown (the view stays mounted, and
  // the server may have been down, or have new metrics, since the last time).
  useEffect(() => {
    if (!o.active) return;
    const ctrl = new AbortController();
    void api.labelValues('__name__', ctrl.signal).then((r) => r.ok && (names.current.metrics = r.data));
    void api.labelNames(ctrl.signal).then((r) => r.ok && (names.current.labels = r.data));
    names.current.values.clear();
    return () => ctrl.abort();
  }, [api, o.active]);

  const run = useCallback(
    async (query: string, mode: QueryMode, rangeS: number, background = false) => {
      if (!query.trim()) return;
      // A refresh never replaces a query the user started; a user's query replaces anything.
      if (background && inflight.current) return;
      inflight.current?.abort();
      const ctrl = new AbortController();
      inflight.current = ctrl;
      const startedAt = now();
      if (!background) setState((s) => ({ ...s, running: { query, startedAt }, cancelled: false, choices: [] }));
      const end = Math.floor(startedAt / 1000);
      const start = end - rangeS;
      const step = Math.max(1, Math.ceil(rangeS / Math.max(20, o.plotColumns * 2)));
      const r = mode === 'graph' ? await api.queryRange(query, start, end, step, ctrl.signal, QUERY_TIMEOUT_MS) : await api.query(query, ctrl.signal, undefined, QUERY_TIMEOUT_MS);
      if (inflight.current !== ctrl) return; // a newer query replaced this one
      inflight.current = undefined;
      if (!r.ok && r.error.kind === 'aborted') return setState((s) => ({ ...s, running: undefined, cancelled: true }));
      if (!r.ok) {
        if (background && (r.error.kind === 'network' || r.error.kind === 'timeout')) return; // keep the last result; the status bar says why
        return setState((s) => ({ ...s, running: undefined, result: undefined, failure: { query, kind: r.error.kind, error: parseQueryError(r.error.message) } }));
      }
      const outcome: QueryOutcome = { query, mode, data: r.data, tookMs: now() - startedAt, warnings: r.warnings, ...(mode === 'graph' ? { start, end, step } : {}) };
      setState((s) => ({ ...s, running: undefined, failure: undefined, result: outcome }));
    },
    [api, now, o.plotColumns],
  );

  // Abort whatever runs when the view goes away.
  useEffect(() => () => inflight.current?.abort(), []);

  // Keep the last result live: re-run it on the refresh interval, quietly.
  // Not while hidden: the view stays mounted (to keep its history) but should cost nothing.
  useEffect(() => {
    const r = state.result;
    if (!r || state.running || !o.active) return;
    const t = setTimeout(() => void run(r.query, r.mode, rangeRef.current, true), o.refreshMs);
    return () => clearTimeout(t);
  }, [state.result, state.running, o.refreshMs, o.active, run]);

  const cancel = () => {
    inflight.current?.abort();
  };

  const tabComplete = async () => {
    const line = lineRef.current;
    const ctx = completionContext(line.text, line.cursor);
    let candidates: readonly string[] = [];
    if (ctx.kind === 'metric') candidates = [...names.current.metrics, ...FUNCTIONS, 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless'];
    else if (ctx.kind === 'label_name') candidates = names.current.labels;
    else if (ctx.kind === 'label_value' && ctx.labelName) {
      let values = names.current.values.get(ctx.labelName);
      if (!values) {
        const r = await api.labelValues(ctx.labelName);
        values = r.ok ? r.data : [];
        names.current.values.set(ctx.labelName, values);
      }
      candidates = values;
    }
    if (lineRef.current !== line) return; // typed on meanwhile
    const c = complete(line.text, line.cursor, ctx, candidates, FUNCTIONS);
    setLine({ text: c.text, cursor: c.cursor }, c.choices);
  };

  const submitHistory = (text: string) => {
    const h = historyRef.current;
    if (text.trim() && h[h.length - 1] !== text) {
      historyRef.current = [...h, text];
      setHistory(historyRef.current);
    }
    histPos.current = historyRef.current.length;
  };

  const submit = (text: string) => {
    submitHistory(text);
    void run(text, modeRef.current, rangeRef.current);
  };

  const setEditing = (editing: boolean) => {
    editingRef.current = editing;
    onCapture(editing);
    setState((s) => ({ ...s, editing, choices: [] }));
  };

  const toggleMode = () => {
    const mode: QueryMode = modeRef.current === 'table' ? 'graph' : 'table';
    modeRef.current = mode;
    setState((s) => ({ ...s, mode }));
    // While editing, the typed text is what the user means; otherwise the shown result's query.
    const typed = lineRef.current.text;
    const q = editingRef.current && typed.trim() ? typed : (state.result?.query ?? typed);
    if (q === typed && typed.trim()) submitHistory(typed);
    if (q.trim()) void run(q, mode, rangeRef.current);
  };

  const changeRange = (dir: 1 | -1) => {
    const i = RANGES_S.findIndex((r) => r >= rangeRef.current);
    const rangeS = RANGES_S[Math.min(RANGES_S.length - 1, Math.max(0, (i < 0 ? RANGES_S.length - 1 : i) + dir))]!;
    rangeRef.current = rangeS;
    setState((s) => ({ ...s, rangeS }));
    const q = state.result?.query;
    if (q && modeRef.current === 'graph') void run(q, 'graph', rangeS);
  };

  useKeys(
    (input, key) => {
      if (key.escape) {
        if (inflight.current && state.running) return cancel();
        if (editingRef.current && state.choices.length) return setState((s) => ({ ...s, choices: [] }));
        if (editingRef.current) return setEditing(false);
        return;
      }
      if (!editingRef.current) {
        if (key.return || input === 'e' || input === 'i' || input === '/') setEditing(true);
        else if (input === 'g') toggleMode();
        else if (input === '+' || input === '=') changeRange(1);
        else if (input === '-') changeRange(-1);
        return;
      }
      if (key.return) return submit(lineRef.current.text);
      if (key.tab) return void tabComplete();
      if (key.ctrl && input === 'g') return toggleMode();
      if (key.upArrow || key.downArrow) {
        const history = historyRef.current;
        const pos = Math.min(history.length, Math.max(0, histPos.current + (key.upArrow ? -1 : 1)));
        if (pos === histPos.current) return;
        if (histPos.current === history.length) draft.current = lineRef.current.text;
        histPos.current = pos;
        const text = pos === history.length ? draft.current : history[pos]!;
        return setLine({ text, cursor: text.length });
      }
      const line = editLine(lineRef.current, input, key);
      if (line !== lineRef.current) setLine(line);
    },
    { isActive: o.active },
  );

  return { ...state, history };
}
