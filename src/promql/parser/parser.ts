// A hand-written recursive-descent / precedence-climbing parser for the PromQL grammar of
// Prometheus 2.42. Error texts and positions follow the yacc parser's, including which error
// wins when several apply (the first one recorded).
import { Matcher, RegexError, METRIC_NAME, type MatchType, quoteLabelValue, isValidLabelName, parseDuration, DurationError } from '../../model/index.js';
import { ParseError, type PositionRange } from '../errors.js';
import {
  type AggregateExpr, type AggregateOp, type BinaryExpr, type BinaryOp, type Cardinality, type Expr, type MatrixSelector,
  type NumberLiteral, type SubqueryExpr, type VectorSelector, documentedType, isComparison, isSetOperator, posRangeOf, typeOf,
} from './ast.js';
import { FUNCTIONS, type FunctionDef } from './functions.js';
import { AGGREGATORS, Lexer, type Token, type TokType, describe, unquoteString } from './lexer.js';

const PRECEDENCE: Partial<Record<TokType, number>> = {
  or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '<=': 3, '<': 3, '>=': 3, '>': 3,
  '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, atan2: 5, '^': 6,
};
// Keywords the grammar also accepts as metric names (metric_identifier) and as label names in
// grouping clauses (maybe_label).
const METRIC_KEYWORDS = new Set<TokType>(['by', 'without', 'offset', 'and', 'or', 'unless', 'start', 'end', ...AGGREGATORS]);
const LABEL_KEYWORDS = new Set<TokType>([
  'by', 'without', 'offset', 'and', 'or', 'unless', 'start', 'end', 'bool', 'on', 'ignoring', 'group_left', 'group_right', 'atan2', ...AGGREGATORS,
]);
const PARAM_AGGREGATORS = new Set(['topk', 'bottomk', 'count_values', 'quantile']);

// Compiling a regex matcher is the costliest part of parsing; queries repeat (rules, dashboards,
// the @-variants of test scripts), and matchers are immutable, so compiled ones are shared.
const MATCHER_CACHE_SIZE = 1024;
const matcherCache = new Map<string, Matcher>();
function cachedMatcher(type: MatchType, name: string, value: string): Matcher {
  if (type === '=' || type === '!=') return new Matcher(type, name, value);
  const key = `${type}\u0000${name}\u0000${value}`;
  let m = matcherCache.get(key);
  if (!m) {
    m = new Matcher(type, name, value);
    if (matcherCache.size >= MATCHER_CACHE_SIZE) matcherCache.clear();
    matcherCache.set(key, m);
  }
  return m;
}

/** Thrown internally to stop at a syntax error; the recorded error is reported. */
class Stop extends Error {}

interface RecordedError {
  range: PositionRange;
  msg: string;
}

/** Parses a PromQL expression. Throws ParseError (code 'bad_data') with Prometheus's text. */
export function parseExpr(input: string): Expr {
  return new Parser(input).parse();
}

class Parser {
  private readonly lex: Lexer;
  private look: Token | null = null;
  private readonly errors: RecordedError[] = [];
  private lastClosing = 0;
  private aggDepth = 0;
  private readonly bytes: Buffer;

  constructor(private readonly input: string) {
    this.lex = new Lexer(input);
    this.bytes = Buffer.from(input, 'utf8');
  }

