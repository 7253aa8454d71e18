// Side by side with Debian's promtool 2.42 on rule files a user might get wrong: the same
// rule file must give byte-identical `check rules` output and exit code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkRuleFiles, runRuleUnitTests } from '../../src/rules/index.js';
import { debianBinary, tempDir } from '../helpers/index.js';

const promtool = debianBinary('promtool');
const dir = tempDir('promts-sbs-');
after(() => dir.cleanup());

const FILES: Record<string, string> = {
  'templates.yml': `groups:
  - name: g
    rules:
      - alert: C
        expr: up
        labels:
          a: '{{ $value | humanize }} {{ range $i, $x := .Labels }}{{ $i }}{{ end }}'
          b: '{{ printf "%.2f" $value }}{{ with $labels.job }}{{ . }}{{ else }}none{{ end }}'
        annotations:
          c: "{{ end }}"
          d: "{{ else }}"
          e: "{{ $x := 1 }}{{ $y }}"
          g: "{{ 'ab' }}"
          h: "{{ ( }}"
          i: "{{ nosuch 1 }}"
          j: "{{ if }}"
          k: "{{ .Labels.x"
`,
  'bad-duration.yml': `groups:
  - name: g
    interval: abc
    rules:
      - record: a
        expr: up
        labels: [1]
`,
  'bad-limit.yml': `groups:
  - name: ""
    rules:
      - record: a
        expr: sum(up)
  - name: h
    limit: abc
`,
  'record-annotations.yml': 'groups:\n- name: x\n  rules:\n  - record: a\n    expr: up\n    annotations:\n      a: b\n',
  'unknown-top.yml': 'foo: bar\n',
  'empty.yml': '',
  'keep-firing.yml': 'groups:\n  - name: k\n    rules:\n      - alert: K\n        expr: up == 0\n        keep_firing_for: 5m\n        for: 1m\n',
  'dups-across-groups.yml': 'groups:\n  - name: a\n    rules:\n      - record: r\n        expr: up\n  - name: b\n    rules:\n      - record: r\n        expr: up\n        labels:\n          x: "1"\n      - record: r\n        expr: up\n',
  'empty-group-name.yml': 'groups:\n  - name: ""\n    rules:\n      - record: "bad name"\n        expr: up\n      - alert: ""\n        expr: "sum("\n',
};

test('check rules output is byte-identical to Debian promtool on tricky rule files', { skip: promtool ? false : 'Debian promtool is not installed', timeout: 30_000 }, () => {
  const diffs: string[] = [];
  for (const [name, text] of Object.entries(FILES)) {
    writeFileSync(join(dir.path, name), text);
    for (const extra of [[], ['--lint-fatal']]) {
      const p = spawnSync(promtool!, ['check', 'rules', ...extra, name], { cwd: dir.path, encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
      const cwd = process.cwd();
      process.chdir(dir.path);
      const r = checkRuleFiles([name], { lintFatal: extra.length > 0 });
      process.chdir(cwd);
      const out = r.output.filter((o) => o.stream === 'stdout').map((o) => o.text).join('');
      const err = r.output.filter((o) => o.stream === 'stderr').map((o) => o.text).join('');
      // Go ranges over the labels/annotations map in random order, so compare error lines as a set.
      const lines = (x: string): string => x.split('\n').sort().join('\n');
      if (p.status !== r.exitCode || p.stdout !== out || lines(p.stderr) !== lines(err)) {
        diffs.push(`${name} ${extra.join(' ')}\npromtool (${p.status}): ${JSON.stringify(p.stderr)}\npromts   (${r.exitCode}): ${JSON.stringify(err)}`);
      }
    }
  }
  assert.deepEqual(diffs, []);
});

const UNIT_RULES = `groups:
  - name: rec
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
  - name: alerts
    rules:
      - alert: Down
        expr: job:up:sum == 0
        for: 2m
        labels:
          severity: page
          cluster: '{{ $externalLabels.cluster }}'
        annotations:
          summary: 'Job {{ $labels.job }} down, value {{ $value }} {{ $value | humanize }}'
          link: '{{ $externalURL }}/alerts'
      - alert: Broken
        expr: up
        annotations:
          a: '{{ humanize "x" }}'
`;

const UNIT_TEST = `rule_files: [unit-rules.yml]
evaluation_interval: 1m
group_eval_order: [rec, alerts]
tests:
  - interval: 1m
    name: t1
    external_labels:
      cluster: c1
    external_url: http://ext:9090
    input_series:
      - series: 'up{job="a", instance="1"}'
        values: '0x10'
      - series: 'up{job="b", instance="2"}'
        values: '1 1 1 0 0 0 0 0 0'
    alert_rule_test:
      - eval_time: 1m
        alertname: Down
        exp_alerts: []
      - eval_time: 3m
        alertname: Down
        exp_alerts:
          - exp_labels: {job: a, severity: page, cluster: c1}
            exp_annotations: {summary: 'Job a down, value 0 0', link: 'http://ext:9090/alerts'}
      - eval_time: 6m
        alertname: Down
        exp_alerts:
          - exp_labels: {job: a, severity: page, cluster: c1}
            exp_annotations: {summary: 'Job a down, value 0 0', link: 'http://ext:9090/alerts'}
      - eval_time: 2m
        alertname: Broken
        exp_alerts:
          - exp_labels: {job: b, instance: "2"}
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 4m
        exp_samples:
          - labels: 'job:up:sum{job="a"}'
            value: 0
          - labels: 'job:up:sum{job="b"}'
            value: 1.5
      - expr: 1/0
        eval_time: 0m
        exp_samples:
          - value: .nan
      - expr: nosuch{
        eval_time: 0m
      - expr: up
        eval_time: 90s
        exp_samples:
          - labels: 'up{job="a"'
            value: 1
`;

test('test rules output is byte-identical to Debian promtool on a failing unit test (templates, external labels/URL, eval order, sample diffs)', { skip: promtool ? false : 'Debian promtool is not installed', timeout: 30_000 }, async () => {
  writeFileSync(join(dir.path, 'unit-rules.yml'), UNIT_RULES);
  const variants = { 'unit.yml': UNIT_TEST, 'unit-nan-string.yml': UNIT_TEST.replace('value: .nan', 'value: NaN') };
  for (const [name, text] of Object.entries(variants)) {
    writeFileSync(join(dir.path, name), text);
    const p = spawnSync(promtool!, ['test', 'rules', name], { cwd: dir.path, encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
    const cwd = process.cwd();
    process.chdir(dir.path);
    const r = await runRuleUnitTests([name]).finally(() => process.chdir(cwd));
    const out = r.output.filter((o) => o.stream === 'stdout').map((o) => o.text).join('');
    const err = r.output.filter((o) => o.stream === 'stderr').map((o) => o.text).join('');
    assert.equal(r.exitCode, p.status, name);
    assert.equal(out, p.stdout, name);
    assert.equal(err, p.stderr, name);
  }
});
