/**
 * A unified diff (as `diff -u` prints it) of two small texts, for showing why an existing
 * unit is left alone. Unit files are tens of lines, so the plain O(n·m) LCS table is fine.
 */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = [];
  for (let i = 0; i <= a.length; i++) lcs.push(new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  type Op = { t: ' ' | '-' | '+'; line: string; ai: number; bi: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ t: ' ', line: a[i]!, ai: i++, bi: j++ });
    else if (j < b.length && (i === a.length || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) ops.push({ t: '+', line: b[j]!, ai: i, bi: j++ });
    else ops.push({ t: '-', line: a[i]!, ai: i++, bi: j });
  }
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  const changed = ops.flatMap((o, n) => (o.t === ' ' ? [] : [n]));
  // Changes closer than 2*context lines share a hunk, as in diff -u.
  for (let c = 0; c < changed.length; ) {
    let last = c;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * context + 1) last++;
    const hunk = ops.slice(Math.max(0, changed[c]! - context), Math.min(ops.length, changed[last]! + context + 1));
    const aLen = hunk.filter((o) => o.t !== '+').length;
    const bLen = hunk.filter((o) => o.t !== '-').length;
    out.push(`@@ -${range(hunk[0]!.ai, aLen)} +${range(hunk[0]!.bi, bLen)} @@`);
    for (const o of hunk) out.push(o.t + o.line);
    c = last + 1;
  }
  return out.join('\n') + '\n';
}

function range(start: number, len: number): string {
  // diff -u numbers lines from 1; an empty range names the line before it.
  return len === 1 ? String(start + 1) : `${len === 0 ? start : start + 1},${len}`;
}

function splitLines(s: string): string[] {
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}
