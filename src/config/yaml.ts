/**
 * A small YAML-to-typed-value decoder that behaves like Go's yaml.v2 in strict mode, which is
 * what Prometheus 2.42 uses: unknown keys, duplicate keys and wrong scalar types are collected
 * as "unmarshal errors" (reported together, each with its line), while a validation failure
 * inside a section stops decoding at once, exactly as a Go UnmarshalYAML returning an error
 * does. Every node keeps its position so an error can say file:line:col.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, LineCounter, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseDuration, DurationError, type DurationMs, type FilePosition } from '../model/index.js';
import { ConfigError, goQuote, isValidUtf8 } from './errors.js';

export type YNode = Node | null | undefined;

/** What a struct decode saw: whether it decoded without type errors, and which keys were set. */
export interface StructResult {
  ok: boolean;
  present: Set<string>;
  nodes: Map<string, YNode>;
  node: YNode;
}

export type FieldHandlers = Record<string, (value: YNode) => void>;

const BASE2: Record<string, number> = {
  B: 1,
  KB: 1024, KiB: 1024,
  MB: 1024 ** 2, MiB: 1024 ** 2,
  GB: 1024 ** 3, GiB: 1024 ** 3,
  TB: 1024 ** 4, TiB: 1024 ** 4,
  PB: 1024 ** 5, PiB: 1024 ** 5,
  EB: 1024 ** 6, EiB: 1024 ** 6,
};

export class Decoder {
  /** yaml.v2-style unmarshal errors ("line N: ..."), in document order. */
  readonly terrors: { text: string; node: YNode }[] = [];
  /** Strings that came from !!binary scalars that are not valid UTF-8, with their bytes. */
  readonly rawBytes = new Map<string, Uint8Array>();
  readonly lc = new LineCounter();
  readonly doc: Document | undefined;

  constructor(readonly file: string, text: string) {
    const docs = parseAllDocuments(text, { version: '1.1', lineCounter: this.lc, uniqueKeys: false, prettyErrors: false, merge: false });
    const first = Array.isArray(docs) ? docs[0] : undefined;
    this.doc = first as Document | undefined;
    const err = first?.errors[0];
    if (err) {
      const p = this.lc.linePos(err.pos[0]);
      const { line, text: msg } = yamlV2Syntax(err.code, err.message, p.line);
      throw new ConfigError('config_yaml', `yaml: line ${line}: ${msg}`, 'Fix the YAML syntax at this position (indentation uses spaces, quotes must be closed).', {
        file: this.file,
        line: p.line,
        column: p.col,
      });
    }
  }

  get root(): YNode {
    return this.doc ? (this.doc.contents as YNode) : null;
  }

  // -------------------------------------------------------------------------------------
  // positions and errors
  // -------------------------------------------------------------------------------------

  pos(n: YNode): FilePosition | undefined {
    const r = n?.range;
    if (!r) return undefined;
    const p = this.lc.linePos(r[0]);
    return { file: this.file, line: p.line, column: p.col };
  }

  line(n: YNode): number {
    return this.pos(n)?.line ?? 1;
  }

  /** A validation failure: stops decoding, like an UnmarshalYAML returning an error. */
  fail(reason: string, node?: YNode, hint?: string): never {
    throw new ConfigError('config_invalid', reason, hint ?? 'Fix this setting; see the configuration reference for the allowed values.', this.pos(node));
  }

  private terror(n: YNode, goType: string): void {
    const node = this.deref(n);
    let tag = '!!null';
    let value = '';
    if (isMap(node)) tag = '!!map';
    else if (isSeq(node)) tag = '!!seq';
    else if (isScalar(node)) {
      tag = scalarTag(node);
      const src = scalarSource(node);
      value = src.length > 10 ? ' `' + src.slice(0, 7) + '...`' : ' `' + src + '`';
    }
    this.terrors.push({ text: `line ${this.line(node)}: cannot unmarshal ${tag}${value} into ${goType}`, node });
  }

  /** Throws the collected unmarshal errors, if any, as one ConfigError like yaml.v2's TypeError. */
  throwTypeErrors(): void {
    if (this.terrors.length === 0) return;
    const text = 'yaml: unmarshal errors:\n' + this.terrors.map((e) => '  ' + e.text).join('\n');
    throw new ConfigError('config_unmarshal', text, 'Check the key names and value types against the configuration reference (keys are case-sensitive snake_case).', this.pos(this.terrors[0]!.node));
  }

  deref(n: YNode): YNode {
    let cur = n;
    for (let i = 0; i < 64 && isAlias(cur); i++) cur = this.doc ? (cur.resolve(this.doc) as YNode) : null;
    return cur;
  }

  isNull(n: YNode): boolean {
    const node = this.deref(n);
    return node == null || (isScalar(node) && node.value == null && scalarTag(node) === '!!null');
  }

