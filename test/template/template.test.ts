// Go text/template as Prometheus uses it. Cases restate upstream's template_test.go expectations
// (TestTemplateExpansion) and the documented examples in template_examples.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkTemplateSyntax, expandAlertTemplate, expandTemplate, type TemplateSample } from '../../src/template/index.js';
import { sharedDir } from '../helpers/index.js';

interface Case {
  text: string;
  out?: string;
  err?: string;
  data?: unknown;
  result?: TemplateSample[];
}

const metric = (labels: Record<string, string>, v: number): TemplateSample => ({ Labels: labels, Value: v });

const cases: Case[] = [
  { text: 'plain text', out: 'plain text' },
  { text: '{{ 1 }}', out: '1' },
  { text: '{{ "<b>" }}', out: '<b>' },
  { text: '{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}', out: '1 2' },
  { text: '{{ query "1.5" | first | value }}', out: '1.5', result: [metric({}, 1.5)] },
  { text: `{{ query "metric{instance='a'}" | first | value }}`, out: '11', result: [metric({ __name__: 'metric', instance: 'a' }, 11)] },
  { text: `{{ query "metric{instance='a'}" | first | label "instance" }}`, out: 'a', result: [metric({ __name__: 'metric', instance: 'a' }, 11)] },
  { text: `{{ query "metric{__value__='a'}" | first | strvalue }}`, out: 'a', result: [metric({ __name__: 'metric', __value__: 'a' }, 11)] },
  { text: `{{ query "metric{instance='a'}" | first | label "foo" }}`, out: '', result: [metric({ __name__: 'metric', instance: 'a' }, 11)] },
  { text: '{{ $x := query "metric" | first }}{{ $x.Labels.foo }}', out: '', result: [metric({ __name__: 'metric', instance: 'a' }, 11)] },
  {
    text: '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    out: 'a:11: b:21: ',
    result: [metric({ __name__: 'metric', instance: 'b' }, 21), metric({ __name__: 'metric', instance: 'a' }, 11)],
  },
  { text: '{{ "foo.example.com" | stripPort }}', out: 'foo.example.com' },
  { text: '{{ "foo.example.com:12345" | stripPort }}', out: 'foo.example.com' },
  { text: '{{ "192.0.2.1:12345" | stripPort }}', out: '192.0.2.1' },
  { text: '{{ "2001:0DB8::1" | stripPort }}', out: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]:12345" | stripPort }}', out: '2001:0DB8::1' },
  { text: '{{ "[2001:0DB8::1]::12345" | stripPort }}', out: '[2001:0DB8::1]::12345' },
  { text: '{{ "foo.example.com" | stripDomain }}', out: 'foo' },
  { text: '{{ "foo.example.com:12345" | stripDomain }}', out: 'foo:12345' },
  { text: '{{ "192.0.2.1:12345" | stripDomain }}', out: '192.0.2.1:12345' },
  { text: '{{ .Foo }}', out: '<no value>' },
  { text: '{{', err: 'error parsing template test: template: test:1: unclosed action' },
  { text: '{{ query "missing" | first }}', result: [], err: 'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements' },
  { text: '{{ reReplaceAll "(a)b" "x$1" "ab" }}', out: 'xa' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', data: [0, 1, 1234567, 0.12], out: '0:1:1.235M:120m:' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', data: ['0.0', '1.0', '1234567.0', '.12'], out: '0:1:1.235M:120m:' },
  { text: '{{ humanize "one" }}', err: 'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax' },
  { text: '{{ range . }}{{ humanize . }}:{{ end }}', data: [0n, -1n, 1n, 1234567n, 9223372036854775807n], out: '0:-1:1:1.235M:9.223E:' },
  { text: '{{ range . }}{{ humanize1024 . }}:{{ end }}', data: [0, 1, 1048576, 0.12], out: '0:1:1Mi:0.12:' },
  { text: '{{ range . }}{{ humanize1024 . }}:{{ end }}', data: [0n, -1n, 1n, 1234567n, 9223372036854775807n], out: '0:-1:1:1.177Mi:8Ei:' },
  {
    text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
    data: [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99],
    out: '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:',
  },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', data: [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345], out: '100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:' },
  { text: '{{ range . }}{{ humanizeDuration . }}:{{ end }}', data: [0n, -1n, 1n, 1234567n], out: '0s:-1s:1s:14d 6h 56m 7s:' },
  {
    text: '{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}',
    data: [Infinity, -Infinity, NaN],
    out: '+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:',
  },
  { text: '{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}', out: '-22.22%:0%:12.35%:123.5%' },
  { text: '{{ range . }}{{ humanizePercentage . }}:{{ end }}', data: [0n, -1n, 1n, 1234567n, 9223372036854775807n], out: '0%:-100%:100%:1.235e+08%:9.223e+20%:' },
  { text: '{{ "one" | humanizePercentage }}', err: 'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax' },
  {
    text: '{{ range . }}{{ humanizeTimestamp . }}:{{ end }}',
    data: [0n, -1n, 1n, 1234567n, 9223372036n],
    out: '1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:',
  },
  { text: '{{ 1435065584.128 | humanizeTimestamp }}', out: '2015-06-23 13:19:44.128 +0000 UTC' },
  { text: '{{ (1435065584.128 | toTime).Format "2006" }}', out: '2015' },
  { text: '{{ ("1435065584.128" | toTime).Format "2006" }}', out: '2015' },
  { text: '{{ (toTime 1435065584.128).Format "Mon Jan _2 15:04:05.000 MST 2006" }} {{ (toTime 1435065584).Unix }} {{ toTime 1435065584.5 }}', out: 'Tue Jun 23 13:19:44.128 UTC 2015 1435065584 2015-06-23 13:19:44.5 +0000 UTC' },
  { text: '{{ "aa bb CC" | title }}', out: 'Aa Bb CC' },
  { text: '{{ "aa bb CC" | toUpper }}', out: 'AA BB CC' },
  { text: '{{ "aA bB CC" | toLower }}', out: 'aa bb cc' },
  { text: '{{ match "a+" "aa" }} {{ match "a+" "b" }}', out: 'true false' },
  { text: '{{ graphLink "up" }}', out: '/graph?g0.expr=up&g0.tab=0' },
  { text: '{{ tableLink "up" }}', out: '/graph?g0.expr=up&g0.tab=1' },
  { text: '{{ pathPrefix }}', out: '/path/prefix' },
  { text: '{{ externalURL }}', out: 'http://testhost:9090/path/prefix' },
  { text: '{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', out: '3720.01' },
  // Control flow and comparisons (Go text/template semantics).
  { text: '{{ if gt 2.5 1.0 }}big{{ else if eq 1.0 1.0 }}one{{ else }}small{{ end }}', out: 'big' },
  { text: '{{ if lt 0.5 0.2 }}a{{ else if eq "x" "y" "x" }}b{{ else }}c{{ end }}', out: 'b' },
  { text: '{{ with "" }}x{{ else }}empty{{ end }}|{{ with "v" }}{{ . }}{{ end }}', out: 'empty|v' },
  { text: '{{ range $i, $v := . }}{{ $i }}={{ $v }};{{ end }}', data: ['a', 'b'], out: '0=a;1=b;' },
  { text: '{{ range . }}x{{ else }}none{{ end }}', data: [], out: 'none' },
  { text: '{{ range . }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ if eq . "d" }}{{ break }}{{ end }}{{ . }}{{ end }}', data: ['a', 'b', 'c', 'd', 'e'], out: 'ac' },
  { text: '{{ break }}', err: 'error parsing template test: template: test:1: {{break}} outside {{range}}' },
  { text: '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', out: '2' },
  { text: '{{ and 1 0 }} {{ or 0 "" "z" }} {{ not true }} {{ len "abc" }} {{ index . 1 }}', data: ['p', 'q'], out: '0 z false 3 q' },
  { text: '{{ printf "%s=%d %.3f %v %q %5.1f|%-4s|" "a" 7 3.14159 1e6 "x" 2.25 "ab" }}', out: 'a=7 3.142 1e+06 "x"   2.2|ab  |' },
  { text: '{{- "trim" -}}   \n  {{/* comment */}} done', out: 'trim done' },
  { text: '{{ lt 1 2.0 }}', err: 'error executing template test: template: test:1:3: executing "test" at <lt 1 2.0>: error calling lt: incompatible types for comparison' },
];