  parse(): Expr {
    let expr: Expr | undefined;
    try {
      if (this.peek().type === 'EOF') this.fail({ start: 0, end: 0 }, 'no expression found in input');
      expr = this.parseExpr(0);
      if (this.peek().type !== 'EOF') this.unexpected('', '');
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
    if (this.errors.length === 0 && expr) new Checker(this, this.bytes).check(expr);
    if (this.errors.length > 0) {
      const first = this.errors[0]!;
      throw new ParseError(this.input, first.range, first.msg);
    }
    return expr!;
  }

  // ---- token plumbing -------------------------------------------------------------------

  private peek(): Token {
    if (this.look === null) {
      let t = this.lex.take();
      while (t.type === 'COMMENT') t = this.lex.take();
      if (t.type === ')' || t.type === '}' || t.type === ']' || t.type === 'DURATION' || t.type === 'NUMBER') this.lastClosing = t.end;
      this.look = t;
      if (t.type === 'ERROR') this.fail({ start: t.pos, end: t.end }, t.val);
    }
    return this.look;
  }

  private next(): Token {
    const t = this.peek();
    this.look = null;
    return t;
  }

  record(range: PositionRange, msg: string): void {
    this.errors.push({ range, msg });
  }

  private fail(range: PositionRange, msg: string): never {
    this.errors.push({ range, msg });
    throw new Stop();
  }

  /** Reports the lookahead token as unexpected, like the grammar's error productions. */
  private unexpected(context: string, expected: string, tok: Token = this.peek()): never {
    // Inside an aggregation, yacc's recovery unwinds to the `aggregate_op error` rule.
    if (context === '' && expected === '' && this.aggDepth > 0) context = 'aggregation';
    let msg = 'unexpected ' + describe(tok);
    if (context) msg += ' in ' + context;
    if (expected) msg += ', expected ' + expected;
    this.fail({ start: tok.pos, end: tok.end }, msg);
  }

  private expect(type: TokType, context = '', expected = ''): Token {
    if (this.peek().type !== type) this.unexpected(context, expected);
    return this.next();
  }

  // ---- expressions ----------------------------------------------------------------------

  private parseExpr(minPrec: number): Expr {
    let lhs = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const prec = PRECEDENCE[t.type];
      if (prec === undefined || prec < minPrec) return lhs;
      this.next();
      const bin: BinaryExpr = {
        kind: 'BinaryExpr', op: t.type as BinaryOp, lhs, rhs: lhs, returnBool: false,
        vectorMatching: { card: 'one-to-one', matchingLabels: [], on: false, include: [] },
      };
      this.parseBinModifiers(bin);
      // '^' is right-associative; everything else associates to the left.
      bin.rhs = this.parseExpr(t.type === '^' ? prec : prec + 1);
      lhs = bin;
    }
  }

  private parseBinModifiers(bin: BinaryExpr): void {
    const vm = bin.vectorMatching!;
    if (this.peek().type === 'bool') {
      this.next();
      bin.returnBool = true;
    }
    const t = this.peek().type;
    if (t === 'on' || t === 'ignoring') {
      this.next();
      vm.on = t === 'on';
      vm.matchingLabels = this.parseGroupingLabels();
      const g = this.peek().type;
      if (g === 'group_left' || g === 'group_right') {
        this.next();
        vm.card = g === 'group_left' ? 'many-to-one' : 'one-to-many';
        const n = this.peek().type;
        if (n === '(') vm.include = this.parseGroupingLabels();
        else if (!this.startsExpr(n)) this.unexpected('grouping opts', '"("');
      }
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.type !== '+' && t.type !== '-') return this.parsePostfixed();
    this.next();
    // `unary_op expr %prec MUL`: only '^' (and postfix modifiers) bind tighter.
    const operand = this.parseExpr(6);
    if (operand.kind === 'NumberLiteral') {
      if (t.type === '-') operand.val *= -1;
      operand.posRange.start = t.pos;
      return operand;
    }
    return { kind: 'UnaryExpr', op: t.type, expr: operand, startPos: t.pos };
  }

