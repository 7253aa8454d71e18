import { realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceOptions } from './options.js';

/** The line by which install-service recognises a launcher it wrote (and may replace or remove). */
export const LAUNCHER_MARK = '# promts launcher, written by `promts install-service`';

/** How the service will find promts. */
export type Installation =
  | { readonly kind: 'system-wide'; readonly promtsBin: string; readonly pkgRoot: string }
  | { readonly kind: 'launcher'; readonly promtsBin: string; readonly pkgRoot: string; readonly text: string; readonly problem?: string };

/**
 * Decides what ExecStart runs. A system-wide install (`npm install -g promts` puts a `promts`
 * symlink into npm's global bin, /usr/bin or /usr/local/bin) is used as it is. Otherwise the
 * running promts is a checkout or a per-user install, and install-service writes a small
 * launcher at /usr/local/bin/promts that runs this checkout with this node. With --root the
 * launcher is always written: the image does not have the host's global npm packages.
 */
export function detectInstallation(o: ServiceOptions, pkgRoot: string, nodePath: string): Installation {
  const entry = join(pkgRoot, 'bin', 'run.cjs');
  if (o.root === '/') {
    for (const bin of ['/usr/local/bin/promts', '/usr/bin/promts']) {
      if (sameFile(bin, entry)) return { kind: 'system-wide', promtsBin: bin, pkgRoot };
    }
  }
  const text = [
    '#!/bin/sh',
    `${LAUNCHER_MARK}: runs the promts at`,
    `# ${pkgRoot} with the node that installed it. Remove: promts install-service --uninstall`,
    `exec ${shQuote(nodePath)} ${shQuote(entry)} "$@"`,
    '',
  ].join('\n');
  const problem = o.root === '/' ? unreachable(entry) ?? unreachable(nodePath) : undefined;
  return { kind: 'launcher', promtsBin: o.launcherPath, pkgRoot, text, ...(problem ? { problem } : {}) };
}

function sameFile(link: string, target: string): boolean {
  try {
    return realpathSync(link) === realpathSync(target);
  } catch {
    return false;
  }
}

/**
 * Why the service user could not run this file, or undefined. The unit sets ProtectHome=yes,
 * which hides /home, /root and /run/user from the service; and the service user is in no
 * group of ours, so every directory on the way needs the "others may enter" bit.
 */
function unreachable(file: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return `${file} does not exist`;
  }
  if (/^\/(home|root|run\/user)(\/|$)/.test(real)) return `${real} is under /home, /root or /run/user, which the unit hides from the service (ProtectHome=yes)`;
  if ((statSync(real).mode & 0o004) === 0) return `${real} is not readable by other users, and the service runs as its own user`;
  for (let d = dirname(real); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return `${d} cannot be entered by other users (mode ${(statSync(d).mode & 0o777).toString(8)}), and the service runs as its own user`;
    if (d === '/') return undefined;
  }
}

/** Quotes a word for /bin/sh when it needs it. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function isOurLauncher(text: string): boolean {
  return text.includes(LAUNCHER_MARK);
}

