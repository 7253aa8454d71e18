// `promtool test rules`: promtool's rule unit-test files (cmd/promtool/unittest.go in 2.42).
// Each test group loads its input series into a fresh in-memory storage, evaluates the rule
// groups every evaluation_interval from t=0 up to the largest eval_time, checks alerts at their
// eval_time and finally checks PromQL expressions. Messages match promtool's byte for byte.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { globFiles } from '../config/index.js';
import { Labels } from '../model/index.js';
import { Engine, parseExpr, parseSeriesDesc } from '../promql/index.js';
import { MemoryStorage } from '../storage/index.js';
import { formatE } from '../template/index.js';
import { AlertingRule } from './alerting.js';
import { loadGroups, type Group } from './group.js';
import type { QueryFunc, RuleSample } from './rule.js';
import { parseUnitTestFile, UnitTestInputError, type TestGroup } from './unittest-file.js';

export interface UnitTestOutput {
  output: { stream: 'stdout' | 'stderr'; text: string }[];
  exitCode: 0 | 1;
}

/** Runs every file; output is what promtool prints, in order. */
export async function runRuleUnitTests(files: readonly string[]): Promise<UnitTestOutput> {
  const output: UnitTestOutput['output'] = [];
  let failed = false;
  for (const f of files) {
    output.push({ stream: 'stdout', text: `Unit Testing:  ${f}\n` });
    const errs = await ruleUnitTest(f, output);
    if (errs.length > 0) {
      output.push({ stream: 'stderr', text: '  FAILED:\n' });
      for (const e of errs) {
        output.push({ stream: 'stderr', text: e + '\n' });
        output.push({ stream: 'stdout', text: '\n' });
      }
      failed = true;
    } else output.push({ stream: 'stdout', text: '  SUCCESS\n' });
    output.push({ stream: 'stdout', text: '\n' });
  }
  return { output, exitCode: failed ? 1 : 0 };
}

async function ruleUnitTest(file: string, output: UnitTestOutput['output']): Promise<string[]> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (e) {
    return [`open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`];
  }
  let parsed;
  try {
    parsed = parseUnitTestFile(content);
  } catch (e) {
    if (e instanceof UnitTestInputError) return [e.message];
    throw e;
  }
  const ruleFiles: string[] = [];
  for (let rf of parsed.ruleFiles) {
    if (rf !== '' && !isAbsolute(rf)) rf = join(dirname(file), rf);
    const m = globFiles(rf);
    if (m.length === 0) output.push({ stream: 'stderr', text: `  WARNING: no file match pattern ${rf}\n` });
    ruleFiles.push(...m);
  }
  const evalInterval = parsed.evaluationInterval || 60_000;
  const order = new Map<string, number>();
  for (const [i, gn] of parsed.groupEvalOrder.entries()) {
    if (order.has(gn)) return [`group name repeated in evaluation order: ${gn}`];
    order.set(gn, i);
  }
  const errs: string[] = [];
  for (const t of parsed.tests) {
    if (t.interval === 0) t.interval = evalInterval;
    errs.push(...(await runTestGroup(t, evalInterval, order, ruleFiles)));
  }
  return errs;
}

