// Starts `promts server` for remote-storage tests and benchmarks. Run from TypeScript (tsx),
// it starts the server from src/ through tsx, so a change is tested without a build; run from
// dist/, it is the built CLI as a user runs it.
import type { Server } from 'node:http';
import { after } from 'node:test';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot, startProcess, startServer, tempDir, type RunningProcess } from '../helpers/index.js';

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

/** The processes, HTTP servers and temp dir a test file starts: all stopped and removed after it. */
export function fileScope(dirPrefix: string): { procs: RunningProcess[]; servers: Server[]; dir: ReturnType<typeof tempDir> } {
  const scope = { procs: [] as RunningProcess[], servers: [] as Server[], dir: tempDir(dirPrefix) };
  after(async () => {
    for (const p of scope.procs) await p.stop();
    for (const s of scope.servers) s.close();
    scope.dir.cleanup();
  });
  return scope;
}
