import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * What install-service asks of the machine beyond files: who we are, whether systemd runs
 * here, systemctl, and the ready check. Passed in, so the systemd paths can be tested on a
 * machine (a container) where systemd is not PID 1.
 */
export interface Host {
  readonly isRoot: boolean;
  /**
   * Whether systemctl manages the units install-service writes: 'yes' when systemd is the init
   * system here (/run/systemd/system exists, sd_booted()'s test) and the root is "/";
   * 'other-root' under --root DIR (those units belong to another system); 'absent' without
   * systemd (containers, WSL).
   */
  readonly systemd: 'yes' | 'other-root' | 'absent';
  systemctl(args: readonly string[]): { code: number; out: string };
  /** Polls url until it answers 2xx; false after timeoutMs. */
  waitReady(url: string, timeoutMs: number): Promise<boolean>;
}

export function realHost(root: string): Host {
  return {
    isRoot: process.getuid?.() === 0,
    systemd: root !== '/' ? 'other-root' : existsSync('/run/systemd/system') ? 'yes' : 'absent',
    systemctl(args) {
      const r = spawnSync('systemctl', args, { encoding: 'utf8', timeout: 120_000 });
      return { code: r.status ?? 1, out: ((r.stdout ?? '') + (r.stderr ?? '')).trim() || (r.error?.message ?? '') };
    },
    async waitReady(url, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        try {
          const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
          if (r.ok) return true;
        } catch {
          // Not listening yet: the server replays its WAL before it opens the port.
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    },
  };
}