  // -------------------------------------------------------------------------------------
  // scalars
  // -------------------------------------------------------------------------------------

  str(n: YNode, goType = 'string'): string {
    const node = this.deref(n);
    if (this.isNull(node)) return '';
    if (!isScalar(node)) {
      this.terror(node, goType);
      return '';
    }
    if (node.value instanceof Uint8Array) {
      const bytes = node.value;
      if (isValidUtf8(bytes)) return Buffer.from(bytes).toString('utf8');
      const s = Buffer.from(bytes).toString('latin1');
      this.rawBytes.set(s, bytes);
      return s;
    }
    return scalarSource(node);
  }

  bool(n: YNode): boolean {
    const node = this.deref(n);
    if (this.isNull(node)) return false;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.terror(node, 'bool');
    return false;
  }

  /** Go int / uint / int64 / uint64 (negative values are a type error for unsigned types). */
  int(n: YNode, goType: 'int' | 'uint' | 'int64' | 'uint64' | 'uint32' = 'int'): number {
    const node = this.deref(n);
    if (this.isNull(node)) return 0;
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && !(goType.startsWith('u') && node.value < 0)) {
      return node.value;
    }
    this.terror(node, goType);
    return 0;
  }

  float(n: YNode): number {
    const node = this.deref(n);
    if (this.isNull(node)) return 0;
    if (isScalar(node) && typeof node.value === 'number') return node.value;
    this.terror(node, 'float64');
    return 0;
  }

  /** model.Duration: a string in Prometheus's duration syntax; a bad one stops decoding. */
  duration(n: YNode): DurationMs {
    const node = this.deref(n);
    if (this.isNull(node)) return 0 as DurationMs;
    const s = this.str(node);
    if (!isScalar(node)) return 0 as DurationMs;
    try {
      return parseDuration(s);
    } catch (e) {
      if (e instanceof DurationError) this.fail(e.message, node, 'Use a Prometheus duration such as 15s, 1m, 1h30m (units ms, s, m, h, d, w, y; no spaces, no negatives).');
      throw e;
    }
  }

  /** units.Base2Bytes ("512MB", "1GiB", "0"): a unit is required. */
  size(n: YNode): number {
    const node = this.deref(n);
    if (this.isNull(node)) return 0;
    const s = this.str(node);
    if (!isScalar(node)) return 0;
    const v = parseBase2Bytes(s);
    if (typeof v === 'string') this.fail(v, node, 'Give a size with a unit, e.g. 100MB or 512KiB (B, KB, MB, GB, TB, PB, EB).');
    return v;
  }

  // -------------------------------------------------------------------------------------
  // collections
  // -------------------------------------------------------------------------------------

  list<T>(n: YNode, goType: string, item: (node: YNode, index: number) => T): T[] | undefined {
    const node = this.deref(n);
    if (this.isNull(node)) return undefined;
    if (!isSeq(node)) {
      this.terror(node, goType);
      return undefined;
    }
    return (node as YAMLSeq).items.map((it, i) => item(it as YNode, i));
  }

  strList(n: YNode): string[] | undefined {
    return this.list(n, '[]string', (it) => this.str(it));
  }

  map<T>(n: YNode, goType: string, value: (node: YNode, key: string) => T): Record<string, T> | undefined {
    const node = this.deref(n);
    if (this.isNull(node)) return undefined;
    if (!isMap(node)) {
      this.terror(node, goType);
      return undefined;
    }
    const out: Record<string, T> = Object.create(null);
    for (const pair of this.pairs(node as YAMLMap)) {
      const key = this.keyString(pair.key as YNode);
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        this.terrors.push({ text: `line ${this.line(pair.key as YNode)}: key ${goQuote(key)} already set in map`, node: pair.key as YNode });
        continue;
      }
      out[key] = value(pair.value as YNode, key);
    }
    return out;
  }

  strMap(n: YNode): Record<string, string> | undefined {
    return this.map(n, 'map[string]string', (v) => this.str(v));
  }

  /**
   * Decodes a mapping into a Go struct of type `goType` (the name yaml.v2 prints, e.g.
   * "config.plain"): each key goes to its handler; an unknown or repeated key is an unmarshal
   * error. `ok` is false when this struct (or anything inside it) had unmarshal errors, in
   * which case Prometheus skips the struct's validation, and so do we.
   */
  struct(n: YNode, goType: string, fields: FieldHandlers): StructResult {
    const node = this.deref(n);
    const res: StructResult = { ok: true, present: new Set(), nodes: new Map(), node };
    if (this.isNull(node)) return res;
    const before = this.terrors.length;
    if (!isMap(node)) {
      this.terror(node, goType);
      res.ok = false;
      return res;
    }
    for (const pair of this.pairs(node as YAMLMap)) {
      const key = this.keyString(pair.key as YNode);
      if (res.present.has(key)) {
        this.terrors.push({ text: `line ${this.line(pair.key as YNode)}: field ${key} already set in type ${goType}`, node: pair.key as YNode });
        continue;
      }
      const h = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
      if (!h) {
        this.terrors.push({ text: `line ${this.line(pair.key as YNode)}: field ${key} not found in type ${goType}`, node: pair.key as YNode });
        continue;
      }
      res.present.add(key);
      res.nodes.set(key, pair.value as YNode);
      h(pair.value as YNode);
    }
    res.ok = this.terrors.length === before;
    return res;
  }

  /** The pairs of a mapping with YAML merge keys (`<<: *anchor`) expanded first, like yaml.v2. */
  private pairs(m: YAMLMap): Pair[] {
    const own = m.items as Pair[];
    if (!own.some((p) => this.isMergeKey(p.key as YNode))) return own;
    const out: Pair[] = [];
    const ownKeys = new Set(own.filter((p) => !this.isMergeKey(p.key as YNode)).map((p) => this.keyString(p.key as YNode)));
    for (const p of own) {
      if (!this.isMergeKey(p.key as YNode)) {
        out.push(p);
        continue;
      }
      const v = this.deref(p.value as YNode);
      const sources = isSeq(v) ? (v.items as YNode[]).map((x) => this.deref(x)) : [v];
      for (const src of sources) {
        if (!isMap(src)) continue;
        for (const mp of this.pairs(src as YAMLMap)) {
          const k = this.keyString(mp.key as YNode);
          if (!ownKeys.has(k) && !out.some((o) => isPair(o) && this.keyString(o.key as YNode) === k)) out.push(mp);
        }
      }
    }
    return out;
  }

  private isMergeKey(k: YNode): boolean {
    const n = this.deref(k);
    return isScalar(n) && (n as Scalar).type === 'PLAIN' && (typeof n.value === 'symbol' || n.value === '<<');
  }

  keyString(k: YNode): string {
    const n = this.deref(k);
    if (isScalar(n)) return n.value == null ? '' : scalarSource(n);
    return '';
  }
}

