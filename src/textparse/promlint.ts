// promtool's `check metrics`: the Go client's promlint rules applied to the families that
// the expfmt text reader produces, plus the --extended cardinality table.
import { textToMetricFamilies, type MetricFamily } from './expfmt.js';

export interface LintProblem {
  readonly metric: string;
  readonly text: string;
}

export interface CardinalityStat {
  readonly name: string;
  readonly cardinality: number;
  readonly percentage: number;
}

export type LintResult =
  | { ok: true; problems: LintProblem[]; families: Map<string, MetricFamily> }
  | { ok: false; error: Error };

const UNITS: readonly (readonly [string, string])[] = [
  ['amperes', 'amperes'], ['bytes', 'bytes'], ['celsius', 'celsius'], ['grams', 'grams'], ['joules', 'joules'],
  ['kelvin', 'kelvin'], ['meters', 'meters'], ['metres', 'metres'], ['seconds', 'seconds'], ['volts', 'volts'],
  ['minutes', 'seconds'], ['hours', 'seconds'], ['days', 'seconds'], ['weeks', 'seconds'],
  ['kelvins', 'kelvin'], ['fahrenheit', 'celsius'], ['rankine', 'celsius'],
  ['inches', 'meters'], ['yards', 'meters'], ['miles', 'meters'], ['bits', 'bytes'], ['calories', 'joules'],
  ['pounds', 'grams'], ['ounces', 'grams'],
];
const PREFIXES = ['pico', 'nano', 'micro', 'milli', 'centi', 'deci', 'deca', 'hecto', 'kilo', 'kibi', 'mega', 'mibi', 'giga', 'gibi', 'tera', 'tebi', 'peta', 'pebi', ''];
const ABBREVIATIONS = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];
const TYPE_NAMES = ['counter', 'gauge', 'summary', 'histogram', 'gauge_histogram'];

/** Lints an exposition body; problems are sorted by metric name then text, like promlint. */
export function lintMetrics(body: Uint8Array): LintResult {
  let families: Map<string, MetricFamily>;
  try {
    families = textToMetricFamilies(body);
  } catch (e) {
    return { ok: false, error: e as Error };
  }
  const problems: LintProblem[] = [];
  for (const mf of families.values()) problems.push(...lintFamily(mf));
  problems.sort((a, b) => (a.metric === b.metric ? cmp(a.text, b.text) : cmp(a.metric, b.metric)));
  return { ok: true, problems, families };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function lintFamily(mf: MetricFamily): LintProblem[] {
  const out: LintProblem[] = [];
  const add = (text: string): void => void out.push({ metric: mf.name, text });
  const n = mf.name;
  const type = mf.type ?? 'UNTYPED';
  // Help text.
  if (mf.help === undefined) add('no help text');
  // Units.
  const parts = n.split('_');
  unit: for (const [u, base] of UNITS) {
    for (const p of PREFIXES) {
      if (parts.includes(p + u)) {
        if (p + u !== base) add(`use base unit "${base}" instead of "${p + u}"`);
        break unit;
      }
    }
  }
  // Counters.
  const isCounter = type === 'COUNTER';
  const hasTotal = n.endsWith('_total');
  if (isCounter && !hasTotal) add('counter metrics should have "_total" suffix');
  else if (type !== 'UNTYPED' && !isCounter && hasTotal) add('non-counter metrics should not have "_total" suffix');
  // Names and labels reserved for histograms and summaries.
  if (type !== 'UNTYPED') {
    const isHist = type === 'HISTOGRAM';
    const isSum = type === 'SUMMARY';
    if (!isHist && n.endsWith('_bucket')) add('non-histogram metrics should not have "_bucket" suffix');
    if (!isHist && !isSum && n.endsWith('_count')) add('non-histogram and non-summary metrics should not have "_count" suffix');
    if (!isHist && !isSum && n.endsWith('_sum')) add('non-histogram and non-summary metrics should not have "_sum" suffix');
    for (const m of mf.metrics) {
      for (const ln of m.labelNames) {
        if (!isHist && ln === 'le') add('non-histogram metrics should not have "le" label');
        if (!isSum && ln === 'quantile') add('non-summary metrics should not have "quantile" label');
      }
    }
  }
  // Type in name.
  const lower = n.toLowerCase();
  for (const t of TYPE_NAMES) if (lower.includes('_' + t + '_') || lower.endsWith('_' + t)) add(`metric name should not include type '${t}'`);
  // Reserved characters.
  if (n.includes(':')) add("metric names should not contain ':'");
  // camelCase.
  if (/[a-z][A-Z]/.test(n)) add("metric names should be written in 'snake_case' not 'camelCase'");
  for (const m of mf.metrics) for (const ln of m.labelNames) if (/[a-z][A-Z]/.test(ln)) add("label names should be written in 'snake_case' not 'camelCase'");
  // Unit abbreviations.
  for (const a of ABBREVIATIONS) if (lower.includes('_' + a + '_') || lower.endsWith('_' + a)) add('metric names should not contain abbreviated units');
  return out;
}

/** promtool check metrics --extended: series per family, largest first. */
export function cardinality(families: Map<string, MetricFamily>): { stats: CardinalityStat[]; total: number } {
  let total = 0;
  const raw: { name: string; cardinality: number }[] = [];
  for (const mf of families.values()) {
    let c = mf.metrics.length;
    if (mf.type === 'HISTOGRAM') c = mf.metrics.length * (2 + mf.metrics[0]!.buckets);
    else if (mf.type === 'SUMMARY') c = mf.metrics.length * (2 + mf.metrics[0]!.quantiles);
    raw.push({ name: mf.name, cardinality: c });
    total += c;
  }
  // Go sorts a map's families by cardinality only; ties come out in map order. Name order
  // makes ties deterministic here.
  raw.sort((a, b) => b.cardinality - a.cardinality || cmp(a.name, b.name));
  return { stats: raw.map((r) => ({ ...r, percentage: r.cardinality / total })), total };
}

export interface CheckMetricsOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** 0 clean, 1 unparsable input, 3 lint problems (promtool's exit codes). */
  readonly code: number;
}

/** Everything `promtool check metrics [--extended]` prints for a body, and its exit code. */
export function checkMetrics(body: Uint8Array, extended: boolean): CheckMetricsOutput {
  const res = lintMetrics(body);
  if (!res.ok) return { stdout: '', stderr: `error while linting: ${res.error.message}\n`, code: 1 };
  const stderr = res.problems.map((p) => `${p.metric} ${p.text}\n`).join('');
  if (res.problems.length > 0) return { stdout: '', stderr, code: 3 };
  let stdout = '';
  if (extended) {
    const { stats, total } = cardinality(res.families);
    const rows = [['Metric', 'Cardinality', 'Percentage'], ...stats.map((s) => [s.name, String(s.cardinality), (s.percentage * 100).toFixed(2) + '%']), ['Total', String(total), '100%']];
    // Go's tabwriter(minwidth 4, tabwidth 4, padding 4, ' ') with a trailing tab: every cell padded to its column's widest plus 4.
    const widths = rows[0]!.map((_, i) => Math.max(4, ...rows.map((r) => r[i]!.length)) + 4);
    stdout = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('') + '\n').join('');
  }
  return { stdout, stderr, code: 0 };
}
