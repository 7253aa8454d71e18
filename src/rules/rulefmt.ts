// Rule files in Prometheus 2.42's format (model/rulefmt): groups of recording and alerting rules.
// Parsing happens in two passes like upstream: a strict structural decode (unknown fields and
// wrong types are "yaml: unmarshal errors"), then semantic validation that reports yaml node
// positions (line:col) the way rulefmt's WrappedError does.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { isValidLabelName, isValidMetricName, parseDuration } from '../model/index.js';
import { parseExpr } from '../promql/index.js';
import { checkTemplateSyntax } from '../template/index.js';
import { RuleFileError } from './errors.js';

/** A string value with the yaml position it came from (0:0 when the key is absent, as in Go). */
export interface PosString {
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

export interface RuleNode {
  readonly record: PosString;
  readonly alert: PosString;
  readonly expr: PosString;
  /** Milliseconds. */
  readonly for: number;
  /** Milliseconds; keep_firing_for is new in 2.42. */
  readonly keepFiringFor: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroupNode {
  readonly name: string;
  /** Milliseconds; 0 = use the global evaluation_interval. */
  readonly interval: number;
  readonly limit: number;
  readonly rules: readonly RuleNode[];
  readonly line: number;
  readonly column: number;
}

export interface RuleFileNode {
  readonly groups: readonly RuleGroupNode[];
}

export type ParseResult = { ok: true; value: RuleFileNode } | { ok: false; errors: RuleFileError[] };

const NONE: PosString = { value: '', line: 0, column: 0 };

type Kind = 'string' | 'duration' | 'int' | 'map' | 'rules' | 'groups';
const GROUPS_FIELDS: Record<string, Kind> = { groups: 'groups' };
const GROUP_FIELDS: Record<string, Kind> = { name: 'string', interval: 'duration', limit: 'int', rules: 'rules' };
const RULE_FIELDS: Record<string, Kind> = {
  record: 'string',
  alert: 'string',
  expr: 'string',
  for: 'duration',
  keep_firing_for: 'duration',
  labels: 'map',
  annotations: 'map',
};

/** Reads and parses a rule file; every message is prefixed with `file` as promtool prints it. */
export function parseRuleFile(file: string, displayName = file): ParseResult {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    return { ok: false, errors: [new RuleFileError('rule_file_read', `${displayName}: open ${file}: ${why}`, displayName)] };
  }
  return parseRules(content, displayName);
}

export function parseRules(content: string, file: string): ParseResult {
  const lc = new LineCounter();
  const doc = parseDocument(content, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: false });
  const pos = (n: YamlNode | null | undefined): { line: number; column: number } => {
    if (!n?.range) return { line: 0, column: 0 };
    const p = lc.linePos(n.range[0]);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lc.linePos(e.pos[0]).line;
    // promtool reports a syntax error twice: once from the strict decode, once from the node pass.
    // (The wording after "line N:" is the yaml library's, not libyaml's.)
    const err = new RuleFileError('rule_file_yaml', `${file}: yaml: line ${line}: ${e.message.split('\n')[0]}`, file, line);
    return { ok: false, errors: [err, err] };
  }
  const unmarshal: string[] = [];
  abort.error = null;
  const root = doc.contents as YamlNode | null;
  const groups: RuleGroupNode[] = [];
  const semantic: RuleFileError[] = [];
  if (root && !(isScalar(root) && root.value === null)) {
    if (!isMap(root)) {
      unmarshal.push(`line ${pos(root).line}: cannot unmarshal ${tagOf(root)} into rulefmt.RuleGroups`);
    } else {
      const f = fields(root, GROUPS_FIELDS, 'rulefmt.RuleGroups', pos, unmarshal);
      const gs = f.get('groups');
      if (gs && isSeq(gs)) {
        for (const g of gs.items as YamlNode[]) groups.push(decodeGroup(g, pos, unmarshal));
      } else if (gs && !isNull(gs)) unmarshal.push(`line ${pos(gs).line}: cannot unmarshal ${tagOf(gs)} into []rulefmt.RuleGroup`);
    }
  }
  if (abort.error) return { ok: false, errors: [new RuleFileError('rule_file_yaml', `${file}: ${abort.error}`, file)] };
  if (unmarshal.length > 0) {
    const msg = `${file}: yaml: unmarshal errors:\n  ${unmarshal.join('\n  ')}`;
    return { ok: false, errors: [new RuleFileError('rule_file_yaml', msg, file, 0, 0, 'Check the key names against the rule file reference (recording_rules.md).')] };
  }
  validateGroups(groups, file, semantic);
  if (semantic.length > 0) return { ok: false, errors: semantic };
  return { ok: true, value: { groups } };
}

