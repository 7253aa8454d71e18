// An interpreter for Prometheus 2.42's PromQL test-script language (promql/test.go): load,
// clear, eval / eval_fail / eval_ordered, with the implicit range-mode and @-modifier checks.
import { Labels, MemoryStorage, isStaleNaN } from './deps.js';
import { Engine, parseExpr, formatExpr, parseSeriesDesc, walk, AT_MODIFIER_UNSAFE_FUNCTIONS, parseGoNumber, type Expr } from '../../src/promql/index.js';
import { parseDuration } from '../../src/model/index.js';

export interface EvalOutcome {
  file: string;
  line: number;
  query: string;
  error?: string;
}

interface Expected {
  scalar?: number;
  series: { labels: Labels; value: number; pos: number }[];
}

const EPSILON = 0.000001;
const MIN_NORMAL = 2.2250738585072014e-308;

export function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || diff < MIN_NORMAL) return diff < EPSILON * MIN_NORMAL;
  return diff / (Math.abs(a) + Math.abs(b)) < EPSILON;
}

type Result = { kind: 'scalar'; v: number } | { kind: 'vector'; samples: { metric: Labels; v: number }[] } | { kind: 'other'; what: string };

function compare(exp: Expected, got: Result, ordered: boolean): string | undefined {
  if (exp.scalar !== undefined) {
    if (got.kind !== 'scalar') return `expected scalar ${exp.scalar}, got ${got.kind === 'vector' ? 'vector' : got.what}`;
    if (!almostEqual(exp.scalar, got.v)) return `expected Scalar ${exp.scalar} but got ${got.v}`;
    return undefined;
  }
  if (got.kind !== 'vector') return `expected vector, got ${got.kind === 'scalar' ? 'scalar' : got.what}`;
  const byKey = new Map(exp.series.map((s) => [s.labels.key(), s]));
  const seen = new Set<string>();
  for (let pos = 0; pos < got.samples.length; pos++) {
    const s = got.samples[pos]!;
    const e = byKey.get(s.metric.key());
    if (!e) return `unexpected metric ${s.metric.toString()} in result`;
    if (ordered && e.pos !== pos + 1) return `expected metric ${s.metric.toString()} at position ${e.pos} but was at ${pos + 1}`;
    if (!almostEqual(e.value, s.v)) return `expected ${e.value} for ${s.metric.toString()} but got ${s.v}`;
    seen.add(s.metric.key());
  }
  for (const e of exp.series) if (!seen.has(e.labels.key())) return `expected metric ${e.labels.toString()} with ${e.value} not found`;
  return undefined;
}

/** 2.42's atModifierTestCases: pin every selector/subquery without @ to the eval time. */
function atModifierVariants(query: string, t: number): { query: string; t: number }[] {
  const expr = parseExpr(query);
  let unsafe = false;
  walk(expr, (n, path) => {
    if (path.some((p) => p.kind === 'SubqueryExpr' && (p.timestamp !== null || p.startOrEnd !== null))) return;
    switch (n.kind) {
      case 'VectorSelector':
        if (n.timestamp === null && n.startOrEnd === null) n.timestamp = t;
        break;
      case 'MatrixSelector': {
        const vs = n.vectorSelector;
        if (vs.kind === 'VectorSelector' && vs.timestamp === null && vs.startOrEnd === null) vs.timestamp = t;
        break;
      }
      case 'SubqueryExpr':
        if (n.timestamp === null && n.startOrEnd === null) n.timestamp = t;
        break;
      case 'Call':
        if (AT_MODIFIER_UNSAFE_FUNCTIONS.has(n.func.name)) unsafe = true;
        break;
    }
  });
  if (unsafe) return [];
  const printed = formatExpr(expr as Expr);
  const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
  return times.map((et) => ({ query: printed, t: et }));
}

function parseExpected(lines: string[]): Expected {
  const exp: Expected = { series: [] };
  if (lines.length === 0) return exp;
  const first = lines[0]!;
  const asNum = parseGoNumber(first);
  if (typeof asNum === 'number') {
    exp.scalar = asNum;
    return exp;
  }
  lines.forEach((l, i) => {
    const d = parseSeriesDesc(l);
    if (d.values.length !== 1) throw new Error(`expected exactly one value in result line ${JSON.stringify(l)}`);
    exp.series.push({ labels: d.labels, value: d.values[0]!, pos: i + 1 });
  });
  return exp;
}

