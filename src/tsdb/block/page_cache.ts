// Block chunk files are read in pages on demand, not held whole in memory: a Prometheus data
// dir can hold far more chunk bytes than RAM (Prometheus mmaps them and lets the kernel page).
// Node has no mmap, so the pages that queries touch are kept here, shared by every block of
// the process and evicted least recently used first past a byte budget.

/** Bytes per page: a series' chunks sit next to each other, so one read serves many chunks. */
export const PAGE_SIZE = 64 * 1024;
/** Page bytes kept in memory per thread, by default. */
export const PAGE_CACHE_BYTES = 256 * 1024 * 1024;
let budget = PAGE_CACHE_BYTES;

interface Entry {
  readonly owner: (Buffer | undefined)[];
  readonly index: number;
}

/** Pages in use order (a Map iterates in insertion order): the first key is the least recent. */
const lru = new Map<Buffer, Entry>();
let cached = 0;

/** Marks a page as just used. */
export function touchPage(page: Buffer): void {
  const e = lru.get(page);
  if (e === undefined) return;
  lru.delete(page);
  lru.set(page, e);
}

/**
 * Remembers `page` as `owner[index]` and evicts the least recently used pages past the
 * budget. An evicted page only leaves the cache: chunks handed out from it stay valid.
 */
export function addPage(owner: (Buffer | undefined)[], index: number, page: Buffer): void {
  owner[index] = page;
  lru.set(page, { owner, index });
  cached += page.length;
  evictTo(budget);
}

/** Forgets every page of `owner` (its file is closed or deleted). */
export function dropPages(owner: (Buffer | undefined)[]): void {
  for (const page of owner) {
    const e = page && lru.get(page);
    if (e) dropPage(page, e);
  }
}

function dropPage(page: Buffer, e: Entry): void {
  lru.delete(page);
  cached -= page.length;
  if (e.owner[e.index] === page) e.owner[e.index] = undefined;
}

/** Changes the budget (evicting down to it); returns the previous one. */
export function setPageCacheBudget(bytes: number): number {
  const old = budget;
  budget = bytes;
  evictTo(budget);
  return old;
}

function evictTo(bytes: number): void {
  while (cached > bytes && lru.size > 0) {
    const [oldest, e] = lru.entries().next().value as [Buffer, Entry];
    dropPage(oldest, e);
  }
}

/** Page bytes held now (for tests and self-metrics). */
export function cachedPageBytes(): number {
  return cached;
}
