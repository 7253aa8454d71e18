// `check metrics` against promtool 2.42: the recorded verdicts in
// ../shared/conformance/metrics-expected.tsv and promtool-outputs.jsonl, and Debian's promtool
// run live on crafted inputs (lint rules, parse errors, --extended). The library is compared
// on every case; the built CLI (`npx tsc -p .` first) on one clean and one failing case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, debianBinary, runCli, runCommand } from '../helpers/index.js';
import { checkMetrics } from '../../src/textparse/index.js';

interface Run { file: string; command: string; exit_code: number; stdout: string; stderr: string; extra_args: string }

const runs = readFileSync(join(conformanceDir, 'promtool-outputs.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Run)
  .filter((r) => r.command.startsWith('promtool check metrics'));
const tsv = readFileSync(join(conformanceDir, 'metrics-expected.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

test('check metrics reproduces every recorded promtool 2.42 run', () => {
  assert.ok(runs.length >= tsv.length && tsv.length > 0);
  for (const r of runs) {
    const got = checkMetrics(readFileSync(join(conformanceDir, r.file)), false);
    assert.deepEqual(got, { stdout: r.stdout, stderr: r.stderr, code: r.exit_code }, r.file);
  }
  for (const [file, code] of tsv) assert.equal(runs.find((r) => r.file === file)?.exit_code, Number(code), file);
  console.log(`# check metrics: ${runs.length} promtool runs reproduced`);
});

const promtool = debianBinary('promtool');
const crafted = [
  '# HELP foo_seconds_total x\n# TYPE foo_seconds_total counter\nfoo_seconds_total{code="200"} 1\nfoo_seconds_total{code="500"} 2\n# HELP bar_gauge y\n# TYPE bar_gauge gauge\nbar_gauge 3\n',
  '# TYPE http_requests counter\nhttp_requests{fooBar="1"} 1\nrpc:latency_ms 2\n',
  '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n# HELP s s\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n# HELP g g\n# TYPE g gauge\ng{a="1"} 1\ng{a="2"} 1\n',
  'a{b="c" 1\n',
  'a 1 2 3\n',
  '# TYPE a foo\n',
  'a{le="x"} 1\n# TYPE a gauge\n',
  'a{b="\\q"} 1\n',
];

test('check metrics (and --extended) agrees with Debian promtool on crafted inputs', { skip: promtool ? false : 'Debian promtool not installed' }, async () => {
  for (const input of crafted) {
    for (const extended of [false, true]) {
      const want = await runCommand(promtool!, ['check', 'metrics', ...(extended ? ['--extended'] : [])], { input });
      assert.deepEqual(checkMetrics(Buffer.from(input), extended), { stdout: want.stdout, stderr: want.stderr, code: want.code }, `extended=${extended} <<< ${JSON.stringify(input)}`);
    }
  }
});

test('promts check metrics: the CLI prints and exits like promtool', async () => {
  const lint = runs.find((r) => r.exit_code === 3)!;
  const got = await runCli(['check', 'metrics'], { input: readFileSync(join(conformanceDir, lint.file), 'utf8') });
  assert.deepEqual({ code: got.code, stdout: got.stdout, stderr: got.stderr }, { code: 3, stdout: lint.stdout, stderr: lint.stderr });
  const clean = await runCli(['check', 'metrics', '--extended'], { input: crafted[2]! });
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stdout, checkMetrics(Buffer.from(crafted[2]!), true).stdout);
  assert.match(clean.stdout, /^Metric {4,}Cardinality {4}Percentage {4}\n/);
});
