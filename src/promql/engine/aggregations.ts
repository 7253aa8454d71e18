// Aggregation operators (sum, avg, topk, quantile, count_values, ...) evaluated step by step
// over present samples, with group membership computed once per series.
import { Labels, LabelsBuilder, METRIC_NAME, formatFloat, isValidLabelName, quoteLabelValue } from '../../model/index.js';
import { QueryError } from '../errors.js';
import type { AggregateExpr } from '../parser/ast.js';
import { quantile } from './quantile.js';
import { SeriesBuilder, type EvalValue, type StepSeries, type Steps } from './types.js';

function groupLabels(metric: Labels, grouping: string[], without: boolean): Labels {
  if (without) return metric.without(...grouping, METRIC_NAME);
  if (grouping.length === 0) return Labels.EMPTY;
  return metric.only(...grouping);
}

export function aggregate(e: AggregateExpr, input: StepSeries[], param: EvalValue | null, steps: Steps, check: () => void = () => {}): StepSeries[] {
  const n = steps.n;
  switch (e.op) {
    case 'topk':
    case 'bottomk':
      return topBottom(e, input, param!.kind === 'scalar' ? param!.v : new Float64Array(n), steps, check);
    case 'count_values':
      return countValues(e, input, param!.kind === 'string' ? param!.s : '', steps, check);
  }
  // Group ids per input series, constant across steps.
  const groupIdx = new Int32Array(input.length);
  const groups: Labels[] = [];
  const byKey = new Map<string, number>();
  for (let j = 0; j < input.length; j++) {
    const gl = groupLabels(input[j]!.metric, e.grouping, e.without);
    const k = gl.key();
    let g = byKey.get(k);
    if (g === undefined) {
      g = groups.length;
      groups.push(gl);
      byKey.set(k, g);
    }
    groupIdx[j] = g;
  }
  if (e.op !== 'quantile') return aggregateBySeries(e.op, input, groupIdx, groups, n, check);
  // quantile: each (group, step) needs all its values at once.
  const G = groups.length;
  const seenAt = new Int32Array(G).fill(-1);
  const order: number[] = [];
  const qvals: number[][] = groups.map(() => []);
  const q = param?.kind === 'scalar' ? param.v : null;
  const b = new SeriesBuilder(n);
  const outIdx = new Int32Array(G).fill(-1);
  for (let i = 0; i < n; i++) {
    if ((i & 63) === 63) check();
    order.length = 0;
    for (let j = 0; j < input.length; j++) {
      const s = input[j]!;
      if (!s.p[i]) continue;
      const v = s.v[i]!;
      const g = groupIdx[j]!;
      if (seenAt[g] !== i) {
        seenAt[g] = i;
        order.push(g);
        qvals[g] = [v];
      } else {
        qvals[g]!.push(v);
      }
    }
    for (const g of order) {
      if (outIdx[g] === -1) outIdx[g] = b.index(groups[g]!);
      b.set(outIdx[g]!, i, quantile(q ? q[i]! : NaN, qvals[g]!));
    }
  }
  return b.result();
}

/**
 * sum, avg, count, min, max, group, stddev, stdvar, walking each input series once over all
 * steps (its columns are contiguous) into per-group columns, instead of visiting every series
 * at every step. Each (group, step) still sees its series in input order, so results are the
 * same to the bit as the step-by-step walk, and output series are created in the same order:
 * by the first step a group has a value, then by its first series at that step.
 */