  private parsePostfixed(): Expr {
    let e = this.parsePrimary();
    for (;;) {
      const t = this.peek().type;
      if (t === '[') e = this.parseRangeOrSubquery(e);
      else if (t === 'offset') e = this.parseOffset(e);
      else if (t === '@') e = this.parseAt(e);
      else return e;
    }
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.type) {
      case 'NUMBER':
        this.next();
        return { kind: 'NumberLiteral', val: this.number(t), posRange: { start: t.pos, end: t.end } };
      case 'STRING':
        this.next();
        return { kind: 'StringLiteral', val: this.unquote(t), posRange: { start: t.pos, end: t.end } };
      case '(': {
        this.next();
        const inner = this.parseExpr(0);
        const close = this.expect(')');
        return { kind: 'ParenExpr', expr: inner, posRange: { start: t.pos, end: close.end } };
      }
      case '{': {
        const vs = this.parseLabelMatchers('', t.pos);
        return vs;
      }
      case 'IDENTIFIER':
        this.next();
        if (this.peek().type === '(') return this.parseCall(t);
        return this.parseSelectorAfterName(t);
      case 'METRIC_IDENTIFIER':
        this.next();
        return this.parseSelectorAfterName(t);
    }
    if (AGGREGATORS.has(t.type)) {
      this.next();
      const n = this.peek().type;
      if (n === '(' || n === 'by' || n === 'without') return this.parseAggregate(t);
      return this.parseSelectorAfterName(t);
    }
    if (METRIC_KEYWORDS.has(t.type)) {
      this.next();
      return this.parseSelectorAfterName(t);
    }
    this.unexpected('', '');
  }

  private parseSelectorAfterName(name: Token): VectorSelector {
    if (this.peek().type === '{') return this.parseLabelMatchers(name.val, name.pos);
    const vs: VectorSelector = {
      kind: 'VectorSelector', name: name.val, matchers: [], originalOffset: 0, timestamp: null, startOrEnd: null,
      posRange: { start: name.pos, end: name.end },
    };
    vs.matchers.push(this.nameMatcher(name.val));
    return vs;
  }

  private nameMatcher(name: string): Matcher {
    return new Matcher('=', METRIC_NAME, name);
  }

  private parseLabelMatchers(name: string, start: number): VectorSelector {
    this.expect('{');
    const matchers: Matcher[] = [];
    let end: number;
    for (;;) {
      let t = this.peek();
      if (t.type === '}') {
        end = this.next().end;
        break;
      }
      if (t.type !== 'IDENTIFIER') this.unexpected('label matching', 'identifier or "}"');
      const label = this.next();
      t = this.peek();
      if (t.type !== '=' && t.type !== '!=' && t.type !== '=~' && t.type !== '!~') this.unexpected('label matching', 'label matching operator');
      const op = this.next();
      if (this.peek().type !== 'STRING') this.unexpected('label matching', 'string');
      const value = this.next();
      const val = this.unquote(value);
      try {
        matchers.push(cachedMatcher(op.type as MatchType, label.val, val));
      } catch (e) {
        const msg = e instanceof RegexError && e.reason.startsWith('error parsing regexp:') ? e.reason : e instanceof Error ? e.message : String(e);
        this.record({ start: label.pos, end: value.end }, msg);
        matchers.push(new Matcher('=', label.val, val));
      }
      t = this.peek();
      if (t.type === ',') {
        this.next();
        continue;
      }
      if (t.type === '}') {
        end = this.next().end;
        break;
      }
      this.unexpected('label matching', '"," or "}"');
    }
    if (name !== '') matchers.push(this.nameMatcher(name));
    return {
      kind: 'VectorSelector', name, matchers, originalOffset: 0, timestamp: null, startOrEnd: null,
      posRange: { start, end },
    };
  }

  private parseCall(name: Token): Expr {
    const fn = FUNCTIONS.get(name.val);
    const args = this.parseCallBody();
    // Reported when the call is complete (the grammar's reduce), after errors inside it.
    if (!fn) this.record({ start: name.pos, end: name.end }, `unknown function with name ${quoteLabelValue(name.val)}`);
    const func: FunctionDef = fn ?? { name: name.val, argTypes: [], variadic: 0, returnType: 'none' };
    return { kind: 'Call', func, args, posRange: { start: name.pos, end: this.lastClosing } };
  }

  private parseCallBody(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    if (this.peek().type === ')') {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseExpr(0));
      const t = this.peek();
      if (t.type === ',') {
        this.next();
        const n = this.peek().type;
        if (n === ')') {
          this.record({ start: t.pos, end: t.end }, 'trailing commas not allowed in function call args');
          this.next();
          return args;
        }
        // yacc reduces `args COMMA` (the trailing-comma rule) before it notices that the next
        // token cannot start an expression, so that error comes first.
        if (!this.startsExpr(n)) this.record({ start: t.pos, end: t.end }, 'trailing commas not allowed in function call args');
        continue;
      }
      this.expect(')');
      return args;
    }
  }

  private startsExpr(t: TokType): boolean {
    return t === 'NUMBER' || t === 'STRING' || t === '(' || t === '{' || t === 'IDENTIFIER' || t === 'METRIC_IDENTIFIER' ||
      t === '+' || t === '-' || METRIC_KEYWORDS.has(t);
  }

  private parseAggregate(opTok: Token): AggregateExpr {
    const agg: AggregateExpr = {
      kind: 'AggregateExpr', op: opTok.type as AggregateOp, expr: null as unknown as Expr, param: null, grouping: [], without: false,
      posRange: { start: opTok.pos, end: 0 },
    };
    let t = this.peek().type;
    let args: Expr[];
    this.aggDepth++;
    if (t === 'by' || t === 'without') {
      this.parseAggModifier(agg);
      if (this.peek().type !== '(') this.unexpected('aggregation', '');
      args = this.parseCallBody();
    } else {
      args = this.parseCallBody();
      t = this.peek().type; // the grammar needs this lookahead too (it moves lastClosing)
      if (t === 'by' || t === 'without') this.parseAggModifier(agg);
    }
    this.aggDepth--;
    agg.posRange.end = this.lastClosing;
    if (args.length === 0) {
      this.record(agg.posRange, 'no arguments for aggregate expression provided');
      return agg;
    }
    let desired = 1;
    if (PARAM_AGGREGATORS.has(agg.op)) {
      desired = 2;
      agg.param = args[0]!;
    }
    if (args.length !== desired) {
      this.record(agg.posRange, `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`);
      return agg;
    }
    agg.expr = args[desired - 1]!;
    return agg;
  }

  private parseAggModifier(agg: AggregateExpr): void {
    const t = this.next();
    agg.without = t.type === 'without';
    agg.grouping = this.parseGroupingLabels();
  }

  private parseGroupingLabels(): string[] {
    if (this.peek().type !== '(') this.unexpected('grouping opts', '"("');
    this.next();
    const labels: string[] = [];
    if (this.peek().type === ')') {
      this.next();
      return labels;
    }
    for (;;) {
      const t = this.peek();
      const isLabelTok = t.type === 'IDENTIFIER' || t.type === 'METRIC_IDENTIFIER' || LABEL_KEYWORDS.has(t.type);
      if (!isLabelTok) this.unexpected('grouping opts', 'label');
      this.next();
      if (!isValidLabelName(t.val)) this.unexpected('grouping opts', 'label', t);
      labels.push(t.val);
      const sep = this.peek();
      if (sep.type === ',') {
        this.next();
        if (this.peek().type === ')') {
          this.next();
          return labels;
        }
        continue;
      }
      if (sep.type === ')') {
        this.next();
        return labels;
      }
      this.unexpected('grouping opts', '"," or ")"');
    }
  }

  // ---- postfix modifiers ------------------------------------------------------------------

  private parseRangeOrSubquery(e: Expr): Expr {
    const open = this.next(); // '['
    if (this.peek().type !== 'DURATION') this.unexpected('subquery selector', 'duration');
    const range = this.duration(this.next());
    let t = this.peek();
    if (t.type === ']') {
      const close = this.next();
      let errMsg = '';
      if (e.kind !== 'VectorSelector') errMsg = 'ranges only allowed for vector selectors';
      else if (e.originalOffset !== 0) errMsg = 'no offset modifiers allowed before range';
      else if (e.timestamp !== null || e.startOrEnd !== null) errMsg = 'no @ modifiers allowed before range';
      if (errMsg) this.record({ start: open.pos, end: close.end }, errMsg);
      const ms: MatrixSelector = { kind: 'MatrixSelector', vectorSelector: e, range, endPos: this.lastClosing };
      return ms;
    }
    if (t.type !== ':') this.unexpected('subquery or range', '":" or "]"');
    this.next();
    t = this.peek();
    let step = 0;
    if (t.type === 'DURATION') {
      step = this.duration(this.next());
      if (this.peek().type !== ']') this.unexpected('subquery selector', '"]"');
    } else if (t.type !== ']') this.unexpected('subquery selector', 'duration or "]"');
    const close = this.next();
    const sq: SubqueryExpr = {
      kind: 'SubqueryExpr', expr: e, range, step, originalOffset: 0, timestamp: null, startOrEnd: null, endPos: close.pos + 1,
    };
    return sq;
  }

  private parseOffset(e: Expr): Expr {
    this.next(); // 'offset'
    let sign = 1;
    if (this.peek().type === '-') {
      this.next();
      sign = -1;
    }
    if (this.peek().type !== 'DURATION') this.unexpected('offset', 'duration');
    const d = this.duration(this.next()) * sign;
    const range = posRangeOf(e);
    let target: VectorSelector | SubqueryExpr;
    if (e.kind === 'VectorSelector' || e.kind === 'SubqueryExpr') target = e;
    else if (e.kind === 'MatrixSelector') {
      if (e.vectorSelector.kind !== 'VectorSelector') {
        this.record(range, 'ranges only allowed for vector selectors');
        return e;
      }
      target = e.vectorSelector;
    } else {
      this.record(range, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      return e;
    }
    if (target.originalOffset !== 0) this.record(range, 'offset may not be set multiple times');
    else target.originalOffset = d;
    this.setEnd(e);
    return e;
  }

  private setEnd(e: Expr): void {
    if (e.kind === 'VectorSelector') e.posRange.end = this.lastClosing;
    else if (e.kind === 'MatrixSelector' || e.kind === 'SubqueryExpr') e.endPos = this.lastClosing;
  }

  private parseAt(e: Expr): Expr {
    this.next(); // '@'
    const t = this.peek();
    let ts: number | null = null;
    let preproc: 'start' | 'end' | null = null;
    if (t.type === 'NUMBER') {
      ts = this.number(this.next());
    } else if ((t.type === '+' || t.type === '-')) {
      this.next();
      if (this.peek().type !== 'NUMBER') this.unexpected('@', 'timestamp');
      ts = this.number(this.next()) * (t.type === '-' ? -1 : 1);
    } else if (t.type === 'start' || t.type === 'end') {
      this.next();
      if (this.peek().type !== '(') this.unexpected('@', 'timestamp');
      this.next();
      if (this.peek().type !== ')') this.unexpected('@', 'timestamp');
      this.next();
      preproc = t.type;
    } else this.unexpected('@', 'timestamp');

    const range = posRangeOf(e);
    if (ts !== null && (!Number.isFinite(ts) || ts >= 9223372036854775807 || ts <= -9223372036854775808)) {
      this.record(range, `timestamp out of bounds for @ modifier: ${goFormatF(ts)}`);
    }
    let target: VectorSelector | SubqueryExpr;
    if (e.kind === 'VectorSelector' || e.kind === 'SubqueryExpr') target = e;
    else if (e.kind === 'MatrixSelector') {
      if (e.vectorSelector.kind !== 'VectorSelector') {
        this.record(range, 'ranges only allowed for vector selectors');
        return e;
      }
      target = e.vectorSelector;
    } else {
      this.record(range, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      return e;
    }
    if (target.timestamp !== null || target.startOrEnd !== null) {
      this.record(range, '@ <timestamp> may not be set multiple times');
      return e;
    }
    if (ts !== null) target.timestamp = goRoundToInt64(ts * 1000);
    else target.startOrEnd = preproc;
    this.setEnd(e);
    return e;
  }

  // ---- literals ---------------------------------------------------------------------------

  private number(t: Token): number {
    const r = parseGoNumber(t.val);
    if (typeof r === 'string') this.record({ start: t.pos, end: t.end }, `error parsing number: ${r}`);
    return typeof r === 'string' ? 0 : r;
  }

  private unquote(t: Token): string {
    try {
      return unquoteString(t.val);
    } catch {
      this.record({ start: t.pos, end: t.end }, `error unquoting string ${quoteLabelValue(t.val)}: invalid syntax`);
      return '';
    }
  }

  private duration(t: Token): number {
    try {
      const d = parseDuration(t.val);
      if (d === 0) {
        this.record({ start: t.pos, end: t.end }, 'duration must be greater than 0');
      }
      return d;
    } catch (e) {
      this.record({ start: t.pos, end: t.end }, e instanceof DurationError ? e.message : String(e));
      return 0;
    }
  }
}

/** int64(math.Round(x)): half away from zero; out-of-range values become MinInt64 as on amd64. */
function goRoundToInt64(x: number): number {
  const r = x < 0 ? -Math.round(-x) : Math.round(x);
  return Math.abs(r) < 9223372036854775808 ? r : -9223372036854775808;
}

/** Go's %f: six decimals, "+Inf", "-Inf", "NaN". */
function goFormatF(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Math.abs(x) < 1e21) return x.toFixed(6);
  return BigInt(Math.trunc(x)).toString() + '.000000';
}