async function runTestGroup(tg: TestGroup, evalInterval: number, order: Map<string, number>, ruleFiles: string[]): Promise<string[]> {
  const storage = new MemoryStorage();
  try {
    const app = storage.appender();
    for (const s of tg.inputSeries) {
      const d = parseSeriesDesc(`${s.series} ${s.values}`);
      for (let i = 0; i < d.values.length; i++) if (d.present[i]) app.append(0, d.labels, i * tg.interval, d.values[i]!);
    }
    await app.commit();
  } catch (e) {
    return [(e as Error).message];
  }
  const engine = new Engine();
  const query: QueryFunc = (q, ts) => instantVector(engine, storage, q, ts);
  const loaded = loadGroups(ruleFiles, tg.interval, { appendable: storage, query, externalURL: tg.externalURL, externalLabels: tg.externalLabels });
  if (!loaded.ok) return loaded.errors.map((e) => e.message);
  // Partial order by group_eval_order; groups not named there come first (order 0), as upstream.
  const groups: Group[] = loaded.groups.map((g, i) => ({ g, i })).sort((a, b) => (order.get(a.g.name) ?? 0) - (order.get(b.g.name) ?? 0) || a.i - b.i).map((x) => x.g);
  for (const g of groups) for (const r of g.alertingRules()) r.restored = true;

  const alertTests = new Map<number, TestGroup['alertRuleTests']>();
  for (const a of tg.alertRuleTests) {
    if (a.alertname === '') {
      const where = tg.name !== '' ? ` (in TestGroup ${tg.name})` : '';
      return [`an item under alert_rule_test misses required attribute alertname at eval_time ${modelDuration(a.evalTime)}${where}`];
    }
    alertTests.set(a.evalTime, [...(alertTests.get(a.evalTime) ?? []), a]);
  }
  const alertEvalTimes = [...alertTests.keys()].sort((a, b) => a - b);
  const maxt = Math.max(0, ...tg.alertRuleTests.map((a) => a.evalTime), ...tg.promqlExprTests.map((p) => p.evalTime));
  const errs: string[] = [];
  let curr = 0;
  for (let ts = 0; ts <= maxt; ts += evalInterval) {
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.eval(ts);
      for (const r of g.rules) if (r.lastError) evalErrs.push(`    rule: ${r.name}, time: ${goDuration(ts)}, err: ${r.lastError.message}`);
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;
    while (curr < alertEvalTimes.length && ts <= alertEvalTimes[curr]! && alertEvalTimes[curr]! < ts + evalInterval) {
      const t = alertEvalTimes[curr]!;
      const tests = alertTests.get(t)!;
      const names = new Set(tests.map((x) => x.alertname));
      const got = new Map<string, LabelsAndAnnotations[]>();
      for (const g of groups) {
        for (const r of g.rules) {
          if (!(r instanceof AlertingRule) || !names.has(r.name)) continue;
          const list = got.get(r.name) ?? [];
          for (const a of r.activeAlerts()) if (a.state === 'firing') list.push({ labels: a.labels, annotations: a.annotations });
          got.set(r.name, list);
        }
      }
      for (const tc of tests) {
        const gotAlerts = [...(got.get(tc.alertname) ?? [])].sort(compareLA);
        const exp = tc.expAlerts
          .map((a) => ({ labels: Labels.fromObject({ ...a.labels, alertname: tc.alertname }), annotations: Labels.fromObject(a.annotations) }))
          .sort(compareLA);
        if (!sameAlerts(exp, gotAlerts)) {
          const testName = tg.name !== '' ? `    name: ${tg.name},\n` : '';
          errs.push(
            `${testName}    alertname: ${tc.alertname}, time: ${modelDuration(tc.evalTime)}, \n        exp:${indentLines(laString(exp), '            ')}, \n        got:${indentLines(laString(gotAlerts), '            ')}`,
          );
        }
      }
      curr++;
    }
  }

  outer: for (const tc of tg.promqlExprTests) {
    let got: RuleSample[];
    try {
      got = await instantVector(engine, storage, tc.expr, tc.evalTime);
    } catch (e) {
      errs.push(`    expr: ${goQuote(tc.expr)}, time: ${modelDuration(tc.evalTime)}, err: ${(e as Error).message}`);
      continue;
    }
    const exp: { labels: Labels; value: number }[] = [];
    for (const s of tc.expSamples) {
      let lb: Labels;
      try {
        // parser.ParseMetric's errors are the selector parser's, so validate with parseExpr first.
        if (s.labels.trim() !== '') parseExpr(s.labels);
        lb = s.labels.trim() === '' ? Labels.EMPTY : parseSeriesDesc(`${s.labels} 0`).labels;
      } catch (e) {
        errs.push(`    expr: ${goQuote(tc.expr)}, time: ${modelDuration(tc.evalTime)}, err: labels ${goQuote(s.labels)}: ${(e as Error).message}`);
        continue outer;
      }
      exp.push({ labels: lb, value: s.value });
    }
    const gotS = got.map((s) => ({ labels: s.metric, value: s.v }));
    const byLabels = (a: { labels: Labels }, b: { labels: Labels }): number => Labels.compare(a.labels, b.labels);
    exp.sort(byLabels);
    gotS.sort(byLabels);
    // reflect.DeepEqual: NaN never equals NaN.
    const same = exp.length === gotS.length && exp.every((e, i) => e.labels.equals(gotS[i]!.labels) && e.value === gotS[i]!.value);
    if (!same) {
      errs.push(`    expr: ${goQuote(tc.expr)}, time: ${modelDuration(tc.evalTime)},\n        exp: ${samplesString(exp)}\n        got: ${samplesString(gotS)}`);
    }
  }
  return errs;
}

