// promtool's rule unit-test file format (cmd/promtool/unittest.go's unitTestFile), decoded with
// yaml.v2 UnmarshalStrict's strictness: unknown keys and non-float sample values are errors.
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { Labels, parseDuration } from '../model/index.js';

export interface TestGroup {
  interval: number;
  inputSeries: { series: string; values: string }[];
  alertRuleTests: { evalTime: number; alertname: string; expAlerts: { labels: Record<string, string>; annotations: Record<string, string> }[] }[];
  promqlExprTests: { expr: string; evalTime: number; expSamples: { labels: string; value: number }[] }[];
  externalLabels: Labels;
  externalURL: string;
  name: string;
}

/** The file cannot be used; `message` is what promtool prints. */
export class UnitTestInputError extends Error {}

export interface UnitTestFile {
  ruleFiles: string[];
  evaluationInterval: number;
  groupEvalOrder: string[];
  tests: TestGroup[];
}

export function parseUnitTestFile(content: string): UnitTestFile {
  const doc = parseDocument(content, { uniqueKeys: false, strict: false });
  if (doc.errors.length > 0) throw new UnitTestInputError(`yaml: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents as YamlNode | null;
  const out: UnitTestFile = { ruleFiles: [], evaluationInterval: 0, groupEvalOrder: [], tests: [] };
  if (!root || !isMap(root)) return out;
  const unknown: string[] = [];
  const f = fieldsOf(root, ['rule_files', 'evaluation_interval', 'group_eval_order', 'tests'], 'main.unitTestFile', unknown);
  out.ruleFiles = strList(f.get('rule_files'));
  out.evaluationInterval = dur(f.get('evaluation_interval'));
  out.groupEvalOrder = strList(f.get('group_eval_order'));
  const tests = f.get('tests');
  if (tests && isSeq(tests)) {
    for (const t of tests.items as YamlNode[]) {
      const tf = fieldsOf(t, ['interval', 'input_series', 'alert_rule_test', 'promql_expr_test', 'external_labels', 'external_url', 'name'], 'main.testGroup', unknown);
      const tg: TestGroup = {
        interval: dur(tf.get('interval')),
        inputSeries: seqOf(tf.get('input_series')).map((s) => {
          const sf = fieldsOf(s, ['series', 'values'], 'main.series', unknown);
          return { series: str(sf.get('series')), values: str(sf.get('values')) };
        }),
        alertRuleTests: seqOf(tf.get('alert_rule_test')).map((a) => {
          const af = fieldsOf(a, ['eval_time', 'alertname', 'exp_alerts'], 'main.alertTestCase', unknown);
          return {
            evalTime: dur(af.get('eval_time')),
            alertname: str(af.get('alertname')),
            expAlerts: seqOf(af.get('exp_alerts')).map((e) => {
              const ef = fieldsOf(e, ['exp_labels', 'exp_annotations'], 'main.alert', unknown);
              return { labels: strMap(ef.get('exp_labels')), annotations: strMap(ef.get('exp_annotations')) };
            }),
          };
        }),
        promqlExprTests: seqOf(tf.get('promql_expr_test')).map((p) => {
          const pf = fieldsOf(p, ['expr', 'eval_time', 'exp_samples'], 'main.promqlTestCase', unknown);
          return {
            expr: str(pf.get('expr')),
            evalTime: dur(pf.get('eval_time')),
            expSamples: seqOf(pf.get('exp_samples')).map((s) => {
              const sf = fieldsOf(s, ['labels', 'value'], 'main.sample', unknown);
              const v = sf.get('value');
              if (v && isScalar(v) && v.value !== null && typeof v.value !== 'number') {
                unknown.push(`line ${v.range ? lineOf(v.range[0]) : 0}: cannot unmarshal !!str \`${str(v)}\` into float64`);
              }
              return { labels: str(sf.get('labels')), value: v && isScalar(v) && typeof v.value === 'number' ? v.value : 0 };
            }),
          };
        }),
        externalLabels: Labels.fromObject(strMap(tf.get('external_labels'))),
        externalURL: str(tf.get('external_url')),
        name: str(tf.get('name')),
      };
      out.tests.push(tg);
    }
  }
  if (unknown.length > 0) throw new UnitTestInputError(`yaml: unmarshal errors:\n  ${unknown.join('\n  ')}`);
  return out;

  function fieldsOf(n: YamlNode, known: string[], type: string, errs: string[]): Map<string, YamlNode> {
    const m = new Map<string, YamlNode>();
    if (!isMap(n)) return m;
    for (const p of n.items as Pair<YamlNode, YamlNode>[]) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (!known.includes(k)) {
        const line = p.key && (p.key as YamlNode).range ? lineOf((p.key as YamlNode).range![0]) : 0;
        errs.push(`line ${line}: field ${k} not found in type ${type}`);
      } else if (p.value) m.set(k, p.value);
    }
    return m;
  }
  function lineOf(offset: number): number {
    let n = 1;
    for (let i = 0; i < offset; i++) if (content.charCodeAt(i) === 10) n++;
    return n;
  }
}

function seqOf(n: YamlNode | undefined): YamlNode[] {
  return n && isSeq(n) ? (n.items as YamlNode[]) : [];
}

function str(n: YamlNode | undefined): string {
  if (!n || !isScalar(n) || n.value === null) return '';
  return typeof n.value === 'string' ? n.value : ((n as { source?: string }).source ?? String(n.value));
}


function strList(n: YamlNode | undefined): string[] {
  return seqOf(n).map(str);
}

function strMap(n: YamlNode | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!n || !isMap(n)) return out;
  for (const p of n.items as Pair<YamlNode, YamlNode>[]) out[isScalar(p.key) ? String(p.key.value) : ''] = str(p.value ?? undefined);
  return out;
}

function dur(n: YamlNode | undefined): number {
  const s = str(n);
  if (s === '') return 0;
  try {
    return parseDuration(s);
  } catch {
    throw new UnitTestInputError(`not a valid duration string: ${JSON.stringify(s)}`);
  }
}
