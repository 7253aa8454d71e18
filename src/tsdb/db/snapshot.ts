// Snapshots (the admin API's /snapshot): every block of the DB under <dir>/<ulid>, by hard
// links where the file never changes after the block is written.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Block } from '../block/index.js';
import { fsyncDir, writeFileSynced } from '../fsync.js';

/**
 * Prometheus's snapshot name: UTC time as Go's "20060102T150405Z0700", a dash, and 16 hex
 * digits of a random int63 (e.g. 20230201T003000Z-3f9a0c1d2e4b5a69).
 */
export function snapshotName(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const t = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}T${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}Z`;
  const r = randomBytes(8);
  r[0]! &= 0x7f; // int63: the top bit is always 0
  return `${t}-${r.toString('hex')}`;
}

/**
 * Puts a copy of `b` into dir/<ulid>. index and chunks are hard-linked: they are never
 * written again. meta.json and tombstones are copied: promts rewrites them in place on
 * delete_series (Prometheus renames a new file over them), and a link would let a later
 * delete change the snapshot.
 */
export function snapshotBlock(b: Block, dir: string): void {
  const out = join(dir, b.meta.ulid);
  mkdirSync(join(out, 'chunks'), { recursive: true });
  linkSync(join(b.dir, 'index'), join(out, 'index'));
  for (const f of readdirSync(join(b.dir, 'chunks'))) linkSync(join(b.dir, 'chunks', f), join(out, 'chunks', f));
  for (const f of ['tombstones', 'meta.json']) {
    // A block may have no tombstones file (it means no tombstones).
    if (existsSync(join(b.dir, f))) writeFileSynced(join(out, f), readFileSync(join(b.dir, f)));
  }
  fsyncDir(join(out, 'chunks'));
  fsyncDir(out);
  fsyncDir(dir);
}
