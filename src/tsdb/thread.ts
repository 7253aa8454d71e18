// Starting the tsdb's worker threads. A worker's entry is a module next to its caller:
// `x.js` in a build, `x.ts` when running from sources under tsx (tests, benches), where the
// worker must load it through tsx as well.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts the worker whose entry is `entry` ('./worker', no extension) relative to `callerUrl` (the caller's import.meta.url). */
export function startWorker(entry: string, callerUrl: string, opts: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(entry + (fromSource ? '.ts' : '.js'), callerUrl);
  if (!fromSource) return new Worker(url, opts);
  const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(callerUrl)}))`;
  return new Worker(boot, { ...opts, eval: true });
}
