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
  const G = groups.length;
  const value = new Float64Array(G);
  const mean = new Float64Array(G);
  const count = new Float64Array(G);
  const seenAt = new Int32Array(G).fill(-1);
  const order: number[] = [];
  const qvals: number[][] = e.op === 'quantile' ? groups.map(() => []) : [];
  const q = e.op === 'quantile' && param?.kind === 'scalar' ? param.v : null;
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
        value[g] = v;
        mean[g] = v;
        count[g] = 1;
        if (e.op === 'stddev' || e.op === 'stdvar') value[g] = 0;
        else if (e.op === 'group') value[g] = 1;
        else if (e.op === 'quantile') qvals[g] = [v];
        continue;
      }
      switch (e.op) {
        case 'sum': value[g] += v; break;
        case 'avg': {
          count[g]++;
          const m = mean[g]!;
          if (m === Infinity || m === -Infinity) {
            if ((v === Infinity || v === -Infinity) && m > 0 === v > 0) break;
            if (Number.isFinite(v)) break;
          }
          mean[g] = m + (v / count[g]! - m / count[g]!);
          break;
        }
        case 'max': if (value[g]! < v || Number.isNaN(value[g]!)) value[g] = v; break;
        case 'min': if (value[g]! > v || Number.isNaN(value[g]!)) value[g] = v; break;
        case 'count': count[g]++; break;
        case 'stddev':
        case 'stdvar': {
          count[g]++;
          const delta = v - mean[g]!;
          mean[g] += delta / count[g]!;
          value[g] += delta * (v - mean[g]!);
          break;
        }
        case 'quantile': qvals[g]!.push(v); break;
        case 'group': break;
      }
    }
    for (const g of order) {
      let r: number;
      switch (e.op) {
        case 'avg': r = mean[g]!; break;
        case 'count': r = count[g]!; break;
        case 'stdvar': r = value[g]! / count[g]!; break;
        case 'stddev': r = Math.sqrt(value[g]! / count[g]!); break;
        case 'quantile': r = quantile(q ? q[i]! : NaN, qvals[g]!); break;
        default: r = value[g]!;
      }
      if (outIdx[g] === -1) outIdx[g] = b.index(groups[g]!);
      b.set(outIdx[g]!, i, r);
    }
  }
  return b.result();
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
