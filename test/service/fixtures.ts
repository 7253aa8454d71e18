// Shared by the install-service tests: a throw-away filesystem root shaped like a minimal
// Debian (etc/passwd, group, shadow, gshadow, login.defs) and readers for what ends up in it.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/index.js';

export const isRoot = process.getuid?.() === 0;

export interface FakeRoot {
  readonly path: string;
  cleanup(): void;
  /** uid/gid of a name in this root's passwd/group. */
  uid(name: string): number | undefined;
  gid(name: string): number | undefined;
  read(p: string): string;
  /** "0640 0:999" for a path inside the root. */
  attrs(p: string): string;
}

export function fakeRoot(opts: { passwd?: string; group?: string } = {}): FakeRoot {
  const t = tempDir('promts-root-');
  // mkdtemp makes 0700; the service user must be able to walk into it, as into "/".
  chmodSync(t.path, 0o755);
  mkdirSync(join(t.path, 'etc'));
  const file = (name: string, text: string, mode: number): void => {
    writeFileSync(join(t.path, 'etc', name), text);
    chmodSync(join(t.path, 'etc', name), mode);
  };
  file('passwd', opts.passwd ?? 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n', 0o644);
  file('group', opts.group ?? 'root:x:0:\ndaemon:x:1:\nshadow:x:42:\nnogroup:x:65534:\n', 0o644);
  file('shadow', 'root:*:19000:0:99999:7:::\n', 0o640);
  file('gshadow', 'root:*::\n', 0o640);
  file('login.defs', 'SYS_UID_MIN 100\nSYS_UID_MAX 999\nSYS_GID_MIN 100\nSYS_GID_MAX 999\n', 0o644);
  const db = (name: string, key: string, field: number): number | undefined => {
    const line = readFileSync(join(t.path, 'etc', name), 'utf8').split('\n').find((l) => l.startsWith(key + ':'));
    return line ? Number(line.split(':')[field]) : undefined;
  };
  return {
    path: t.path,
    cleanup: t.cleanup,
    uid: (n) => db('passwd', n, 2),
    gid: (n) => db('group', n, 2),
    read: (p) => readFileSync(join(t.path, p), 'utf8'),
    attrs: (p) => {
      const st = statSync(join(t.path, p));
      return `${(st.mode & 0o7777).toString(8).padStart(4, '0')} ${st.uid}:${st.gid}`;
    },
  };
}

export interface StepLine {
  readonly status: string;
  readonly title: string;
}

/** The "  [status] title  (note)" lines install-service prints, in order. */
export function stepLines(stdout: string): StepLine[] {
  return [...stdout.matchAll(/^ {2}\[([a-z .]+?) *\] (.*)$/gm)].map((m) => ({ status: m[1]!, title: m[2]! }));
}
