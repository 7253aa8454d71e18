// The PromQL AST. Field names follow Prometheus's Go structs (camelCased) so the parser tests
// can compare against upstream's expected trees; durations and timestamps are milliseconds.
import type { Matcher } from '../../model/index.js';
import type { PositionRange } from '../errors.js';
import type { FunctionDef } from './functions.js';

export type ValueType = 'none' | 'vector' | 'scalar' | 'matrix' | 'string';

/** Prometheus's user-facing type names ("instant vector", "range vector"). */
export function documentedType(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '==' | '!=' | '<=' | '<' | '>=' | '>' | 'and' | 'or' | 'unless' | 'atan2';
export type AggregateOp = 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'count_values' | 'quantile';
export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface NumberLiteral { kind: 'NumberLiteral'; val: number; posRange: PositionRange }
export interface StringLiteral { kind: 'StringLiteral'; val: string; posRange: PositionRange }
export interface VectorSelector {
  kind: 'VectorSelector';
  name: string;
  matchers: Matcher[];
  /** The offset as written (ms; negative allowed). */
  originalOffset: number;
  /** `@ <timestamp>` in ms, or null. */
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
  posRange: PositionRange;
}
export interface MatrixSelector { kind: 'MatrixSelector'; vectorSelector: Expr; range: number; endPos: number }
export interface SubqueryExpr {
  kind: 'SubqueryExpr';
  expr: Expr;
  range: number;
  /** 0 when omitted (`[5m:]`): the engine's default resolution applies. */
  step: number;
  originalOffset: number;
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
  endPos: number;
}
export interface VectorMatching {
  card: Cardinality;
  matchingLabels: string[];
  on: boolean;
  include: string[];
}
export interface BinaryExpr {
  kind: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** null between scalars (and whenever one side is a scalar). */
  vectorMatching: VectorMatching | null;
}
export interface UnaryExpr { kind: 'UnaryExpr'; op: '+' | '-'; expr: Expr; startPos: number }
export interface AggregateExpr {
  kind: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  param: Expr | null;
  grouping: string[];
  without: boolean;
  posRange: PositionRange;
}
export interface Call { kind: 'Call'; func: FunctionDef; args: Expr[]; posRange: PositionRange }
export interface ParenExpr { kind: 'ParenExpr'; expr: Expr; posRange: PositionRange }

export type Expr =
  | NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | SubqueryExpr
  | BinaryExpr | UnaryExpr | AggregateExpr | Call | ParenExpr;

export function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '<=' || op === '<' || op === '>=' || op === '>';
}
export function isSetOperator(op: BinaryOp): boolean {
  return op === 'and' || op === 'or' || op === 'unless';
}

/** The value type an expression evaluates to (Expr.Type() in Go). Iterative for deep trees. */
export function typeOf(e: Expr): ValueType {
  for (;;) {
    switch (e.kind) {
      case 'NumberLiteral': return 'scalar';
      case 'StringLiteral': return 'string';
      case 'VectorSelector': return 'vector';
      case 'MatrixSelector': return 'matrix';
      case 'SubqueryExpr': return 'matrix';
      case 'AggregateExpr': return 'vector';
      case 'Call': return e.func.returnType;
      case 'ParenExpr': e = e.expr; continue;
      case 'UnaryExpr': e = e.expr; continue;
      case 'BinaryExpr': return binaryType(e);
    }
  }
}

const binTypeCache = new WeakMap<BinaryExpr, ValueType>();
function binaryType(e: BinaryExpr): ValueType {
  let t = binTypeCache.get(e);
  if (t === undefined) {
    // Left-deep chains are common (a+b+c+...): walk the left spine without recursion.
    const spine: BinaryExpr[] = [];
    let cur: Expr = e;
    while (cur.kind === 'BinaryExpr' && !binTypeCache.has(cur)) {
      spine.push(cur);
      cur = cur.lhs;
    }
    for (let i = spine.length - 1; i >= 0; i--) {
      const b = spine[i]!;
      const lt = typeOf(b.lhs);
      const rt = typeOf(b.rhs);
      binTypeCache.set(b, lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector');
    }
    t = binTypeCache.get(e)!;
  }
  return t;
}

/** Start/end byte offsets of an expression (Node.PositionRange() in Go). */
export function posRangeOf(e: Expr): PositionRange {
  switch (e.kind) {
    case 'MatrixSelector': return { start: posRangeOf(e.vectorSelector).start, end: e.endPos };
    case 'SubqueryExpr': return { start: posRangeOf(e.expr).start, end: e.endPos };
    case 'BinaryExpr': {
      let l: Expr = e;
      while (l.kind === 'BinaryExpr') l = l.lhs;
      let r: Expr = e;
      while (r.kind === 'BinaryExpr') r = r.rhs;
      return { start: posRangeOf(l).start, end: posRangeOf(r).end };
    }
    case 'UnaryExpr': return { start: e.startPos, end: posRangeOf(e.expr).end };
    default: return e.posRange;
  }
}

/** Strips any parentheses around an expression. */
export function unwrapParens(e: Expr): Expr {
  while (e.kind === 'ParenExpr') e = e.expr;
  return e;
}

/** Visits every node, parents before children. Iterative, so deep trees are fine. */
export function walk(root: Expr, fn: (e: Expr, path: readonly Expr[]) => void | false): void {
  const stack: { e: Expr; path: Expr[] }[] = [{ e: root, path: [] }];
  while (stack.length > 0) {
    const { e, path } = stack.pop()!;
    if (fn(e, path) === false) continue;
    const kids = children(e);
    const p = [...path, e];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ e: kids[i]!, path: p });
  }
}

export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'MatrixSelector': return [e.vectorSelector];
    case 'SubqueryExpr': return [e.expr];
    case 'BinaryExpr': return [e.lhs, e.rhs];
    case 'UnaryExpr': return [e.expr];
    case 'AggregateExpr': return e.param ? [e.param, e.expr] : [e.expr];
    case 'Call': return e.args;
    case 'ParenExpr': return [e.expr];
    default: return [];
  }
}