const EVAL_RE = /^eval(?:_(fail|ordered))?\s+instant(?:\s+at\s+(\S+))?\s+(.+)$/;

/** Runs one script; returns one outcome per eval command (error set when it failed). */
export async function runScript(file: string, text: string): Promise<EvalOutcome[]> {
  const lines = text.split('\n').map((l) => l.trim());
  let storage = new MemoryStorage();
  const engine = new Engine({ lookbackDelta: 5 * 60_000, timeout: 100_000, maxSamples: 10_000, defaultSubqueryStep: 60_000 });
  const outcomes: EvalOutcome[] = [];
  const isBlank = (l: string | undefined) => l === undefined || l === '' || l.startsWith('#');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (isBlank(l)) continue;
    const word = l.split(/\s+/)[0]!.toLowerCase();
    if (word === 'clear') {
      storage = new MemoryStorage();
      continue;
    }
    if (word === 'load') {
      const step = parseDuration(l.split(/\s+/)[1]!);
      const bySeries = new Map<string, ReturnType<typeof parseSeriesDesc>>();
      while (!isBlank(lines[i + 1])) {
        const d = parseSeriesDesc(lines[++i]!);
        bySeries.set(d.labels.key(), d);
      }
      const app = storage.appender();
      for (const d of bySeries.values()) {
        for (let k = 0; k < d.values.length; k++) if (d.present[k]) app.append(0, d.labels, k * step, d.values[k]!);
      }
      await app.commit();
      continue;
    }
    if (!word.startsWith('eval')) throw new Error(`${file}:${i + 1}: invalid command ${JSON.stringify(word)}`);
    const m = EVAL_RE.exec(l);
    if (!m) throw new Error(`${file}:${i + 1}: invalid eval line`);
    const line = i + 1;
    const mode = m[1];
    const t = parseDuration(m[2]!);
    const query = m[3]!;
    const resultLines: string[] = [];
    while (!isBlank(lines[i + 1])) resultLines.push(lines[++i]!);
    const outcome: EvalOutcome = { file, line, query };
    outcomes.push(outcome);
    try {
      parseExpr(query); // a parse error fails the whole file upstream
      const exp = parseExpected(resultLines);
      const variants = [{ query, t }, ...atModifierVariants(query, t)];
      for (const v of variants) {
        const err = await runOne(engine, storage, v.query, v.t, exp, mode);
        if (err) {
          outcome.error = `${v.query} @ ${v.t}: ${err}`;
          break;
        }
      }
    } catch (e) {
      outcome.error = e instanceof Error ? e.message : String(e);
    }
  }
  return outcomes;
}

async function runOne(engine: Engine, storage: MemoryStorage, query: string, t: number, exp: Expected, mode: string | undefined): Promise<string | undefined> {
  let res;
  const expr = parseExpr(query);
  try {
    res = await engine.instantQuery(storage, expr, t);
  } catch (e) {
    if (mode === 'fail') return undefined;
    return `error evaluating query: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (mode === 'fail') return 'expected error evaluating query but got none';
  const v = res.value;
  const got: Result =
    v.type === 'scalar' ? { kind: 'scalar', v: v.v }
    : v.type === 'vector' ? { kind: 'vector', samples: v.samples }
    : { kind: 'other', what: v.type === 'matrix' ? 'range result on instant evaluation' : v.type };
  const err = compare(exp, got, mode === 'ordered');
  if (err) return err;
  // Range mode: the middle step of [t-1m, t+1m] must give the same answer.
  let rr;
  try {
    rr = await engine.rangeQuery(storage, expr, t - 60_000, t + 60_000, 60_000);
  } catch (e) {
    return `error evaluating query in range mode: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (mode === 'ordered' || rr.value.type !== 'matrix') return undefined;
  const samples: { metric: Labels; v: number }[] = [];
  for (const s of rr.value.series) {
    const k = s.timestamps.indexOf(t);
    if (k >= 0) samples.push({ metric: s.metric, v: s.values[k]! });
  }
  const rangeGot: Result = got.kind === 'scalar' ? { kind: 'scalar', v: samples[0]?.v ?? NaN } : { kind: 'vector', samples };
  const rerr = compare(exp, rangeGot, false);
  return rerr ? `range mode: ${rerr}` : undefined;
}

export { isStaleNaN };