/**
 * Prometheus parses number literals with strconv.ParseInt(s, 0, 64) and falls back to
 * ParseFloat. Returns the value or Go's error text.
 */
export function parseGoNumber(s: string): number | string {
  // Fast path: short plain decimals (no leading zero, so never octal).
  if (s.length < 16 && /^(?:[1-9][0-9]*|0)?(?:\.[0-9]+)?$/.test(s) && s !== '' && s !== '.') return Number(s);
  const lower = s.toLowerCase();
  let big: bigint | undefined;
  if (/^[1-9][0-9]*$|^0$/.test(s)) big = BigInt(s);
  else if (/^0[0-7]+$/.test(s)) big = BigInt('0o' + s.slice(1));
  else if (/^0[xX][0-9a-fA-F]+$/.test(s)) big = BigInt(s);
  if (big !== undefined && big <= 9223372036854775807n) return Number(big);
  // ParseFloat.
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(lower)) return NaN;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) {
    const f = Number(s);
    if (!Number.isFinite(f)) return `strconv.ParseFloat: parsing ${quoteLabelValue(s)}: value out of range`;
    return f;
  }
  return `strconv.ParseFloat: parsing ${quoteLabelValue(s)}: invalid syntax`;
}

/** The type checks Prometheus runs after a successful parse (checkAST), without recursion. */
class Checker {
  constructor(
    private readonly p: Parser,
    private readonly bytes: Buffer,
  ) {}

