// server: the composition root of `promts server` — flags, config, storage, scrape, rules,
// web — and its lifecycle (start, reload on SIGHUP, clean shutdown on SIGTERM/SIGINT).
export { SERVER_FLAGS, KNOWN_FEATURES, resolveServerOptions, rejectUnknownArgs, parseBytes, parseListenAddress, type ServerOptions, type ServerFlagSpec } from './flags.js';
export { PROMTS_VERSION } from './version.js';
import type { ServerOptions } from './flags.js';

/**
 * Runs the server until it is told to stop; resolves to the process exit code. The wiring is
 * loaded lazily so that `promts --help` and the promtool-style commands never load it.
 */
export async function runServer(opts: ServerOptions): Promise<number> {
  const { run } = await import('./run.js');
  return run(opts);
}
