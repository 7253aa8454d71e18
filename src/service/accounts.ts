import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, renameSync, statSync, chownSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const NOLOGIN = '/usr/sbin/nologin';
// Debian's choice for a system account that has no home (adduser --system does the same).
export const NO_HOME = '/nonexistent';
const GECOS = 'promts monitoring server';

export interface Account {
  readonly uid: number;
  readonly gid: number;
}

/** The user's uid and primary gid from ROOT/etc/passwd (root "/" is this machine). */
export function lookupUser(root: string, name: string): Account | undefined {
  const f = readDb(root, 'passwd').find((r) => r[0] === name);
  return f ? { uid: Number(f[2]), gid: Number(f[3]) } : undefined;
}

export function lookupGroup(root: string, name: string): number | undefined {
  const f = readDb(root, 'group').find((r) => r[0] === name);
  return f ? Number(f[2]) : undefined;
}

/**
 * Creates a system group. On this machine shadow-utils' groupadd does it (it knows about
 * nscd, SELinux labels and its own locks); under --root DIR the files are edited directly,
 * so an image can be prepared without chroot-ing into it (see editDb for the locking).
 */
export function createGroup(root: string, name: string): number {
  if (root === '/') {
    run('groupadd', ['--system', name]);
    return lookupGroup(root, name)!;
  }
  const gid = freeId(root, 'group', 'GID');
  editDb(root, 'group', (lines) => [...lines, `${name}:x:${gid}:`]);
  if (existsSync(join(root, 'etc/gshadow'))) editDb(root, 'gshadow', (lines) => [...lines, `${name}:!::`]);
  return gid;
}

/** Creates a system user with that primary group, no home and no login shell. */
export function createUser(root: string, name: string, group: string): Account {
  if (root === '/') {
    run('useradd', ['--system', '--gid', group, '--home-dir', NO_HOME, '--no-create-home', '--shell', NOLOGIN, '--comment', GECOS, name]);
    return lookupUser(root, name)!;
  }
  const gid = lookupGroup(root, group)!;
  // Like useradd -r: the uid equals the gid when that is free, which keeps `ls -ln` readable.
  const uid = readDb(root, 'passwd').some((r) => Number(r[2]) === gid) ? freeId(root, 'passwd', 'UID') : gid;
  editDb(root, 'passwd', (lines) => [...lines, `${name}:x:${uid}:${gid}:${GECOS}:${NO_HOME}:${NOLOGIN}`]);
  const days = Math.floor(Date.now() / 86_400_000);
  if (existsSync(join(root, 'etc/shadow'))) editDb(root, 'shadow', (lines) => [...lines, `${name}:!:${days}::::::`]);
  return { uid, gid };
}

export function removeUser(root: string, name: string): void {
  if (root === '/') return run('userdel', [name]);
  for (const db of ['passwd', 'shadow'] as const) if (existsSync(join(root, 'etc', db))) editDb(root, db, (lines) => lines.filter((l) => !l.startsWith(name + ':')));
}

export function removeGroup(root: string, name: string): void {
  if (root === '/') return run('groupdel', [name]);
  for (const db of ['group', 'gshadow'] as const) if (existsSync(join(root, 'etc', db))) editDb(root, db, (lines) => lines.filter((l) => !l.startsWith(name + ':')));
}

function readDb(root: string, db: 'passwd' | 'group'): string[][] {
  const p = join(root, 'etc', db);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/**
 * The highest free id in the system range, as useradd -r / groupadd -r pick them (from
 * SYS_UID_MAX downwards), with the range read from ROOT/etc/login.defs when it has one.
 */
function freeId(root: string, db: 'passwd' | 'group', kind: 'UID' | 'GID'): number {
  const defs = existsSync(join(root, 'etc/login.defs')) ? readFileSync(join(root, 'etc/login.defs'), 'utf8') : '';
  const def = (key: string, dflt: number): number => {
    const m = new RegExp(`^\\s*${key}\\s+(\\d+)`, 'm').exec(defs);
    return m ? Number(m[1]) : dflt;
  };
  const min = def(`SYS_${kind}_MIN`, 100);
  const max = def(`SYS_${kind}_MAX`, 999);
  const used = new Set(readDb(root, db).map((r) => Number(r[2])));
  for (let id = max; id >= min; id--) if (!used.has(id)) return id;
  throw new Error(`no free system ${kind} between ${min} and ${max} in ${join(root, 'etc', db)}`);
}

/**
 * Rewrites ROOT/etc/DB safely: shadow-utils' lock file (DB.lock, created exclusively, so a
 * concurrent useradd/vipw waits for us or we fail instead of interleaving), the new content
 * written beside the file with its mode and owner, then renamed over it in one step.
 */
function editDb(root: string, db: string, edit: (lines: string[]) => string[]): void {
  const p = join(root, 'etc', db);
  const lock = p + '.lock';
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (e) {
    throw new Error(`${lock} exists: another program is editing ${db}; try again when it is done (or remove a stale lock)`);
  }
  try {
    writeSync(fd, String(process.pid));
    const before = readFileSync(p, 'utf8').split('\n');
    if (before[before.length - 1] === '') before.pop();
    const st = statSync(p);
    const tmp = p + '+';
    writeFileSync(tmp, edit(before).join('\n') + '\n');
    chmodSync(tmp, st.mode & 0o7777);
    try {
      chownSync(tmp, st.uid, st.gid);
    } catch {
      // Not root (an image built as a normal user): the file keeps our ownership.
    }
    renameSync(tmp, p);
  } finally {
    closeSync(fd);
    unlinkSync(lock);
  }
}

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
}
