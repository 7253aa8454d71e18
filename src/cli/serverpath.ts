// `promts server` without oclif. Every restart of the server paid for loading @oclif/core and
// resolving ~150 ES modules one by one before the first line of the server ran: ~950 ms to
// /-/ready on an empty data dir, where Prometheus takes ~220 ms. bin/run.cjs offers `server`
// argv here first, from a one-file bundle (serverpath.cjs beside this file, built by
// bin/bundle.js). As with the tsdb fast path (fastpath.ts), only plain invocations are taken:
// known flags, each once, in --flag=value, --flag value, --flag or --no-flag form. Help,
// typos and anything unusual go to the oclif command, which stays the one source of usage and
// error text; test/cli/serverpath.test.ts holds this parser to oclif's.
import { SERVER_FLAGS, resolveServerOptions, runServer } from '../server/index.js';
import { renderError } from './errors.js';

const byName = new Map(SERVER_FLAGS.map((f) => [f.name, f]));

/**
 * The flags of a plain `promts server` argv (without `server`) as the oclif command reads
 * them: given flags only, booleans as 'true'/'false'. Undefined for anything else.
 */
export function parseServerArgv(argv: readonly string[]): Record<string, string> | undefined {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (!tok.startsWith('--')) return undefined;
    const eq = tok.indexOf('=');
    const name = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
    let spec = byName.get(name);
    let value: string;
    if (spec === undefined) {
      // --no-<bool>
      spec = name.startsWith('no-') && eq < 0 ? byName.get(name.slice(3)) : undefined;
      if (spec?.kind !== 'bool') return undefined;
      value = 'false';
    } else if (spec.kind === 'bool') {
      if (eq >= 0) return undefined;
      value = 'true';
    } else if (eq >= 0) {
      value = tok.slice(eq + 1);
      if (value === '') return undefined;
    } else {
      const next = argv[++i];
      // oclif may read a following '-…' as a flag: leave such cases to it.
      if (next === undefined || next === '' || next.startsWith('-')) return undefined;
      value = next;
    }
    if (Object.hasOwn(raw, spec.name)) return undefined;
    raw[spec.name] = value;
  }
  return raw;
}

/**
 * Runs `promts server` for a plain argv (without `server`); resolves to the exit status once
 * the server has stopped, or to undefined when oclif should handle the argv.
 */
export async function runServerFast(argv: readonly string[]): Promise<number | undefined> {
  const raw = parseServerArgv(argv);
  if (raw === undefined) return undefined;
  try {
    return await runServer(resolveServerOptions(raw));
  } catch (err) {
    process.stderr.write(renderError(err) + '\n');
    return 1;
  }
}