/** yaml.v2's short tag for a scalar: !!str, !!int, !!float, !!bool, !!null, !!binary. */
function scalarTag(n: Scalar): string {
  if (n.tag) {
    const t = n.tag.replace(/^tag:yaml\.org,2002:/, '!!');
    if (t.startsWith('!!')) return t;
    return n.tag;
  }
  const v = n.value;
  if (v == null) return '!!null';
  if (typeof v === 'boolean') return '!!bool';
  if (typeof v === 'number') return Number.isInteger(v) && !/[.eE]|inf|nan/i.test(scalarSource(n)) ? '!!int' : '!!float';
  if (v instanceof Date) return '!!timestamp';
  return '!!str';
}

/** The scalar's text: the source for plain scalars (so `yes` stays "yes" in a string field). */
function scalarSource(n: Scalar): string {
  if (n.type === 'PLAIN' && typeof n.source === 'string') return n.source;
  const v = n.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return typeof n.source === 'string' ? n.source : v.toISOString();
  return String(v);
}

/** alecthomas/units ParseBase2Bytes, with its error wording. */
export function parseBase2Bytes(s: string): number | string {
  if (s === '0') return 0;
  const orig = s;
  let total = 0;
  if (s === '') return `units: invalid unit ${orig}`;
  while (s !== '') {
    const m = /^([0-9]*(?:\.[0-9]*)?)(.*)$/.exec(s)!;
    const num = m[1]!;
    if (num === '' || num === '.') return `units: invalid unit ${orig}`;
    let rest = m[2]!;
    const um = /^[^0-9.]*/.exec(rest)!;
    const unit = um[0];
    rest = rest.slice(unit.length);
    const mult = BASE2[unit];
    if (mult === undefined) return `units: unknown unit ${unit} in ${orig}`;
    total += Number(num) * mult;
    s = rest;
  }
  return Math.floor(total);
}

/** Maps the yaml package's syntax error codes to libyaml's wording (what promtool prints). */
function yamlV2Syntax(code: string, message: string, line: number): { line: number; text: string } {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return { line: code === 'BAD_INDENT' ? Math.max(1, line - 1) : line + 1, text: 'did not find expected key' };
    case 'TAB_AS_INDENT':
      return { line, text: 'found character that cannot start any token' };
    case 'DUPLICATE_KEY':
      return { line, text: 'mapping key already defined' };
    case 'MULTILINE_IMPLICIT_KEY':
    case 'UNEXPECTED_TOKEN':
      return { line, text: 'could not find expected \':\'' };
    default:
      return { line, text: message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '') };
  }
}