function isNull(n: YamlNode): boolean {
  return isScalar(n) && n.value === null;
}

function tagOf(n: YamlNode): string {
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (isScalar(n)) {
    const v = n.value;
    if (typeof v === 'number') return Number.isInteger(v) ? '!!int' : '!!float';
    if (typeof v === 'boolean') return '!!bool';
    return '!!str';
  }
  return '!!str';
}

type PosFn = (n: YamlNode | null | undefined) => { line: number; column: number };

/** Collects a mapping's fields, reporting unknown keys the way yaml.v3's KnownFields does. */
function fields(m: YamlNode, known: Record<string, Kind>, typeName: string, pos: PosFn, out: string[]): Map<string, YamlNode> {
  const res = new Map<string, YamlNode>();
  if (!isMap(m)) return res;
  for (const pair of m.items as Pair<YamlNode, YamlNode>[]) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(k in known)) {
      out.push(`line ${pos(pair.key).line}: field ${k} not found in type ${typeName}`);
      continue;
    }
    if (pair.value) res.set(k, pair.value);
  }
  return res;
}

function decodeString(n: YamlNode | undefined, pos: PosFn, out: string[]): PosString {
  if (!n) return NONE;
  if (isNull(n)) return { value: '', ...pos(n) };
  if (!isScalar(n)) {
    out.push(`line ${pos(n).line}: cannot unmarshal ${tagOf(n)} into string`);
    return NONE;
  }
  const src = (n as { source?: string }).source;
  return { value: typeof n.value === 'string' ? n.value : src ?? String(n.value), ...pos(n) };
}

/**
 * A duration's own unmarshaler failing aborts the whole decode in Go (the collected type errors
 * are dropped), so the first bad duration is the file's only error.
 */
const abort: { error: string | null } = { error: null };

function decodeDuration(n: YamlNode | undefined, pos: PosFn, out: string[]): number {
  if (!n || isNull(n)) return 0;
  const s = decodeString(n, pos, out).value;
  try {
    return parseDuration(s);
  } catch {
    abort.error ??= `not a valid duration string: ${JSON.stringify(s)}`;
    return 0;
  }
}

function decodeMap(n: YamlNode | undefined, pos: PosFn, out: string[]): Record<string, string> {
  const res: Record<string, string> = {};
  if (!n || isNull(n)) return res;
  if (!isMap(n)) {
    out.push(`line ${pos(n).line}: cannot unmarshal ${tagOf(n)} into map[string]string`);
    return res;
  }
  for (const pair of n.items as Pair<YamlNode, YamlNode>[]) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '';
    res[k] = decodeString(pair.value ?? undefined, pos, out).value;
  }
  return res;
}

function decodeGroup(g: YamlNode, pos: PosFn, out: string[]): RuleGroupNode {
  const p = pos(g);
  if (!isMap(g)) {
    if (!isNull(g)) out.push(`line ${p.line}: cannot unmarshal ${tagOf(g)} into rulefmt.RuleGroup`);
    return { name: '', interval: 0, limit: 0, rules: [], ...p };
  }
  const f = fields(g, GROUP_FIELDS, 'rulefmt.RuleGroup', pos, out);
  const name = decodeString(f.get('name'), pos, out).value;
  const interval = decodeDuration(f.get('interval'), pos, out);
  let limit = 0;
  const ln = f.get('limit');
  if (ln && !isNull(ln)) {
    if (isScalar(ln) && typeof ln.value === 'number' && Number.isInteger(ln.value)) limit = ln.value;
    else out.push(`line ${pos(ln).line}: cannot unmarshal ${tagOf(ln)} \`${String(isScalar(ln) ? ln.value : '')}\` into int`);
  }
  const rules: RuleNode[] = [];
  const rs = f.get('rules');
  if (rs && isSeq(rs)) {
    for (const r of rs.items as YamlNode[]) {
      const rf = fields(r, RULE_FIELDS, 'rulefmt.RuleNode', pos, out);
      if (!isMap(r) && !isNull(r)) out.push(`line ${pos(r).line}: cannot unmarshal ${tagOf(r)} into rulefmt.RuleNode`);
      rules.push({
        record: decodeString(rf.get('record'), pos, out),
        alert: decodeString(rf.get('alert'), pos, out),
        expr: decodeString(rf.get('expr'), pos, out),
        for: decodeDuration(rf.get('for'), pos, out),
        keepFiringFor: decodeDuration(rf.get('keep_firing_for'), pos, out),
        labels: decodeMap(rf.get('labels'), pos, out),
        annotations: decodeMap(rf.get('annotations'), pos, out),
      });
    }
  } else if (rs && !isNull(rs)) out.push(`line ${pos(rs).line}: cannot unmarshal ${tagOf(rs)} into []rulefmt.RuleNode`);
  return { name, interval, limit, rules, ...p };
}

