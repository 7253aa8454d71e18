/**
 * Structural checks of rule files referenced by a config, as promtool's `check config` runs
 * them (rulefmt.ParseFile + the duplicate-rule lint), with rulefmt's messages and positions.
 *
 * PromQL is not parsed here: callers pass `checkExpr` (the PromQL parser's validator) when
 * one is available. Without it only a delimiter-balance check runs, which catches unclosed
 * parentheses/brackets/braces/quotes but not every syntax error.
 */
import { readFileSync } from 'node:fs';
import { Decoder, type YNode } from './yaml.js';
import { ConfigError } from './errors.js';
import { isLegacyLabelName } from './relabel.js';
import { parseDuration } from '../model/index.js';

export interface RuleCheckOptions {
  /** Run the duplicate-rules lint (promtool --lint=duplicate-rules|all). */
  lintDuplicates: boolean;
  /** Validates a PromQL expression; returns Prometheus's parse error text, or undefined. */
  checkExpr?: (expr: string) => string | undefined;
}

export interface RuleCheckResult {
  /** Number of rules, when the file is valid. */
  rules: number;
  /** Errors as promtool prints them (one string each), file-prefixed. */
  errors: string[];
  /** The lint finding ("lint error N duplicate rule(s) found. ..."), not a hard error. */
  lint?: string;
}

interface RuleNode {
  record: string;
  alert: string;
  expr: string;
  exprNode: YNode;
  recordNode: YNode;
  alertNode: YNode;
  forMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function checkRuleFile(file: string, opts: RuleCheckOptions): RuleCheckResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { rules: 0, errors: [`${file}: open ${file}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`] };
  }
  let d: Decoder;
  try {
    d = new Decoder(file, text);
  } catch (e) {
    return { rules: 0, errors: [`${file}: ${e instanceof ConfigError ? e.reason : String(e)}`] };
  }
  const groups: { name: string; node: YNode; rules: RuleNode[] }[] = [];
  try {
    d.struct(d.root, 'rulefmt.RuleGroups', {
      groups: (v) =>
        d.list(v, '[]rulefmt.RuleGroup', (gn) => {
          const g = { name: '', node: gn, rules: [] as RuleNode[] };
          d.struct(gn, 'rulefmt.RuleGroup', {
            name: (x) => (g.name = d.str(x)),
            interval: (x) => void d.duration(x),
            limit: (x) => void d.int(x),
            rules: (x) =>
              (g.rules =
                d.list(x, '[]rulefmt.RuleNode', (rn) => {
                  const r: RuleNode = { record: '', alert: '', expr: '', exprNode: null, recordNode: null, alertNode: null, forMs: 0, labels: {}, annotations: {} };
                  d.struct(rn, 'rulefmt.RuleNode', {
                    record: (y) => ((r.record = d.str(y)), (r.recordNode = y)),
                    alert: (y) => ((r.alert = d.str(y)), (r.alertNode = y)),
                    expr: (y) => ((r.expr = d.str(y)), (r.exprNode = y)),
                    for: (y) => (r.forMs = d.isNull(y) ? 0 : parseDuration(d.str(y))),
                    labels: (y) => (r.labels = d.strMap(y) ?? {}),
                    annotations: (y) => (r.annotations = d.strMap(y) ?? {}),
                  });
                  return r;
                }) ?? []),
          });
          groups.push(g);
          return g;
        }),
    });
    d.throwTypeErrors();
  } catch (e) {
    return { rules: 0, errors: [`${file}: ${e instanceof ConfigError ? e.reason : e instanceof Error ? e.message : String(e)}`] };
  }

  const errors: string[] = [];
  const lc = (n: YNode) => {
    const p = d.pos(n);
    return p ? `${p.line}:${p.column}` : '0:0';
  };
  const seen = new Set<string>();
  for (const g of groups) {
    if (g.name === '') errors.push(`${file}: ${lc(g.node)}: Groupname must not be empty`);
    if (seen.has(g.name)) errors.push(`${file}: ${lc(g.node)}: groupname: "${g.name}" is repeated in the same file`);
    seen.add(g.name);
    g.rules.forEach((r, i) => {
      const name = r.alert || r.record;
      const add = (node: YNode, msg: string) => errors.push(`${file}: ${lc(node)}: group ${JSON.stringify(g.name)}, rule ${i + 1}, ${JSON.stringify(name)}: ${msg}`);
      if (r.record && r.alert) add(r.recordNode, "only one of 'record' and 'alert' must be set");
      if (!r.record && !r.alert) add(r.recordNode, "one of 'record' or 'alert' must be set");
      if (!r.expr) add(r.exprNode, "field 'expr' must be set in rule");
      else {
        const perr = opts.checkExpr ? opts.checkExpr(r.expr) : balanceCheck(r.expr);
        if (perr) add(r.exprNode, `could not parse expression: ${perr}`);
      }
      if (r.record) {
        if (Object.keys(r.annotations).length > 0) add(r.recordNode, "invalid field 'annotations' in recording rule");
        if (r.forMs !== 0) add(r.recordNode, "invalid field 'for' in recording rule");
        if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(r.record)) add(r.recordNode, `invalid recording rule name: ${r.record}`);
      }
      for (const k of Object.keys(r.labels)) if (!isLegacyLabelName(k) || k === '__name__') add(r.exprNode, `invalid label name: ${k}`);
      for (const k of Object.keys(r.annotations)) if (!isLegacyLabelName(k)) add(r.exprNode, `invalid annotation name: ${k}`);
    });
  }
  if (errors.length > 0) return { rules: 0, errors };

  const count = groups.reduce((n, g) => n + g.rules.length, 0);
  if (opts.lintDuplicates) {
    const dups = findDuplicates(groups.flatMap((g) => g.rules));
    if (dups.length > 0) {
      let msg = `lint error ${dups.length} duplicate rule(s) found.\n`;
      for (const dup of dups) {
        msg += `Metric: ${dup.metric}\nLabel(s):\n`;
        for (const [k, v] of dup.labels) msg += `\t${k}: ${v}\n`;
      }
      msg += 'Might cause inconsistency while recording expressions';
      return { rules: count, errors: [], lint: msg };
    }
  }
  return { rules: count, errors: [] };
}

