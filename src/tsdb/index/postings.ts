// Postings lists: sorted, duplicate-free series ids in Uint32Arrays. Set operations work on
// whole arrays (no iterator object per element) and return new arrays.

export const EMPTY_POSTINGS: Uint32Array = new Uint32Array(0);

/**
 * First index i >= lo with a[i] >= x, by galloping (exponential then binary search), which
 * makes intersecting a short list with a long one cost O(short * log(long)).
 */
export function gallop(a: Uint32Array, lo: number, x: number): number {
  const n = a.length;
  if (lo >= n || a[lo]! >= x) return lo;
  let step = 1;
  let hi = lo + 1;
  while (hi < n && a[hi]! < x) {
    lo = hi;
    step <<= 1;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  // Invariant: a[lo] < x, and a[hi] >= x or hi == n.
  lo++;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ids present in every list. Starts from the shortest list. */
export function intersect(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  const sorted = [...lists].sort((x, y) => x.length - y.length);
  let acc = sorted[0]!;
  for (let k = 1; k < sorted.length && acc.length > 0; k++) acc = intersect2(acc, sorted[k]!);
  return acc;
}

function intersect2(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length < b.length ? a.length : b.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const x = a[i]!;
    j = gallop(b, j, x);
    if (j < b.length && b[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** Ids present in any list (sorted union). */
export function merge(lists: readonly Uint32Array[]): Uint32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY_POSTINGS;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  let total = 0;
  for (const l of nonEmpty) total += l.length;
  // Concatenate, sort numerically, dedupe: typed-array sort is fast and simpler than a heap.
  const all = new Uint32Array(total);
  let o = 0;
  for (const l of nonEmpty) {
    all.set(l, o);
    o += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (n === 0 || all[n - 1] !== all[i]) all[n++] = all[i]!;
  return all.subarray(0, n);
}

/** Ids of `a` not in `b`. */
export function without(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0 || a.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    j = gallop(b, j, x);
    if (j >= b.length || b[j] !== x) out[n++] = x;
  }
  return out.subarray(0, n);
}
