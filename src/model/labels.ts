/**
 * A label set: sorted by name, no empty values, at most one value per name.
 * Stored as one flat array [name0, value0, name1, value1, ...] so a label set is a single
 * allocation and comparisons walk memory linearly. Instances are immutable.
 */
export const METRIC_NAME = '__name__';

export class Labels {
  /** Flat, name-sorted pairs. Never mutate. */
  readonly kv: readonly string[];
  private _key: string | undefined;

  private constructor(kv: readonly string[]) {
    this.kv = kv;
  }

  static readonly EMPTY = new Labels([]);

  /** Builds from pairs that may be unsorted; later duplicates win; empty values are dropped. */
  static fromPairs(pairs: Iterable<readonly [string, string]>): Labels {
    const m = new Map<string, string>();
    for (const [n, v] of pairs) m.set(n, v);
    return Labels.fromMap(m);
  }

  static fromObject(o: Readonly<Record<string, string>>): Labels {
    return Labels.fromPairs(Object.entries(o));
  }

  static fromMap(m: ReadonlyMap<string, string>): Labels {
    const names = [...m.keys()].filter((n) => m.get(n) !== '').sort(compareStrings);
    const kv: string[] = new Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      kv[2 * i] = names[i]!;
      kv[2 * i + 1] = m.get(names[i]!)!;
    }
    return new Labels(kv);
  }

  /** Trusts the caller: kv must already be sorted by name with unique names and no empty values. */
  static fromSortedFlat(kv: readonly string[]): Labels {
    return new Labels(kv);
  }

  /** From a flat array of name/value pairs in any order (sorted here, empty values dropped). */
  static fromFlat(kv: readonly string[]): Labels {
    let sorted = true;
    for (let i = 2; i < kv.length; i += 2) if (kv[i - 2]! >= kv[i]!) sorted = false;
    let hasEmpty = false;
    for (let i = 1; i < kv.length; i += 2) if (kv[i] === '') hasEmpty = true;
    if (sorted && !hasEmpty) return new Labels(kv);
    const pairs: [string, string][] = [];
    for (let i = 0; i < kv.length; i += 2) pairs.push([kv[i]!, kv[i + 1]!]);
    return Labels.fromPairs(pairs);
  }

  get length(): number {
    return this.kv.length >> 1;
  }

  get(name: string): string {
    const kv = this.kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return kv[i + 1]!;
    return '';
  }

  has(name: string): boolean {
    const kv = this.kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return true;
    return false;
  }

  name(i: number): string {
    return this.kv[2 * i]!;
  }

  value(i: number): string {
    return this.kv[2 * i + 1]!;
  }

  /** The metric name, or '' when there is none. */
  metricName(): string {
    return this.get(METRIC_NAME);
  }

  /**
   * A 30-bit hash of the label set (FNV-1a over the UTF-16 code units, names and values
   * separated), for hash tables that chain collisions and confirm with equals(). Small enough
   * to stay a V8 small integer, so computing and storing it allocates nothing.
   */
  hash(): number {
    const kv = this.kv;
    let h = 0x811c9dc5;
    for (let i = 0; i < kv.length; i++) {
      const x = kv[i]!;
      for (let j = 0; j < x.length; j++) h = Math.imul(h ^ x.charCodeAt(j), 0x01000193);
      h = Math.imul(h ^ 0xffff, 0x01000193); // no char is 0xffff in practice; separates "ab","c" from "a","bc"
    }
    return h & 0x3fffffff;
  }

  /** A canonical string for maps and equality: the Prometheus text form `{a="1", b="2"}`. */
  key(): string {
    if (this._key === undefined) this._key = this.toString();
    return this._key;
  }

  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.kv;
    const b = o.kv;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Orders label sets the way Prometheus does (labels.Compare). */
  static compare(x: Labels, y: Labels): number {
    const a = x.kv;
    const b = y.kv;
    const l = Math.min(a.length, b.length);
    for (let i = 0; i < l; i++) {
      if (a[i] !== b[i]) return compareStrings(a[i]!, b[i]!);
    }
    return a.length - b.length;
  }

  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    for (let i = 0; i < this.kv.length; i += 2) o[this.kv[i]!] = this.kv[i + 1]!;
    return o;
  }

  /** Drops the named labels. */
  without(...names: string[]): Labels {
    const kv: string[] = [];
    for (let i = 0; i < this.kv.length; i += 2) {
      if (!names.includes(this.kv[i]!)) kv.push(this.kv[i]!, this.kv[i + 1]!);
    }
    return kv.length === this.kv.length ? this : new Labels(kv);
  }

  /** Keeps only the named labels. */
  only(...names: string[]): Labels {
    const kv: string[] = [];
    for (let i = 0; i < this.kv.length; i += 2) {
      if (names.includes(this.kv[i]!)) kv.push(this.kv[i]!, this.kv[i + 1]!);
    }
    return kv.length === this.kv.length ? this : new Labels(kv);
  }

  /** Returns a copy with name set to value (value '' removes the label). */
  with(name: string, value: string): Labels {
    const b = new LabelsBuilder(this);
    b.set(name, value);
    return b.labels();
  }

  /** Prometheus's text form: `{__name__="up", job="x"}`, values escaped as Go's %q does. */
  toString(): string {
    let s = '{';
    for (let i = 0; i < this.kv.length; i += 2) {
      if (i > 0) s += ', ';
      s += this.kv[i] + '=' + quoteLabelValue(this.kv[i + 1]!);
    }
    return s + '}';
  }
}

/** Accumulates changes to a base label set; used by relabeling, PromQL and scrape. */
export class LabelsBuilder {
  private readonly m: Map<string, string>;
  constructor(base: Labels = Labels.EMPTY) {
    this.m = new Map();
    for (let i = 0; i < base.kv.length; i += 2) this.m.set(base.kv[i]!, base.kv[i + 1]!);
  }
  get(name: string): string {
    return this.m.get(name) ?? '';
  }
  set(name: string, value: string): this {
    if (value === '') this.m.delete(name);
    else this.m.set(name, value);
    return this;
  }
  del(...names: string[]): this {
    for (const n of names) this.m.delete(n);
    return this;
  }
  /** Visits each current label; deleting during the walk is allowed. */
  range(fn: (name: string, value: string) => void): void {
    for (const [n, v] of [...this.m]) fn(n, v);
  }
  labels(): Labels {
    return Labels.fromMap(this.m);
  }
}

/**
 * Orders strings as Go does (by UTF-8 bytes, i.e. by code point). JavaScript's `<` compares
 * UTF-16 code units, which disagrees when a character above U+FFFF (a surrogate pair) meets
 * one in U+E000–U+FFFF; only that case takes the slow path.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length < 0 ? -1 : 1;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  if (ca >= 0xd800 && cb >= 0xd800) {
    const pa = a.codePointAt(i)!;
    const pb = b.codePointAt(i)!;
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
  return ca < cb ? -1 : 1;
}

/**
 * Go's strconv.Quote, which Prometheus uses for label values and (via %q) in most messages:
 * printable text stays, control characters, C1 controls, BOMs and lone surrogates are escaped.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if ((c >= 0x80 && c < 0xa0) || c === 0xfeff) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** Label values print as Go-quoted strings. */
export const quoteLabelValue = goQuote;

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function isValidLabelName(n: string): boolean {
  return LABEL_NAME_RE.test(n);
}

export function isValidMetricName(n: string): boolean {
  return METRIC_NAME_RE.test(n);
}
