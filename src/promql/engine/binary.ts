// Binary operators: arithmetic, comparisons (with and without `bool`), set operators, and
// vector matching (on/ignoring, group_left/group_right) with Prometheus's matching errors.
import { Labels, LabelsBuilder, METRIC_NAME } from '../../model/index.js';
import { QueryError } from '../errors.js';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/ast.js';
import { isComparison } from '../parser/ast.js';
import { goPow } from './functions.js';
import { SeriesBuilder, dropMetricName, errSameLabelset, type StepSeries, type Steps } from './types.js';

/** The arithmetic operators drop the metric name; comparisons and set operators keep it. */
function dropsName(op: BinaryOp): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^';
}

/** vectorElemBinop: the value and whether a comparison keeps the sample. */
export function elemOp(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+': return [l + r, true];
    case '-': return [l - r, true];
    case '*': return [l * r, true];
    case '/': return [l / r, true];
    case '%': return [l % r, true];
    case '^': return [goPow(l, r), true];
    case 'atan2': return [Math.atan2(l, r), true];
    case '==': return [l, l === r];
    case '!=': return [l, l !== r];
    case '>': return [l, l > r];
    case '<': return [l, l < r];
    case '>=': return [l, l >= r];
    case '<=': return [l, l <= r];
  }
  throw new QueryError('execution', `operator "${op}" not allowed for Scalar operations`);
}

export function scalarScalar(op: BinaryOp, l: Float64Array, r: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [v, keep] = elemOp(op, l[i]!, r[i]!);
    out[i] = isComparison(op) ? (keep ? 1 : 0) : v;
  }
  return out;
}

