// Runs every case of Prometheus 2.42's parser test table (parse_test.go's testExpr) from
// ../shared: valid inputs must produce upstream's AST, invalid ones upstream's error text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/index.js';
import { parseExpr, formatExpr, type Expr, QueryError, ParseError } from '../../src/promql/index.js';

interface Case {
  input: string | { base64: string };
  fail: boolean;
  expected_ast?: unknown;
  error_contains?: string;
  debian_promtool?: { parse_error: string | null } | null;
}
const table = JSON.parse(readFileSync(join(conformanceDir, 'promql', 'parser-cases.json'), 'utf8')) as { cases: Case[] };

const OPS: Record<string, string> = {
  '+': 'ADD', '-': 'SUB', '*': 'MUL', '/': 'DIV', '%': 'MOD', '^': 'POW', '==': 'EQLC', '!=': 'NEQ', '<=': 'LTE', '<': 'LSS',
  '>=': 'GTE', '>': 'GTR', and: 'LAND', or: 'LOR', unless: 'LUNLESS', atan2: 'ATAN2',
};
const CARD: Record<string, string> = { 'one-to-one': 'CardOneToOne', 'many-to-one': 'CardManyToOne', 'one-to-many': 'CardOneToMany', 'many-to-many': 'CardManyToMany' };
const dur = (ms: number) => ({ duration_ns: ms * 1e6 });
const pr = (r: { start: number; end: number }) => ({ _type: 'PositionRange', Start: r.start, End: r.end });
const num = (v: number): unknown => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : Number.isNaN(v) ? 'NaN' : v);

/** Our AST in upstream's JSON encoding. */
function toGo(e: Expr): unknown {
  switch (e.kind) {
    case 'NumberLiteral': return { _type: 'NumberLiteral', Val: num(e.val), PosRange: pr(e.posRange) };
    case 'StringLiteral': return { _type: 'StringLiteral', Val: e.val, PosRange: pr(e.posRange) };
    case 'ParenExpr': return { _type: 'ParenExpr', Expr: toGo(e.expr), PosRange: pr(e.posRange) };
    case 'UnaryExpr': return { _type: 'UnaryExpr', Op: OPS[e.op], Expr: toGo(e.expr), StartPos: e.startPos };
    case 'VectorSelector': return {
      _type: 'VectorSelector', Name: e.name, OriginalOffset: dur(e.originalOffset), Timestamp: e.timestamp,
      StartOrEnd: e.startOrEnd ? e.startOrEnd.toUpperCase() : 0,
      LabelMatchers: e.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value })), PosRange: pr(e.posRange),
    };
    case 'MatrixSelector': return { _type: 'MatrixSelector', VectorSelector: toGo(e.vectorSelector), Range: dur(e.range), EndPos: e.endPos };
    case 'SubqueryExpr': return {
      _type: 'SubqueryExpr', Expr: toGo(e.expr), Range: dur(e.range), Step: dur(e.step), OriginalOffset: dur(e.originalOffset),
      Timestamp: e.timestamp, StartOrEnd: e.startOrEnd ? e.startOrEnd.toUpperCase() : 0, EndPos: e.endPos,
    };
    case 'BinaryExpr': return {
      _type: 'BinaryExpr', Op: OPS[e.op], LHS: toGo(e.lhs), RHS: toGo(e.rhs), ReturnBool: e.returnBool,
      VectorMatching: e.vectorMatching && {
        _type: 'VectorMatching', Card: CARD[e.vectorMatching.card], MatchingLabels: e.vectorMatching.matchingLabels,
        On: e.vectorMatching.on, Include: e.vectorMatching.include,
      },
    };
    case 'AggregateExpr': return {
      _type: 'AggregateExpr', Op: e.op.toUpperCase(), Expr: toGo(e.expr), Param: e.param && toGo(e.param), Grouping: e.grouping,
      Without: e.without, PosRange: pr(e.posRange),
    };
    case 'Call': return { _type: 'Call', Func: { function: e.func.name }, Args: e.args.map(toGo), PosRange: pr(e.posRange) };
  }
}

/** Go zero values (false, 0, "", null, [], {duration_ns: 0}) are equivalent to absent fields. */
function normalize(x: unknown): unknown {
  if (Array.isArray(x)) return x.length === 0 ? undefined : x.map(normalize);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if ('duration_ns' in o && Object.keys(o).length === 1) return o.duration_ns === 0 ? undefined : o;
    // Strings that are not valid UTF-8 are given as bytes; JS strings decode them as U+FFFD.
    if ('base64' in o && Object.keys(o).length === 1) return Buffer.from(o.base64 as string, 'base64').toString('utf8');
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      const v = normalize(o[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  // CardOneToOne is Go's zero value for the cardinality enum.
  if (x === false || x === 0 || x === '' || x === null || x === 'CardOneToOne') return undefined;
  return x;
}

const inputOf = (c: Case): string => (typeof c.input === 'string' ? c.input : Buffer.from(c.input.base64, 'base64').toString('utf8'));

test('promql parser: every upstream 2.42 parse_test case', () => {
  let pass = 0;
  const failures: string[] = [];
  for (const c of table.cases) {
    const input = inputOf(c);
    const label = JSON.stringify(input).slice(0, 120);
    try {
      const ast = parseExpr(input);
      if (c.fail) {
        failures.push(`${label}: parsed, want error ${JSON.stringify(c.error_contains)}`);
        continue;
      }
      const got = normalize(toGo(ast));
      const want = normalize(c.expected_ast);
      try {
        assert.deepStrictEqual(got, want);
        // The canonical string form must parse back and print the same (not for strings
        // holding invalid UTF-8, which cannot be printed back as such).
        const printed = formatExpr(ast);
        if (!printed.includes('\ufffd')) assert.equal(formatExpr(parseExpr(printed)), printed);
        pass++;
      } catch {
        failures.push(`${label}: AST differs\n got  ${JSON.stringify(got)}\n want ${JSON.stringify(want)}`);
      }
    } catch (e) {
      if (!(e instanceof QueryError)) {
        failures.push(`${label}: threw ${String(e)}`);
        continue;
      }
      if (!c.fail) {
        failures.push(`${label}: unexpected error ${e.message}`);
        continue;
      }
      assert.ok(e instanceof ParseError && e.code === 'bad_data');
      const exact = c.debian_promtool?.parse_error;
      const ok = exact ? e.message === exact : e.message.includes(c.error_contains ?? '');
      if (ok) pass++;
      else failures.push(`${label}: error ${JSON.stringify(e.message)}, want ${JSON.stringify(exact ?? c.error_contains)}`);
    }
  }
  console.log(`promql parser: ${pass}/${table.cases.length} cases pass`);
  assert.deepEqual(failures, []);
});