  check(root: Expr): void {
    const tasks: (() => void)[] = [() => this.visit(root, tasks)];
    while (tasks.length > 0) tasks.pop()!();
  }

  private err(r: PositionRange, msg: string): void {
    this.p.record(r, msg);
  }

  /** Pushes the node's checks (in reverse, as the stack pops last first). */
  private visit(n: Expr, tasks: (() => void)[]): void {
    const seq: (() => void)[] = [];
    const sub = (e: Expr) => seq.push(() => this.visit(e, tasks));
    const expectType = (e: Expr, want: string, ctx: string) => {
      sub(e);
      seq.push(() => {
        const t = typeOf(e);
        if (t !== want) this.err(posRangeOf(e), `expected type ${documentedType(want as never)} in ${ctx}, got ${documentedType(t)}`);
      });
    };
    switch (n.kind) {
      case 'AggregateExpr':
        expectType(n.expr, 'vector', 'aggregation expression');
        if ((n.op === 'topk' || n.op === 'bottomk' || n.op === 'quantile') && n.param) expectType(n.param, 'scalar', 'aggregation parameter');
        if (n.op === 'count_values' && n.param) expectType(n.param, 'string', 'aggregation parameter');
        break;
      case 'BinaryExpr':
        sub(n.lhs);
        sub(n.rhs);
        seq.push(() => this.checkBinary(n));
        break;
      case 'Call': {
        const f = n.func;
        const nargs = f.argTypes.length;
        if (f.variadic === 0) {
          if (nargs !== n.args.length) this.err(n.posRange, `expected ${nargs} argument(s) in call to ${quoteLabelValue(f.name)}, got ${n.args.length}`);
        } else {
          const na = nargs - 1;
          if (na > n.args.length) this.err(n.posRange, `expected at least ${na} argument(s) in call to ${quoteLabelValue(f.name)}, got ${n.args.length}`);
          else if (f.variadic > 0 && na + f.variadic < n.args.length) {
            this.err(n.posRange, `expected at most ${na + f.variadic} argument(s) in call to ${quoteLabelValue(f.name)}, got ${n.args.length}`);
          }
        }
        for (let i = 0; i < n.args.length; i++) {
          let ti = i;
          if (i >= nargs) {
            if (f.variadic === 0) break;
            ti = nargs - 1;
          }
          expectType(n.args[i]!, f.argTypes[ti]!, `call to function ${quoteLabelValue(f.name)}`);
        }
        break;
      }
      case 'ParenExpr':
        sub(n.expr);
        break;
      case 'UnaryExpr':
        sub(n.expr);
        seq.push(() => {
          const t = typeOf(n.expr);
          if (t !== 'scalar' && t !== 'vector') {
            this.err(posRangeOf(n), `unary expression only allowed on expressions of type scalar or instant vector, got ${quoteLabelValue(documentedType(t))}`);
          }
        });
        break;
      case 'SubqueryExpr':
        sub(n.expr);
        seq.push(() => {
          const t = typeOf(n.expr);
          if (t !== 'vector') this.err(posRangeOf(n), `subquery is only allowed on instant vector, got ${t} instead`);
        });
        break;
      case 'MatrixSelector':
        sub(n.vectorSelector);
        break;
      case 'VectorSelector':
        seq.push(() => this.checkSelector(n));
        break;
      default:
        break;
    }
    for (let i = seq.length - 1; i >= 0; i--) tasks.push(seq[i]!);
  }