function aggregateBySeries(op: AggregateExpr['op'], input: StepSeries[], groupIdx: Int32Array, groups: Labels[], n: number, check: () => void): StepSeries[] {
  const G = groups.length;
  const value = new Float64Array(G * n);
  const mean = op === 'avg' || op === 'stddev' || op === 'stdvar' ? new Float64Array(G * n) : value;
  const count = new Float64Array(G * n);
  const firstStep = new Int32Array(G).fill(n);
  const firstSeries = new Int32Array(G);
  for (let j = 0; j < input.length; j++) {
    if ((j & 255) === 255) check();
    const s = input[j]!;
    const p = s.p;
    const vs = s.v;
    const g = groupIdx[j]!;
    const base = g * n;
    let first = -1;
    for (let i = 0; i < n; i++) {
      if (!p[i]) continue;
      if (first < 0) first = i;
      const v = vs[i]!;
      const k = base + i;
      const c = count[k]!;
      if (c === 0) {
        count[k] = 1;
        switch (op) {
          case 'stddev':
          case 'stdvar': value[k] = 0; mean[k] = v; break;
          case 'group': value[k] = 1; break;
          case 'avg': mean[k] = v; break;
          default: value[k] = v;
        }
        continue;
      }
      switch (op) {
        case 'sum': value[k] += v; break;
        case 'avg': {
          count[k] = c + 1;
          const m = mean[k]!;
          if (m === Infinity || m === -Infinity) {
            if ((v === Infinity || v === -Infinity) && m > 0 === v > 0) break;
            if (Number.isFinite(v)) break;
          }
          mean[k] = m + (v / (c + 1) - m / (c + 1));
          break;
        }
        case 'max': if (value[k]! < v || Number.isNaN(value[k]!)) value[k] = v; break;
        case 'min': if (value[k]! > v || Number.isNaN(value[k]!)) value[k] = v; break;
        case 'count': count[k] = c + 1; break;
        case 'stddev':
        case 'stdvar': {
          count[k] = c + 1;
          const delta = v - mean[k]!;
          mean[k] += delta / (c + 1);
          value[k] += delta * (v - mean[k]!);
          break;
        }
        case 'group': break;
      }
    }
    if (first >= 0 && first < firstStep[g]!) {
      firstStep[g] = first;
      firstSeries[g] = j;
    }
  }
  const order: number[] = [];
  for (let g = 0; g < G; g++) if (firstStep[g]! < n) order.push(g);
  order.sort((a, b) => firstStep[a]! - firstStep[b]! || firstSeries[a]! - firstSeries[b]!);
  const out: StepSeries[] = [];
  for (const g of order) {
    const base = g * n;
    const v = new Float64Array(n);
    const p = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = count[base + i]!;
      if (c === 0) continue;
      p[i] = 1;
      switch (op) {
        case 'avg': v[i] = mean[base + i]!; break;
        case 'count': v[i] = c; break;
        case 'stdvar': v[i] = value[base + i]! / c; break;
        case 'stddev': v[i] = Math.sqrt(value[base + i]! / c); break;
        default: v[i] = value[base + i]!;
      }
    }
    out.push({ metric: groups[g]!, v, p });
  }
  return out;
}

// ---- topk / bottomk: Go's container/heap, so ties resolve as in Prometheus ----------------

interface HeapItem {
  v: number;
  j: number;
}

