/**
 * The dashboard's frame: header tabs, the selected view, the footer, the help page, and the
 * keys that work everywhere. Views are mounted only while shown (so only the visible one
 * polls), except Query, which stays mounted to keep its input and history across switches.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import type { ApiClient } from './api/index.js';
import { useConnection } from './hooks/useConnection.js';
import { useTerminalSize, type SizedStream } from './hooks/useTerminalSize.js';
import { ThemeContext } from './theme.js';
import { createKeyRouter, KeysContext, routeKey, splitChunk } from './keys.js';
import { AlertsScreen } from './views/Alerts.js';
import { Footer } from './views/Footer.js';
import { Header, VIEWS, type ViewName } from './views/Header.js';
import { Help } from './views/Help.js';
import { OverviewScreen } from './views/Overview.js';
import { QueryScreen } from './views/Query.js';
import { RulesScreen } from './views/Rules.js';
import type { ScreenProps } from './views/screen.js';
import { TargetsScreen } from './views/Targets.js';
import { TsdbScreen } from './views/Tsdb.js';

export interface DashboardProps {
  readonly api: ApiClient;
  readonly refreshMs: number;
  readonly now: () => number;
  /** Where the size comes from and resize events arrive. */
  readonly stdout: SizedStream;
  readonly color: boolean;
  readonly initialView?: ViewName;
}

const SCREENS: Readonly<Record<Exclude<ViewName, 'Query'>, (p: ScreenProps) => ReactElement>> = {
  Overview: OverviewScreen,
  Targets: TargetsScreen,
  Alerts: AlertsScreen,
  Rules: RulesScreen,
  TSDB: TsdbScreen,
};

/** Smallest size the layout is drawn at; below it a one-line notice replaces it. */
const MIN_COLUMNS = 40;
const MIN_ROWS = 8;

export function Dashboard({ api, refreshMs, now, stdout, color, initialView = 'Overview' }: DashboardProps): ReactElement {
  const { columns, rows } = useTerminalSize(stdout);
  // view and help are read by the key handler through refs: ink swaps its listener in a
  // passive effect after each render, so the next key may still reach the previous closure.
  const [view, setViewState] = useState<ViewName>(initialView);
  const [help, setHelpState] = useState(false);
  const viewRef = useRef(view);
  const helpRef = useRef(help);
  const setView = (v: ViewName) => {
    viewRef.current = v;
    setViewState(v);
  };
  const setHelp = (h: boolean) => {
    helpRef.current = h;
    setHelpState(h);
  };
  const [capturing, setCapturingState] = useState(false);
  const connection = useConnection(api);
  const { exit } = useApp();
  // Ages ("3s ago") and the footer move on their own: redraw once a second.
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  // A ref as well as state: a view takes the keyboard inside its key handler, and the next key
  // may arrive before React re-renders App.
  const capturingRef = useRef(false);
  const setCapturing = useCallback((c: boolean) => {
    capturingRef.current = c;
    setCapturingState(c);
  }, []);

  // The only useInput of the dashboard (see keys.ts): global keys first, then the views'.
  const router = useMemo(createKeyRouter, []);
  useInput((chunk, chunkKey) => {
    for (const [input, key] of splitChunk(chunk, chunkKey)) {
      if ((helpRef.current || !capturingRef.current) && global(input, key)) continue;
      routeKey(router, input, key);
    }
  });
  /** Handles the keys that work everywhere; true when the key was one of them. */
  const global = (input: string, key: { tab: boolean; shift: boolean }): boolean => {
    if (helpRef.current) {
      setHelp(false);
      return true;
    }
    if (input === 'q') {
      exit();
      return true;
    }
    if (input === '?') {
      setHelp(true);
      return true;
    }
    if (/^[1-6]$/.test(input)) {
      setView(VIEWS[Number(input) - 1]!);
      return true;
    }
    if (key.tab) {
      const i = VIEWS.indexOf(viewRef.current);
      setView(VIEWS[(i + (key.shift ? VIEWS.length - 1 : 1)) % VIEWS.length]!);
      return true;
    }
    return false;
  };

  // One row is left unused: ink redraws the whole screen (flicker) when a frame is as tall as it.
  const height = rows - 3;
  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text wrap="truncate">{`promts dashboard needs at least ${MIN_COLUMNS}×${MIN_ROWS} (now ${columns}×${rows}); q quits`}</Text>;
  }
  const props = (name: ViewName): ScreenProps => ({ api, refreshMs, now, width: columns, height, active: !help && view === name, onCapture: setCapturing });
  const Screen = view === 'Query' ? undefined : SCREENS[view];
  return (
    <ThemeContext.Provider value={{ color }}>
      <KeysContext.Provider value={router}>
        <Box flexDirection="column" width={columns} height={rows - 1}>
          <Header view={view} url={api.baseUrl} width={columns} />
          <Box flexDirection="column" height={height} overflow="hidden" display={help ? 'none' : 'flex'}>
            {Screen ? <Screen key={view} {...props(view)} /> : null}
            <Box flexDirection="column" display={view === 'Query' ? 'flex' : 'none'}>
              <QueryScreen {...props('Query')} />
            </Box>
          </Box>
          {help ? (
            <Box flexDirection="column" height={height}>
              <Help height={height} />
            </Box>
          ) : null}
          <Footer connection={connection} nowMs={now()} refreshMs={refreshMs} capturing={capturing} />
        </Box>
      </KeysContext.Provider>
    </ThemeContext.Provider>
  );
}
