// Worker-thread entry: runs one DB task (block write, checkpoint) off the main event loop.
import { parentPort } from 'node:worker_threads';
import { runTask, type Task } from './tasks.js';

// Tasks are chained so they run one at a time, in the order they were sent.
let chain: Promise<unknown> = Promise.resolve();
parentPort?.on('message', ({ id, task }: { id: number; task: Task }) => {
  chain = chain.then(() =>
    runTask(task).then(
      (result) => parentPort!.postMessage({ id, ok: true, result }),
      (e: unknown) => parentPort!.postMessage({ id, ok: false, message: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code ?? 'task_failed' }),
    ),
  );
});
