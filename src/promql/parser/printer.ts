// Prometheus's canonical string form of an expression (Expr.String() in 2.42), used for
// rule files, format output and the test harness's @-rewriting.
import { METRIC_NAME, formatDuration, quoteLabelValue } from '../../model/index.js';
import type { AggregateExpr, Expr, SubqueryExpr, VectorMatching, VectorSelector } from './ast.js';

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'NumberLiteral': return formatGoFloat(e.val);
    case 'StringLiteral': return quoteLabelValue(e.val);
    case 'ParenExpr': return `(${formatExpr(e.expr)})`;
    case 'UnaryExpr': return `${e.op}${formatExpr(e.expr)}`;
    case 'Call': return `${e.func.name}(${e.args.map(formatExpr).join(', ')})`;
    case 'VectorSelector': return selectorString(e, true);
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      if (vs.kind !== 'VectorSelector') return `${formatExpr(vs)}[${formatDuration(e.range)}]`;
      return `${selectorString(vs, false)}[${formatDuration(e.range)}]${atString(vs.timestamp, vs.startOrEnd)}${offsetString(vs.originalOffset)}`;
    }
    case 'SubqueryExpr':
      return `${formatExpr(e.expr)}${subquerySuffix(e)}`;
    case 'BinaryExpr':
      return `${formatExpr(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e.vectorMatching)} ${formatExpr(e.rhs)}`;
    case 'AggregateExpr': {
      let s = aggOpString(e);
      s += '(';
      if (e.param) s += formatExpr(e.param) + ', ';
      return s + formatExpr(e.expr) + ')';
    }
  }
}

function aggOpString(e: AggregateExpr): string {
  let s: string = e.op;
  if (e.without) s += ` without (${e.grouping.join(', ')}) `;
  else if (e.grouping.length > 0) s += ` by (${e.grouping.join(', ')}) `;
  return s;
}

function subquerySuffix(e: SubqueryExpr): string {
  const step = e.step ? formatDuration(e.step) : '';
  return `[${formatDuration(e.range)}:${step}]${atString(e.timestamp, e.startOrEnd)}${offsetString(e.originalOffset)}`;
}

const MAX_LINE = 100;
const indent = (n: number): string => '  '.repeat(n);

/**
 * Prometheus's prettifier (format_query): expressions longer than 100 characters are split
 * over lines, two spaces of indent per level; shorter ones print as formatExpr does.
 */
export function prettyExpr(e: Expr, level = 0): string {
  const flat = formatExpr(e);
  const split = flat.length > MAX_LINE;
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!split) return indent(level) + flat;
      let s = indent(level) + aggOpString(e) + '(\n';
      if (e.param) s += prettyExpr(e.param, level + 1) + ',\n';
      return s + prettyExpr(e.expr, level + 1) + '\n' + indent(level) + ')';
    }
    case 'BinaryExpr': {
      if (!split) return indent(level) + flat;
      return `${prettyExpr(e.lhs, level + 1)}\n${indent(level)}${e.op}${e.returnBool ? ' bool' : ''}${matchingString(e.vectorMatching)}\n${prettyExpr(e.rhs, level + 1)}`;
    }
    case 'Call':
      if (!split) return indent(level) + flat;
      return `${indent(level)}${e.func.name}(\n${e.args.map((a) => prettyExpr(a, level + 1)).join(',\n')}\n${indent(level)})`;
    case 'ParenExpr':
      if (!split) return indent(level) + flat;
      return `${indent(level)}(\n${prettyExpr(e.expr, level + 1)}\n${indent(level)})`;
    case 'SubqueryExpr':
      // As in 2.42, an unsplit subquery is printed without indent.
      if (!split) return flat;
      return prettyExpr(e.expr, level) + subquerySuffix(e);
    case 'UnaryExpr':
      return indent(level) + e.op + prettyExpr(e.expr, level).trim();
    default:
      return indent(level) + flat;
  }
}

function matchingString(vm: VectorMatching | null): string {
  if (!vm || (vm.matchingLabels.length === 0 && !vm.on)) return '';
  let s = ` ${vm.on ? 'on' : 'ignoring'} (${vm.matchingLabels.join(', ')})`;
  if (vm.card === 'many-to-one' || vm.card === 'one-to-many') {
    s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${vm.include.join(', ')})`;
  }
  return s;
}

function offsetString(o: number): string {
  if (o > 0) return ` offset ${formatDuration(o)}`;
  if (o < 0) return ` offset -${formatDuration(-o)}`;
  return '';
}

function atString(ts: number | null, se: 'start' | 'end' | null): string {
  if (ts !== null) return ` @ ${(ts / 1000).toFixed(3)}`;
  if (se) return ` @ ${se}()`;
  return '';
}

function selectorString(vs: VectorSelector, withModifiers: boolean): string {
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME && m.type === '=' && m.value === vs.name) continue;
    parts.push(m.toString());
  }
  const mods = withModifiers ? atString(vs.timestamp, vs.startOrEnd) + offsetString(vs.originalOffset) : '';
  if (parts.length === 0) return vs.name + mods;
  parts.sort();
  return `${vs.name}{${parts.join(',')}}${mods}`;
}

/** Go's %v for a float64 (strconv 'g', shortest): 1e+06, 0.0001, 1e-05, +Inf, NaN. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // strconv.FormatFloat(v, 'g', -1, 64): exponent form when the decimal exponent is < -4 or
  // >= 6 (the precision Go uses for this decision with shortest formatting).
  const x = Number(v.toExponential().split('e')[1]);
  if (x < -4 || x >= 6) return goExp(v);
  return String(v);
}

function goExp(v: number): string {
  const [mant, ex] = v.toExponential().split('e') as [string, string];
  const n = Number(ex);
  return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}