/** Vector op scalar (swap: the scalar was on the left). */
export function vectorScalar(e: BinaryExpr, vec: StepSeries[], sc: Float64Array, swap: boolean, steps: Steps): StepSeries[] {
  const b = new SeriesBuilder(steps.n);
  const cmp = isComparison(e.op);
  const drop = dropsName(e.op) || e.returnBool;
  for (const s of vec) {
    let idx = -1;
    for (let i = 0; i < steps.n; i++) {
      if (!s.p[i]) continue;
      let lv = s.v[i]!;
      let rv = sc[i]!;
      if (swap) [lv, rv] = [rv, lv];
      let [value, keep] = elemOp(e.op, lv, rv);
      // For scalar-vector comparisons the vector's value is the one kept.
      if (cmp && swap) value = rv;
      if (e.returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      if (idx === -1) idx = b.index(drop ? dropMetricName(s.metric) : s.metric);
      b.set(idx, i, value);
    }
  }
  return b.result();
}

/** The matching signature of a series: the labels vector matching compares. */
function signature(l: Labels, vm: VectorMatching): string {
  if (vm.on) return l.only(...vm.matchingLabels).key();
  return l.without(...vm.matchingLabels, METRIC_NAME).key();
}

export function vectorVector(e: BinaryExpr, lhs: StepSeries[], rhs: StepSeries[], steps: Steps, check: () => void = () => {}): StepSeries[] {
  const vm = e.vectorMatching!;
  switch (e.op) {
    case 'and': return setOp(vm, lhs, rhs, steps, 'and', check);
    case 'or': return setOp(vm, lhs, rhs, steps, 'or', check);
    case 'unless': return setOp(vm, lhs, rhs, steps, 'unless', check);
  }
  const { sigIds, sigOf } = signatureIds(vm);
  // group_right: the right side is the "many" side; swap so the loop always walks "many".
  const oneToMany = vm.card === 'one-to-many';
  const many = oneToMany ? rhs : lhs;
  const one = oneToMany ? lhs : rhs;
  const manySig = many.map((s) => sigOf(s.metric));
  const oneSig = one.map((s) => sigOf(s.metric));
  const S = sigIds.size;
  const oneAt = new Int32Array(S);
  const oneStep = new Int32Array(S).fill(-1);
  const matchedStep = new Int32Array(S).fill(-1);
  const b = new SeriesBuilder(steps.n);
  const outCache = new Map<number, number>();
  const lastSet = new Map<number, number>();
  const cmp = isComparison(e.op);
  for (let i = 0; i < steps.n; i++) {
    if ((i & 63) === 63) check();
    for (let r = 0; r < one.length; r++) {
      const s = one[r]!;
      if (!s.p[i]) continue;
      const sig = oneSig[r]!;
      if (oneStep[sig] === i) {
        const dup = one[oneAt[sig]!]!;
        const matched = vm.on ? s.metric.only(...vm.matchingLabels) : s.metric.without(...vm.matchingLabels, METRIC_NAME);
        throw new QueryError(
          'execution',
          `found duplicate series for the match group ${matched.toString()} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${s.metric.toString()}, ${dup.metric.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneStep[sig] = i;
      oneAt[sig] = r;
    }
    const inserted = new Map<number, Set<number>>();
    for (let l = 0; l < many.length; l++) {
      const ls = many[l]!;
      if (!ls.p[i]) continue;
      const sig = manySig[l]!;
      if (oneStep[sig] !== i) continue;
      const r = oneAt[sig]!;
      const rs = one[r]!;
      let vl = ls.v[i]!;
      let vr = rs.v[i]!;
      if (oneToMany) [vl, vr] = [vr, vl];
      let [value, keep] = elemOp(e.op, vl, vr);
      if (e.returnBool) value = keep ? 1 : 0;
      else if (!keep) continue;
      const key = l * one.length + r;
      let out = outCache.get(key);
      if (out === undefined) {
        let metric = resultMetric(ls.metric, rs.metric, e.op, vm);
        if (e.returnBool) metric = dropMetricName(metric);
        out = b.index(metric);
        outCache.set(key, out);
      }
      if (vm.card === 'one-to-one') {
        if (matchedStep[sig] === i) {
          throw new QueryError('execution', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        }
        matchedStep[sig] = i;
      } else {
        let set = inserted.get(sig);
        if (!set) inserted.set(sig, (set = new Set()));
        else if (set.has(out)) {
          throw new QueryError('execution', 'multiple matches for matching labels; many-to-one matching must be explicit (group_left/group_right)');
        }
        set.add(out);
      }
      if (lastSet.get(out) === i) throw errSameLabelset();
      lastSet.set(out, i);
      b.set(out, i, cmp && !e.returnBool ? value : value);
    }
  }
  return b.result();
}

function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, vm: VectorMatching): Labels {
  const lb = new LabelsBuilder(lhs);
  if (dropsName(op)) lb.del(METRIC_NAME);
  if (vm.card === 'one-to-one') {
    if (vm.on) {
      const keep = new Set(vm.matchingLabels);
      lb.range((n) => {
        if (!keep.has(n)) lb.del(n);
      });
    } else lb.del(...vm.matchingLabels);
  }
  for (const ln of vm.include) {
    const v = rhs.get(ln);
    if (v !== '') lb.set(ln, v);
    else lb.del(ln);
  }
  return lb.labels();
}

function setOp(vm: VectorMatching, lhs: StepSeries[], rhs: StepSeries[], steps: Steps, op: 'and' | 'or' | 'unless', check: () => void): StepSeries[] {
  const { sigIds, sigOf } = signatureIds(vm);
  const ls = lhs.map((s) => sigOf(s.metric));
  const rs = rhs.map((s) => sigOf(s.metric));
  const seen = new Int32Array(sigIds.size).fill(-1);
  const b = new SeriesBuilder(steps.n);
  const lOut = lhs.map(() => -1);
  const rOut = rhs.map(() => -1);
  const put = (arr: number[], k: number, s: StepSeries, i: number) => {
    if (arr[k] === -1) arr[k] = b.index(s.metric);
    b.set(arr[k]!, i, s.v[i]!);
  };
  for (let i = 0; i < steps.n; i++) {
    if ((i & 63) === 63) check();
    if (op === 'or') {
      for (let k = 0; k < lhs.length; k++) {
        if (!lhs[k]!.p[i]) continue;
        seen[ls[k]!] = i;
        put(lOut, k, lhs[k]!, i);
      }
      for (let k = 0; k < rhs.length; k++) {
        if (!rhs[k]!.p[i] || seen[rs[k]!] === i) continue;
        put(rOut, k, rhs[k]!, i);
      }
      continue;
    }
    for (let k = 0; k < rhs.length; k++) if (rhs[k]!.p[i]) seen[rs[k]!] = i;
    for (let k = 0; k < lhs.length; k++) {
      if (!lhs[k]!.p[i]) continue;
      const matched = seen[ls[k]!] === i;
      if (matched === (op === 'and')) put(lOut, k, lhs[k]!, i);
    }
  }
  return b.result();
}

/** Numbers match-group signatures as they are first seen, so sides join on small ints. */
function signatureIds(vm: VectorMatching): { sigIds: Map<string, number>; sigOf: (l: Labels) => number } {
  const sigIds = new Map<string, number>();
  const sigOf = (l: Labels): number => {
    const k = signature(l, vm);
    let id = sigIds.get(k);
    if (id === undefined) {
      id = sigIds.size;
      sigIds.set(k, id);
    }
    return id;
  };
  return { sigIds, sigOf };
}
