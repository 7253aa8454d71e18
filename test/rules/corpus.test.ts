// Ground truth: promtool 2.42's full output for `check rules` and `test rules` over upstream's
// rule files (../shared/conformance/promtool-outputs.jsonl, rules-expected*.tsv, unittest-expected.tsv).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRuleFileForConfig, checkRuleFiles, runRuleUnitTests, type LintMode } from '../../src/rules/index.js';
import { conformanceDir } from '../helpers/index.js';

interface Run {
  command: string;
  cwd: string;
  exit_code: number;
  extra_args: string;
  file: string;
  stdout: string;
  stderr: string;
}

const runs: Run[] = readFileSync(join(conformanceDir, 'promtool-outputs.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Run);

function tsvRows(name: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(conformanceDir, name), 'utf8').trimEnd().split('\n');
  const cols = head!.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i]!, v])));
}

function split(out: { stream: string; text: string }[]): { stdout: string; stderr: string } {
  return { stdout: out.filter((o) => o.stream === 'stdout').map((o) => o.text).join(''), stderr: out.filter((o) => o.stream === 'stderr').map((o) => o.text).join('') };
}

/** The "found duplicate series ... [a, b]" list comes out in random order in Prometheus itself. */
function normaliseDupOrder(s: string): string {
  return s.replace(/\[(\{[^\]]*\}), (\{[^\]]*\})\]/g, (_m, a: string, b: string) => `[${[a, b].sort().join(', ')}]`);
}

function findRun(kind: string, file: string, extra: string): Run {
  const r = runs.find((x) => x.command.startsWith(kind) && x.file === file && x.extra_args === extra);
  assert.ok(r, `no promtool run recorded for ${kind} ${file} ${extra}`);
  return r;
}

test('check rules: every rule file gets promtool 2.42 verdict, exit code and exact output', () => {
  const rows: Record<string, string>[] = [...tsvRows('rules-expected.tsv').map((r) => ({ ...r, extra_args: '' })), ...tsvRows('rules-expected-variants.tsv')];
  const cwd = process.cwd();
  let agree = 0;
  const bad: string[] = [];
  try {
    for (const row of rows) {
      const run = findRun('promtool check rules', row.file!, row.extra_args!);
      process.chdir(join(conformanceDir, run.cwd));
      const args = row.extra_args!.split(' ');
      const lint: LintMode = args.includes('--lint=none') ? 'none' : 'duplicate-rules';
      const res = checkRuleFiles([row.file!.split('/').pop()!], { lint, lintFatal: args.includes('--lint-fatal') });
      const got = split(res.output);
      if (res.exitCode === Number(row.exit_code) && got.stdout === run.stdout && got.stderr === run.stderr) agree++;
      else bad.push(`${row.file} ${row.extra_args}: exit ${res.exitCode} want ${row.exit_code}\n${got.stderr}\nwant\n${run.stderr}`);
    }
  } finally {
    process.chdir(cwd);
  }
  console.log(`rules corpus: ${agree}/${rows.length} verdicts agree`);
  assert.deepEqual(bad, []);
});

test('test rules: every unit-test file passes or fails exactly as promtool 2.42 reports it', { timeout: 50_000 }, async () => {
  const rows = tsvRows('unittest-expected.tsv');
  const cwd = process.cwd();
  let agree = 0;
  const bad: string[] = [];
  try {
    for (const row of rows) {
      const run = findRun('promtool test rules', row.file!, '');
      process.chdir(join(conformanceDir, run.cwd));
      const res = await runRuleUnitTests([row.file!.split('/').pop()!]);
      const got = split(res.output);
      if (res.exitCode === Number(row.exit_code) && got.stdout === run.stdout && normaliseDupOrder(got.stderr) === normaliseDupOrder(run.stderr)) agree++;
      else bad.push(`${row.file}: exit ${res.exitCode} want ${row.exit_code}\n${got.stderr}\nwant\n${run.stderr}`);
    }
  } finally {
    process.chdir(cwd);
  }
  console.log(`unit-test files: ${agree}/${rows.length} match promtool`);
  assert.deepEqual(bad, []);
});

test('upstream rulefmt expectations: each bad file is rejected with the substring upstream requires', () => {
  const rows = tsvRows('upstream-rules-expectations.tsv').filter((r) => r.file!.startsWith('rulefmt/') && r.mode === 'default');
  assert.ok(rows.length > 0);
  for (const r of rows) {
    const res = checkRuleFiles([join(conformanceDir, 'rules', r.file!)], { lint: 'none' });
    const { stderr } = split(res.output);
    if (r.upstream_result === 'error') {
      assert.equal(res.exitCode, 1, r.file);
      assert.ok(stderr.includes(r.expected_error_substring!), `${r.file}: ${stderr} lacks ${r.expected_error_substring}`);
    } else assert.equal(res.exitCode, 0, `${r.file}: ${stderr}`);
  }
});

test('the adapter for `check config` reports rule counts, errors and lint findings like check rules', () => {
  const dup = checkRuleFileForConfig(join(conformanceDir, 'rules/promtool/rules_duplicates.yml'), { lintDuplicates: true });
  assert.equal(dup.errors.length, 0);
  assert.equal(dup.lint + '\n', findRun('promtool check rules', 'promtool/rules_duplicates.yml', '').stderr.replace('  FAILED:\n', ''));
  assert.equal(checkRuleFileForConfig(join(conformanceDir, 'rules/promtool/rules.yml'), { lintDuplicates: true }).rules, 5);
  assert.match(checkRuleFileForConfig(join(conformanceDir, 'rules/rulefmt/bad_expr.bad.yaml'), { lintDuplicates: false }).errors[0]!, /could not parse expression: 1:6: parse error/);
});