class GoHeap {
  readonly h: HeapItem[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  private l(i: number, j: number): boolean {
    return this.less(this.h[i]!.v, this.h[j]!.v);
  }
  private swap(i: number, j: number): void {
    const t = this.h[i]!;
    this.h[i] = this.h[j]!;
    this.h[j] = t;
  }
  private up(j: number): void {
    for (;;) {
      const i = (j - 1) >> 1;
      if (i === j || j <= 0 || !this.l(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }
  private down(i0: number, n: number): boolean {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.l(j2, j1)) j = j2;
      if (!this.l(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
  push(x: HeapItem): void {
    this.h.push(x);
    this.up(this.h.length - 1);
  }
  pop(): HeapItem {
    const n = this.h.length - 1;
    this.swap(0, n);
    this.down(0, n);
    return this.h.pop()!;
  }
}

const lessAsc = (a: number, b: number): boolean => Number.isNaN(a) || a < b;
const lessDesc = (a: number, b: number): boolean => Number.isNaN(a) || a > b;

/** Go's sort.Sort(sort.Reverse(heap)) for small slices is an insertion sort. */
function sortReverse(items: HeapItem[], less: (a: number, b: number) => boolean): void {
  const rless = (i: number, j: number) => less(items[j]!.v, items[i]!.v);
  if (items.length <= 12) {
    for (let i = 1; i < items.length; i++) {
      for (let j = i; j > 0 && rless(j, j - 1); j--) {
        const t = items[j]!;
        items[j] = items[j - 1]!;
        items[j - 1] = t;
      }
    }
    return;
  }
  const idx = items.map((it, k) => ({ it, k }));
  idx.sort((a, b) => (less(b.it.v, a.it.v) ? -1 : less(a.it.v, b.it.v) ? 1 : a.k - b.k));
  for (let k = 0; k < items.length; k++) items[k] = idx[k]!.it;
}

function topBottom(e: AggregateExpr, input: StepSeries[], param: Float64Array, steps: Steps, check: () => void): StepSeries[] {
  const isTop = e.op === 'topk';
  const less = isTop ? lessAsc : lessDesc;
  const groupIdx = new Int32Array(input.length);
  const byKey = new Map<string, number>();
  for (let j = 0; j < input.length; j++) {
    const k = groupLabels(input[j]!.metric, e.grouping, e.without).key();
    let g = byKey.get(k);
    if (g === undefined) {
      g = byKey.size;
      byKey.set(k, g);
    }
    groupIdx[j] = g;
  }
  // Output series are the input series themselves (labels kept); order follows step 0.
  const b = new SeriesBuilder(steps.n);
  const outOf = new Int32Array(input.length).fill(-1);
  for (let i = 0; i < steps.n; i++) {
    if ((i & 63) === 63) check();
    const f = param[i]!;
    if (!(f >= -9223372036854775808 && f <= 9223372036854775807)) {
      throw new QueryError('execution', `Scalar value ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'} overflows int64`);
    }
    const k = Math.trunc(f);
    if (k < 1) continue;
    const heaps = new Map<number, GoHeap>();
    const order: number[] = [];
    for (let j = 0; j < input.length; j++) {
      const s = input[j]!;
      if (!s.p[i]) continue;
      const v = s.v[i]!;
      const g = groupIdx[j]!;
      let h = heaps.get(g);
      if (!h) {
        h = new GoHeap(less);
        h.h.push({ v, j });
        heaps.set(g, h);
        order.push(g);
        continue;
      }
      const top = h.h[0]!.v;
      const better = isTop ? top < v : top > v;
      if (h.h.length < k || better || Number.isNaN(top)) {
        if (h.h.length === k) h.pop();
        h.push({ v, j });
      }
    }
    for (const g of order) {
      const items = heaps.get(g)!.h;
      if (items.length > 1) sortReverse(items, less);
      for (const it of items) {
        if (outOf[it.j] === -1) outOf[it.j] = b.index(input[it.j]!.metric);
        b.set(outOf[it.j]!, i, it.v);
      }
    }
  }
  return b.result();
}

function countValues(e: AggregateExpr, input: StepSeries[], valueLabel: string, steps: Steps, check: () => void): StepSeries[] {
  if (!isValidLabelName(valueLabel)) throw new QueryError('execution', `invalid label name ${quoteLabelValue(valueLabel)}`);
  const grouping = e.without ? e.grouping : [...e.grouping, valueLabel].sort();
  const b = new SeriesBuilder(steps.n);
  for (let i = 0; i < steps.n; i++) {
    if ((i & 63) === 63) check();
    const counts = new Map<string, { labels: Labels; c: number }>();
    for (const s of input) {
      if (!s.p[i]) continue;
      const metric = new LabelsBuilder(s.metric).set(valueLabel, formatFloat(s.v[i]!)).labels();
      const gl = groupLabels(metric, grouping, e.without);
      const k = gl.key();
      const c = counts.get(k);
      if (c) c.c++;
      else counts.set(k, { labels: gl, c: 1 });
    }
    for (const { labels, c } of counts.values()) b.set(b.index(labels), i, c);
  }
  return b.result();
}
