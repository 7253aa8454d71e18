/**
 * Orders strings by their UTF-8 bytes, as Go does. JS compares UTF-16 code units, which
 * disagrees with byte order only when a surrogate (a code point above U+FFFF) meets a unit in
 * U+E000..U+FFFF at the first difference; the index's sorted sections depend on Go's order.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      const sa = ca <= 0xdfff;
      const sb = cb <= 0xdfff;
      if (sa !== sb) return sa ? 1 : -1;
    }
    return ca - cb;
  }
  return a.length - b.length;
}

/** Label sets as flat [n0, v0, n1, v1, ...] arrays, ordered like Go's labels.Compare. */
export function compareLabelKv(a: readonly string[], b: readonly string[]): number {
  const l = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < l; i += 2) {
    if (a[i] !== b[i]) return compareUtf8(a[i]!, b[i]!);
    if (a[i + 1] !== b[i + 1]) return compareUtf8(a[i + 1]!, b[i + 1]!);
  }
  return a.length - b.length;
}
