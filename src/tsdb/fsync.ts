// Durable writes shared by the tsdb sub-areas (index, block, tombstones): a file is only part
// of a block once its bytes are on disk, so every writer ends with an fsync.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Writes all of `b` to `path` (created or truncated), fsyncs it, and returns its length. */
export function writeFileSynced(path: string, b: Uint8Array): number {
  const fd = openSync(path, 'w', 0o666);
  try {
    // writeSync may write less than asked for large buffers: loop until done.
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return b.length;
}

/** fsyncs a directory so a rename or new entry in it survives a crash. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