test('templates expand like Prometheus 2.42 (upstream TestTemplateExpansion cases)', async () => {
  const failures: string[] = [];
  for (const c of cases) {
    const opts = { query: async () => c.result ?? [], externalURL: new URL('http://testhost:9090/path/prefix') };
    try {
      const out = await expandTemplate('test', c.text, c.data ?? null, opts);
      if (c.err !== undefined) failures.push(`${c.text}: expected error ${c.err}, got ${JSON.stringify(out)}`);
      else if (out !== c.out) failures.push(`${c.text}: got ${JSON.stringify(out)} want ${JSON.stringify(c.out)}`);
    } catch (e) {
      if (c.err === undefined || (e as Error).message !== c.err) failures.push(`${c.text}: error ${(e as Error).message} want ${c.err ?? 'no error'}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('alert templates see $labels, $value, $externalLabels and $externalURL; missing labels expand to ""', async () => {
  const d = { labels: { instance: 'db:9100', job: 'node' }, externalLabels: { cluster: 'eu1' }, externalURL: 'http://prom:9090', value: 0.123456 };
  const out = await expandAlertTemplate('HighLoad', '{{ $labels.instance }}/{{ $labels.missing }}/{{ $value | humanize }}/{{ $externalLabels.cluster }}/{{ $externalURL }}/{{ $value }}', d);
  assert.equal(out, 'db:9100//123.5m/eu1/http://prom:9090/0.123456');
});

test('template syntax errors read like Go and name the alert template', () => {
  assert.equal(checkTemplateSyntax('__alert_X', '{{ $labels.instance }} {{ humanize $value }}'), null);
  assert.equal(checkTemplateSyntax('__alert_X', '{{ nosuchfunc 1 }}'), 'template: __alert_X:1: function "nosuchfunc" not defined');
  assert.equal(checkTemplateSyntax('__alert_X', '{{ if true }}x'), 'template: __alert_X:1: unexpected EOF');
  assert.equal(checkTemplateSyntax('__alert_X', '{{ $nope }}'), 'template: __alert_X:1: undefined variable "$nope"');
});

test('every template in the documented alerting-rule examples parses', () => {
  const md = readFileSync(join(sharedDir, 'reference/prometheus-2.42/docs/configuration/alerting_rules.md'), 'utf8');
  const templates = [...md.matchAll(/(?:summary|description): "([^"\n]*\{\{[^"\n]*)"/g)].map((m) => m[1]!.replace(/\\"/g, '"'));
  assert.ok(templates.length >= 2, 'examples found in alerting_rules.md');
  for (const t of templates) assert.equal(checkTemplateSyntax('__alert_doc', t), null, t);
});