function validateGroups(groups: readonly RuleGroupNode[], file: string, errs: RuleFileError[]): void {
  const seen = new Set<string>();
  for (const g of groups) {
    if (g.name === '') errs.push(new RuleFileError('rule_group_invalid', `${file}: ${g.line}:${g.column}: Groupname must not be empty`, file, g.line, g.column));
    if (seen.has(g.name)) {
      errs.push(new RuleFileError('rule_group_invalid', `${file}: ${g.line}:${g.column}: groupname: "${g.name}" is repeated in the same file`, file, g.line, g.column));
    }
    seen.add(g.name);
    g.rules.forEach((r, i) => {
      const ruleName = r.alert.value !== '' ? r.alert.value : r.record.value;
      for (const w of validateRule(r)) {
        const where = w.alt
          ? `${w.node!.line}:${w.node!.column}: ${w.alt.line}:${w.alt.column}: `
          : w.node
            ? `${w.node.line}:${w.node.column}: `
            : '';
        const msg = `${file}: ${where}group ${goQuote(g.name)}, rule ${i + 1}, ${goQuote(ruleName)}: ${w.err}`;
        errs.push(new RuleFileError('rule_invalid', msg, file, w.node?.line ?? 0, w.node?.column ?? 0));
      }
    });
  }
}

interface Wrapped {
  err: string;
  node?: PosString;
  alt?: PosString;
}

function validateRule(r: RuleNode): Wrapped[] {
  const out: Wrapped[] = [];
  if (r.record.value !== '' && r.alert.value !== '') out.push({ err: "only one of 'record' and 'alert' must be set", node: r.record, alt: r.alert });
  if (r.record.value === '' && r.alert.value === '') out.push({ err: "one of 'record' or 'alert' must be set", node: r.record });
  if (r.expr.value === '') out.push({ err: "field 'expr' must be set in rule", node: r.expr });
  else {
    try {
      parseExpr(r.expr.value);
    } catch (e) {
      out.push({ err: `could not parse expression: ${(e as Error).message}`, node: r.expr });
    }
  }
  if (r.record.value !== '') {
    if (Object.keys(r.annotations).length > 0) out.push({ err: "invalid field 'annotations' in recording rule", node: r.record });
    if (r.for !== 0) out.push({ err: "invalid field 'for' in recording rule", node: r.record });
    if (r.keepFiringFor !== 0) out.push({ err: "invalid field 'keep_firing_for' in recording rule", node: r.record });
    if (!isValidMetricName(r.record.value)) out.push({ err: `invalid recording rule name: ${r.record.value}`, node: r.record });
  }
  for (const [k, v] of Object.entries(r.labels)) {
    if (!isValidLabelName(k) || k === '__name__') out.push({ err: `invalid label name: ${k}` });
    if (!isValidUtf8(v)) out.push({ err: `invalid label value: ${v}` });
  }
  for (const k of Object.keys(r.annotations)) {
    if (!isValidLabelName(k)) out.push({ err: `invalid annotation name: ${k}` });
  }
  if (r.alert.value !== '') {
    // Upstream parses each template with the $labels/$value/... prelude so that references to
    // those variables are accepted; the tree name is "__alert_<name>" and shows in the message.
    const name = `__alert_${r.alert.value}`;
    for (const [k, v] of Object.entries(r.labels)) {
      const e = checkTemplateSyntax(name, v);
      if (e) out.push({ err: `label ${goQuote(k)}: ${e}` });
    }
    for (const [k, v] of Object.entries(r.annotations)) {
      const e = checkTemplateSyntax(name, v);
      if (e) out.push({ err: `annotation ${goQuote(k)}: ${e}` });
    }
  }
  return out;
}

function isValidUtf8(s: string): boolean {
  return !s.includes('\uFFFD');
}

/** Go's %q for the ASCII strings rule names normally are. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => c);
}