interface RuleKey {
  metric: string;
  labels: [string, string][];
}

function compareKeys(a: RuleKey, b: RuleKey): number {
  if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a.labels[i]!;
    const [bn, bv] = b.labels[i]!;
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.labels.length - b.labels.length;
}

function findDuplicates(rules: RuleNode[]): RuleKey[] {
  const keys: RuleKey[] = rules.map((r) => ({
    metric: r.alert || r.record,
    labels: Object.entries(r.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  }));
  const out: RuleKey[] = [];
  if (keys.length < 2) return out;
  keys.sort(compareKeys);
  let last = keys[0]!;
  for (let i = 1; i < keys.length; i++) {
    if (compareKeys(last, keys[i]!) === 0 && (out.length === 0 || compareKeys(last, out[out.length - 1]!) !== 0)) out.push(keys[i]!);
    last = keys[i]!;
  }
  return out;
}

/** Without a PromQL parser: report unbalanced delimiters the way the PromQL lexer words them. */
function balanceCheck(expr: string): string | undefined {
  const stack: string[] = [];
  const lines = expr.split('\n');
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      const want = c === ')' ? '(' : c === ']' ? '[' : '{';
      if (open !== want) return `${posOf(expr, i)}: parse error: unexpected ${c === ')' ? 'right parenthesis' : c === ']' ? 'right bracket' : 'right brace'} '${c}'`;
    }
  }
  const endPos = `${lines.length}:${lines[lines.length - 1]!.length + 1}`;
  if (quote) return `${endPos}: parse error: unterminated quoted string`;
  const open = stack.pop();
  if (open === '(') return `${endPos}: parse error: unclosed left parenthesis`;
  if (open === '[') return `${endPos}: parse error: unclosed left bracket`;
  if (open === '{') return `${endPos}: parse error: unexpected end of input inside braces`;
  return undefined;
}

function posOf(s: string, i: number): string {
  const before = s.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
