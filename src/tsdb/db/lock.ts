// The data dir's `lock` file. Prometheus holds an flock on it; Node has no flock, so the file
// holds the owner's PID and a lock is stale when that process is gone (e.g. after SIGKILL),
// which keeps a crash from blocking the next start.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PromtsError } from '../../model/index.js';

export class DBLockError extends PromtsError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      'db_locked',
      `lock DB directory: resource temporarily unavailable (${join(dir, 'lock')} is held by process ${pid})`,
      `another promts or Prometheus is using ${dir}; stop it, or point --storage.tsdb.path somewhere else`,
    );
  }
}

/** Lock files this process holds, so a lock naming our own PID can be told apart from a stale one. */
const held = new Set<string>();

function alive(pid: number, path: string): boolean {
  // In a container a restarted server often gets the same PID as the killed one.
  if (pid === process.pid) return held.has(path);
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes dir/lock; returns a release function. Throws DBLockError when a live process holds it. */
export function acquireLock(dir: string): () => void {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(path);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held.delete(path);
        rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      } catch {
        /* vanished meanwhile: retry */
      }
      if (Number.isInteger(pid) && pid > 0 && alive(pid, path)) throw new DBLockError(dir, pid);
      // Stale (owner gone, or an empty file as Prometheus leaves): take it over.
      rmSync(path, { force: true });
    }
  }
  throw new DBLockError(dir, -1);
}
