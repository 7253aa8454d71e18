import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lookupGroup, lookupUser } from './accounts.js';
import type { Step } from './plan.js';

/** Owner and mode a path should have; names are resolved in the target root at apply time. */
export interface Want {
  readonly user: string;
  readonly group: string;
  readonly mode: number;
}

export interface Ctx {
  readonly root: string;
  /** chown needs root; an image prepared by a normal user gets modes but not owners. */
  readonly canChown: boolean;
}

export const attrs = (w: Want): string => `${w.user}:${w.group} ${w.mode.toString(8).padStart(4, '0')}`;

/** uid/gid of the names in ROOT's passwd/group, or undefined while they do not exist yet. */
export function ids(root: string, w: Want): { uid: number; gid: number } | undefined {
  const uid = w.user === 'root' ? 0 : lookupUser(root, w.user)?.uid;
  const gid = w.group === 'root' ? 0 : lookupGroup(root, w.group);
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/** What differs between a path on disk and what is wanted: [] when nothing does. */
export function drift(ctx: Ctx, host: string, w: Want): string[] {
  const st = lstatSync(host);
  const out: string[] = [];
  if ((st.mode & 0o7777) !== w.mode) out.push(`mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')} -> ${w.mode.toString(8).padStart(4, '0')}`);
  if (ctx.canChown) {
    const want = ids(ctx.root, w);
    if (!want || st.uid !== want.uid || st.gid !== want.gid) out.push(`owner ${st.uid}:${st.gid} -> ${w.user}:${w.group}`);
  }
  return out;
}

export function setAttrs(ctx: Ctx, host: string, w: Want, recursive = false): void {
  if (ctx.canChown) {
    const id = ids(ctx.root, w);
    if (!id) throw new Error(`cannot set owner ${w.user}:${w.group} on ${host}: no such user or group in ${join(ctx.root, 'etc/passwd')}`);
    if (recursive) chownTree(host, id.uid, id.gid);
    else chownSync(host, id.uid, id.gid);
  }
  chmodSync(host, w.mode);
}

/** Owner changes go through a tree (data carried over from Prometheus), modes do not. */
function chownTree(p: string, uid: number, gid: number): void {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return;
  chownSync(p, uid, gid);
  if (st.isDirectory()) for (const e of readdirSync(p)) chownTree(join(p, e), uid, gid);
}

/** Writes a file whole or not at all: a crash leaves the old file or the new one, never half. */
export function writeAtomic(ctx: Ctx, host: string, text: string, w: Want): void {
  mkdirParents(dirname(host));
  const tmp = `${host}.promts-new`;
  writeFileSync(tmp, text);
  setAttrs(ctx, tmp, w);
  renameSync(tmp, host);
}

export function readIfExists(host: string): string | undefined {
  return existsSync(host) ? readFileSync(host, 'utf8') : undefined;
}

/** A directory with owner and mode: created when missing, corrected when it drifted. */
export function dirStep(ctx: Ctx, title: string, host: string, w: Want, opts: { recursiveOwner?: boolean } = {}): Step {
  if (!existsSync(host)) {
    return {
      title: `${title} ${host} (${attrs(w)})`,
      state: 'change',
      apply: () => {
        mkdirParents(dirname(host));
        mkdirSync(host);
        setAttrs(ctx, host, w);
        return 'created';
      },
    };
  }
  if (!lstatSync(host).isDirectory()) throw new Error(`${host} exists and is not a directory`);
  const d = drift(ctx, host, w);
  if (d.length === 0) return { title: `${title} ${host} (${attrs(w)})`, state: 'ok' };
  return {
    title: `${title} ${host} (${attrs(w)})`,
    state: 'change',
    note: d.join(', '),
    apply: () => {
      setAttrs(ctx, host, w, opts.recursiveOwner && d.some((x) => x.startsWith('owner')));
      return d.join(', ');
    },
  };
}

/**
 * Creates missing parents (/var/lib, /usr/local/share/man/man1 in a fresh root) as 0755 whatever
 * the umask: sudo with umask 077 would otherwise leave a parent the service user cannot enter.
 */
export function mkdirParents(dir: string): void {
  if (existsSync(dir)) return;
  mkdirParents(dirname(dir));
  mkdirSync(dir);
  chmodSync(dir, 0o755);
}