  private checkSelector(n: VectorSelector): void {
    if (n.name !== '') {
      for (const m of n.matchers.slice(0, -1)) {
        if (m.name === METRIC_NAME) {
          this.err(n.posRange, `metric name must not be set twice: ${quoteLabelValue(n.name)} or ${quoteLabelValue(m.value)}`);
        }
      }
      return;
    }
    if (!n.matchers.some((m) => !m.matches(''))) this.err(n.posRange, 'vector selector must contain at least one non-empty matcher');
  }

  private opRange(n: BinaryExpr): PositionRange {
    let start = posRangeOf(n.lhs).end;
    while (start < this.bytes.length && isSpaceByte(this.bytes[start]!)) start++;
    let end = posRangeOf(n.rhs).start - 1;
    while (end > 0 && isSpaceByte(this.bytes[end]!)) end--;
    return { start, end };
  }

  private checkBinary(n: BinaryExpr): void {
    const lt = typeOf(n.lhs);
    const rt = typeOf(n.rhs);
    const vm = n.vectorMatching;
    if (n.returnBool && !isComparison(n.op)) this.err(this.opRange(n), 'bool modifier can only be used on comparison operators');
    if (isComparison(n.op) && !n.returnBool && rt === 'scalar' && lt === 'scalar') {
      this.err(this.opRange(n), 'comparisons between scalars must use BOOL modifier');
    }
    if (vm && isSetOperator(n.op) && vm.card === 'one-to-one') vm.card = 'many-to-many';
    if (vm && vm.on) {
      for (const l1 of vm.matchingLabels) {
        for (const l2 of vm.include) {
          if (l1 === l2) this.err(this.opRange(n), `label ${quoteLabelValue(l1)} must not occur in ON and GROUP clause at once`);
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') this.err(posRangeOf(n.lhs), 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector') this.err(posRangeOf(n.rhs), 'binary expression must contain only scalar and instant vector types');
    if ((lt !== 'vector' || rt !== 'vector') && vm) {
      if (vm.matchingLabels.length > 0) this.err(posRangeOf(n), 'vector matching only allowed between instant vectors');
      n.vectorMatching = null;
    } else if (vm && isSetOperator(n.op)) {
      if (vm.card === 'one-to-many' || vm.card === 'many-to-one') this.err(posRangeOf(n), `no grouping allowed for ${quoteLabelValue(n.op)} operation`);
      if ((vm.card as Cardinality) !== 'many-to-many') this.err(posRangeOf(n), 'set operations must always be many-to-many');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOperator(n.op)) {
      this.err(posRangeOf(n), `set operator ${quoteLabelValue(n.op)} not allowed in binary scalar expression`);
    }
  }
}

const isSpaceByte = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

export type { NumberLiteral };
