// Block files (chunk segments, index) are read in pages on demand, not held whole in memory:
// a Prometheus data dir can hold far more bytes than RAM (Prometheus mmaps them and lets the
// kernel page). Node has no mmap, so the pages that queries touch are kept here, shared by
// every file of the process, and evicted past a byte budget by the CLOCK algorithm (an
// approximation of least-recently-used whose hit costs one field write: a Map-ordered LRU
// spent a quarter of a warm query moving entries).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes per page: a series' chunks sit next to each other, so one read serves many chunks. */
export const PAGE_SIZE = 64 * 1024;
/** Page bytes kept in memory per thread, by default. */
export const PAGE_CACHE_BYTES = 256 * 1024 * 1024;
let budget = PAGE_CACHE_BYTES;

/** A cached page; its file keeps it as `owner[index]` until it is evicted. */
interface Slot {
  readonly buf: Buffer;
  readonly owner: (Slot | undefined)[];
  readonly index: number;
  /** Used since the clock hand last passed it. */
  used: boolean;
  /** Evicted or dropped; removed from the ring when the hand reaches it. */
  gone: boolean;
}

/** Every cached page; the clock hand sweeps it in a circle. */
const ring: Slot[] = [];
let hand = 0;
let cached = 0;
/** Slots in the ring that are gone (dropped with their file, not yet swept out). */
let goneInRing = 0;

/** Caches `buf` as `owner[index]`, evicting pages past the budget. */
function addPage(owner: (Slot | undefined)[], index: number, buf: Buffer): void {
  const slot: Slot = { buf, owner, index, used: false, gone: false };
  owner[index] = slot;
  ring.push(slot);
  cached += buf.length;
  evictTo(budget);
}

/** Forgets every page of `owner` (its file is closed). */
function dropPages(owner: (Slot | undefined)[]): void {
  for (const slot of owner) {
    if (!slot || slot.gone) continue;
    forget(slot);
    goneInRing++;
  }
}

function forget(slot: Slot): void {
  if (slot.gone) return;
  slot.gone = true;
  cached -= slot.buf.length;
  if (slot.owner[slot.index] === slot) slot.owner[slot.index] = undefined;
}

/** Advances the hand, evicting pages not used since its last pass, until within `bytes`. */
function evictTo(bytes: number): void {
  while (cached > bytes && ring.length > 0) {
    if (hand >= ring.length) hand = 0;
    const slot = ring[hand]!;
    if (!slot.gone && slot.used) {
      slot.used = false;
      hand++;
      continue;
    }
    if (slot.gone) goneInRing--;
    else forget(slot);
    // Swap-remove: order in the ring does not matter to the clock.
    ring[hand] = ring[ring.length - 1]!;
    ring.pop();
  }
  // Closed files leave gone slots behind; sweep them out once they are half the ring.
  if (goneInRing > 64 && goneInRing * 2 > ring.length) {
    let w = 0;
    for (const slot of ring) if (!slot.gone) ring[w++] = slot;
    ring.length = w;
    goneInRing = 0;
    hand = 0;
  }
}

/** Changes the budget (evicting down to it); returns the previous one. */
export function setPageCacheBudget(bytes: number): number {
  const old = budget;
  budget = bytes;
  evictTo(budget);
  return old;
}

/** Page bytes held now (for tests and self-metrics). */
export function cachedPageBytes(): number {
  return cached;
}

/** Closes the files of readers dropped without close() (blocks deleted while still queried). */
const orphans = new FinalizationRegistry<{ fd: number }>((f) => {
  if (f.fd >= 0) closeSync(f.fd);
});

/**
 * A read-only file read through the page cache. bytes(off, n) makes a range readable as
 * `buf[at .. at + n)`: a view into a cached page, or, for a range across a page boundary, a
 * buffer of its own (not cached). The file stays open until close(), or until the reader is
 * garbage (a block dropped by compaction may still be read by a query that holds it; the
 * open descriptor keeps a deleted file readable until then).
 */
export class PagedFile {
  buf: Buffer = EMPTY;
  at = 0;
  private readonly pages: (Slot | undefined)[] = [];
  private readonly handle: { fd: number };

  private constructor(
    readonly path: string,
    fd: number,
    readonly size: number,
    /** The whole file when it was given in memory (tests, freshly written indexes). */
    private readonly mem: Buffer | null,
  ) {
    this.handle = { fd };
    if (fd >= 0) orphans.register(this, this.handle, this);
  }

  /** Opens path; throws the fs error (callers say which block file it was). */
  static open(path: string): PagedFile {
    const fd = openSync(path, 'r');
    try {
      return new PagedFile(path, fd, fstatSync(fd).size, null);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  static fromBuffer(path: string, b: Buffer): PagedFile {
    return new PagedFile(path, -1, b.length, b);
  }

  /** Sets buf/at so that buf[at ..] holds bytes [off, off + n) of the file (n clipped at its end). */
  bytes(off: number, n: number): void {
    if (this.mem !== null) {
      this.buf = this.mem;
      this.at = off;
      return;
    }
    n = Math.max(0, Math.min(n, this.size - off));
    const pageNo = Math.floor(off / PAGE_SIZE);
    const pageStart = pageNo * PAGE_SIZE;
    if (off + n <= pageStart + PAGE_SIZE) {
      const slot = this.pages[pageNo];
      if (slot === undefined) {
        this.buf = this.read(pageStart, Math.min(PAGE_SIZE, this.size - pageStart));
        addPage(this.pages, pageNo, this.buf);
      } else {
        slot.used = true;
        this.buf = slot.buf;
      }
      this.at = off - pageStart;
      return;
    }
    this.buf = this.read(off, n);
    this.at = 0;
  }

  /** Bytes [off, off + n) in a buffer of their own, bypassing the cache (headers read once on open). */
  readUncached(off: number, n: number): Buffer {
    if (this.mem !== null) return this.mem.subarray(off, Math.min(off + n, this.size));
    return this.read(off, Math.max(0, Math.min(n, this.size - off)));
  }

  /** Closes the file and drops its cached pages; bytes handed out stay valid. */
  close(): void {
    orphans.unregister(this);
    if (this.handle.fd >= 0) closeSync(this.handle.fd);
    this.handle.fd = -1;
    dropPages(this.pages);
  }

  private read(off: number, n: number): Buffer {
    const fd = this.handle.fd;
    if (fd < 0) throw new Error(`read ${this.path}: the file was closed`);
    const b = Buffer.allocUnsafeSlow(n);
    let got = 0;
    while (got < n) {
      const k = readSync(fd, b, got, n - got, off + got);
      if (k === 0) break;
      got += k;
    }
    return got === n ? b : b.subarray(0, got);
  }
}

const EMPTY = Buffer.alloc(0);
