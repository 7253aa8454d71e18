// Starts `promts server` for remote-storage tests and benchmarks. Run from TypeScript (tsx),
// it starts the server from src/ through tsx, so a change is tested without a build; run from
// dist/, it is the built CLI as a user runs it.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot, startProcess, startServer, type RunningProcess } from '../helpers/index.js';

const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');

/** args in `--name=value` / `--flag` form; nodeArgs go to node (e.g. --cpu-prof). */
export function startPromtsServer(args: string[], opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): RunningProcess {
  if (!fromSource) return startServer(args, { env: opts.env });
  const entry = pathToFileURL(join(repoRoot, 'src/server/index.ts')).href;
  const code = `const { resolveServerOptions, runServer } = await import(${JSON.stringify(entry)});
const raw = {};
for (const a of process.argv.slice(1)) { const m = /^--([^=]+)(?:=(.*))?$/.exec(a); if (m) raw[m[1]] = m[2] ?? 'true'; }
process.exit(await runServer(resolveServerOptions(raw)));`;
  return startProcess(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', '--input-type=module', '-e', code, '--', ...args], { env: opts.env });
}
