// Postings: for every label pair, the sorted series refs that carry it, as growable
// Uint32Arrays. Matchers are resolved the way Prometheus's PostingsForMatchers does: a matcher
// that also matches "" (e.g. foo="" or foo!~"bar") selects series lacking the label too, so
// it is applied as "all minus the values it rejects".
import type { Matcher } from '../../model/index.js';

export class PostingsList {
  /**
   * Allocated from the second id on: many label values (instance ids, unique names) belong
   * to one series only, and a typed array per such value would cost more than the series.
   */
  private ids: Uint32Array | null = null;
  private first = 0;
  n = 0;
  sorted = true;
  add(id: number): void {
    if (this.n === 0) {
      this.first = id;
      this.n = 1;
      return;
    }
    if (this.ids === null) {
      this.ids = new Uint32Array(4);
      this.ids[0] = this.first;
    } else if (this.n === this.ids.length) {
      const nb = new Uint32Array(this.ids.length * 2);
      nb.set(this.ids);
      this.ids = nb;
    }
    if (this.ids[this.n - 1]! >= id) this.sorted = false;
    this.ids[this.n++] = id;
  }
  view(): Uint32Array {
    if (this.ids === null) return this.n === 0 ? EMPTY : Uint32Array.of(this.first);
    if (!this.sorted) {
      this.ids.subarray(0, this.n).sort();
      this.sorted = true;
    }
    return this.ids.subarray(0, this.n);
  }
  /** Keeps only ids for which keep() is true. */
  filter(keep: (id: number) => boolean): void {
    if (this.ids === null) {
      if (this.n === 1 && !keep(this.first)) this.n = 0;
      return;
    }
    let j = 0;
    for (let i = 0; i < this.n; i++) {
      const id = this.ids[i]!;
      if (keep(id)) this.ids[j++] = id;
    }
    this.n = j;
  }
}

export class MemPostings {
  /** name -> value -> refs. The ('', '') entry lists every series. */
  readonly m = new Map<string, Map<string, PostingsList>>();
  private readonly all = new PostingsList();

  add(id: number, kv: readonly string[]): void {
    this.all.add(id);
    for (let i = 0; i < kv.length; i += 2) {
      let vals = this.m.get(kv[i]!);
      if (!vals) this.m.set(kv[i]!, (vals = new Map()));
      let p = vals.get(kv[i + 1]!);
      if (!p) vals.set(kv[i + 1]!, (p = new PostingsList()));
      p.add(id);
    }
  }

  /** Removes the given ids; `labelsOf` tells which lists each one is in. */
  delete(ids: ReadonlySet<number>, labelsOf: (id: number) => readonly string[] | undefined): void {
    const keep = (id: number): boolean => !ids.has(id);
    const touched = new Set<PostingsList>();
    for (const id of ids) {
      const kv = labelsOf(id);
      if (!kv) continue;
      for (let i = 0; i < kv.length; i += 2) {
        const p = this.m.get(kv[i]!)?.get(kv[i + 1]!);
        if (p) touched.add(p);
      }
    }
    for (const p of touched) p.filter(keep);
    this.all.filter(keep);
    for (const [name, vals] of this.m) {
      for (const [v, p] of vals) if (p.n === 0) vals.delete(v);
      if (vals.size === 0) this.m.delete(name);
    }
  }

  allPostings(): Uint32Array {
    return this.all.view();
  }

  get(name: string, value: string): Uint32Array {
    return this.m.get(name)?.get(value)?.view() ?? EMPTY;
  }

  values(name: string): string[] {
    const vals = this.m.get(name);
    return vals ? [...vals.keys()] : [];
  }

  names(): string[] {
    return [...this.m.keys()];
  }

  /** Sorted refs of the series matching all matchers (all series when there are none). */
  select(matchers: readonly Matcher[]): Uint32Array {
    let pos: Uint32Array | null = null;
    const neg: Uint32Array[] = [];
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        // Series lacking the label match; subtract those whose value the matcher rejects.
        const rejected = this.union(m.name, (v) => !m.matches(v));
        if (rejected.length > 0) neg.push(rejected);
        continue;
      }
      const p = m.type === '=' ? this.get(m.name, m.value) : this.union(m.name, (v) => m.matches(v));
      pos = pos === null ? p : intersect(pos, p);
      if (pos.length === 0) return EMPTY;
    }
    let out = pos ?? this.allPostings();
    for (const n of neg) out = subtract(out, n);
    return out;
  }

  /** Union of the lists of label `name` whose value passes `ok`. */
  private union(name: string, ok: (v: string) => boolean): Uint32Array {
    const vals = this.m.get(name);
    if (!vals) return EMPTY;
    const parts: Uint32Array[] = [];
    let total = 0;
    for (const [v, p] of vals) {
      if (!ok(v)) continue;
      const view = p.view();
      parts.push(view);
      total += view.length;
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint32Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    // A series has one value per name, so the lists are disjoint: sorting is enough.
    return out.sort();
  }
}

const EMPTY = new Uint32Array(0);

/** Intersection of two sorted lists; gallops through the longer one. */
export function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const x = a[i]!;
    if (b[j]! < x) {
      // Gallop: double the step until past x, then binary search back.
      let step = 1;
      let hi = j + 1;
      while (hi < b.length && b[hi]! < x) {
        j = hi;
        step *= 2;
        hi = j + step;
      }
      if (hi > b.length) hi = b.length;
      let lo = j;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      j = lo;
    }
    if (j < b.length && b[j] === x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** a minus b, both sorted. */
export function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}
