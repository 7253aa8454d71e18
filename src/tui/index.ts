// tui: the `promts dashboard` terminal UI. Other areas (and commands/dashboard.ts) import
// only this file.
import { createElement } from 'react';
import { render } from 'ink';
import { ApiClient, fetchFor, loadHttpConfigFile, type HttpSettings } from './api/index.js';
import { Dashboard } from './App.js';
import { colorWanted } from './theme.js';
import { PromtsError } from '../model/index.js';

export { ApiClient, loadHttpConfigFile, fetchFor, parseAnswer, HttpConfigError, type FetchLike, type ApiResult } from './api/index.js';
export { Dashboard, type DashboardProps } from './App.js';
export { VIEWS, type ViewName } from './views/Header.js';

export interface DashboardOptions {
  readonly url: string;
  readonly refreshMs: number;
  readonly httpConfigFile?: string;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

// The alternate screen: the dashboard takes the whole terminal and gives back what was there.
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Runs the dashboard until q or Ctrl-C, then restores the terminal. Throws HttpConfigError
 * (before touching the screen) when --http.config.file is unreadable or invalid.
 */
export async function runDashboard(o: DashboardOptions): Promise<void> {
  const settings: HttpSettings = o.httpConfigFile ? loadHttpConfigFile(o.httpConfigFile) : { headers: {} };
  if (!o.stdin.isTTY) throw new PromtsError('not_a_terminal', 'promts dashboard needs an interactive terminal (stdin is not a TTY)', 'Run it in a terminal, or with ssh -t over SSH.');
  const api = new ApiClient({ url: o.url, fetch: fetchFor(settings), headers: settings.headers, timeoutMs: Math.max(5_000, Math.min(30_000, o.refreshMs * 2)) });
  const tty = o.stdout.isTTY === true;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (tty) o.stdout.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  };
  // Whatever ends the process, the user gets their terminal back.
  process.once('exit', restore);
  if (tty) o.stdout.write(ENTER_ALT_SCREEN);
  try {
    const app = render(createElement(Dashboard, { api, refreshMs: o.refreshMs, now: Date.now, stdout: o.stdout, color: colorWanted(o.env) }), {
      stdin: o.stdin,
      stdout: o.stdout,
      exitOnCtrlC: true,
      patchConsole: false,
    });
    await app.waitUntilExit();
  } finally {
    restore();
    process.removeListener('exit', restore);
  }
}