async function instantVector(engine: Engine, storage: MemoryStorage, q: string, ts: number): Promise<RuleSample[]> {
  const res = await engine.instantQuery(storage, q, ts);
  const v = res.value;
  if (v.type === 'vector') return v.samples.map((s) => ({ metric: s.metric, t: s.t, v: s.v }));
  if (v.type === 'scalar') return [{ metric: Labels.EMPTY, t: v.t, v: v.v }];
  throw new Error('rule result is not a vector or scalar');
}

interface LabelsAndAnnotations {
  labels: Labels;
  annotations: Labels;
}

function compareLA(a: LabelsAndAnnotations, b: LabelsAndAnnotations): number {
  return Labels.compare(a.labels, b.labels) || Labels.compare(a.annotations, b.annotations);
}

function sameAlerts(a: LabelsAndAnnotations[], b: LabelsAndAnnotations[]): boolean {
  return a.length === b.length && a.every((x, i) => x.labels.equals(b[i]!.labels) && x.annotations.equals(b[i]!.annotations));
}

function laString(la: LabelsAndAnnotations[]): string {
  if (la.length === 0) return '[]';
  const one = (x: LabelsAndAnnotations): string => `Labels:${x.labels.toString()}\nAnnotations:${x.annotations.toString()}`;
  let s = '[\n0:' + indentLines('\n' + one(la[0]!), '  ');
  la.slice(1).forEach((x, i) => {
    s += `,\n${i + 1}:` + indentLines('\n' + one(x), '  ');
  });
  return s + '\n]';
}

function indentLines(lines: string, indent: string): string {
  return lines
    .split('\n')
    .map((l, i) => (i > 0 ? indent + l : l))
    .join('\n');
}

function samplesString(ss: { labels: Labels; value: number }[]): string {
  if (ss.length === 0) return 'nil';
  return ss.map((s) => `${s.labels.toString()} ${formatE(s.value, -1, true).replace('INF', 'Inf').replace('NAN', 'NaN')}`).join(', ');
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Prometheus's model.Duration.String(): years and weeks only when exact ("90d", not "12w6d"). */
export function modelDuration(ms: number): string {
  if (ms === 0) return '0s';
  let r = '';
  let rest = ms;
  const units: [string, number, boolean][] = [
    ['y', 365 * 86_400_000, true],
    ['w', 7 * 86_400_000, true],
    ['d', 86_400_000, false],
    ['h', 3_600_000, false],
    ['m', 60_000, false],
    ['s', 1000, false],
    ['ms', 1, false],
  ];
  for (const [u, mult, exact] of units) {
    if (exact && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      r += `${v}${u}`;
      rest -= v * mult;
    }
  }
  return r;
}

/** Go's time.Duration.String() for a whole number of milliseconds: "0s", "1m0s", "1h0m0s", "1.5s". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  let out = neg ? '-' : '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  return out + `${s}s`;
}
