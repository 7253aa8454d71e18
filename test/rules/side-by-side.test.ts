// Side by side with Debian's promtool 2.42 on rule files a user might get wrong: the same
// rule file must give byte-identical `check rules` output and exit code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkRuleFiles } from '../../src/rules/index.js';
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
