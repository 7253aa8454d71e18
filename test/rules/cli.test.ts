// `promts check rules` and `promts test rules` through the built CLI (npx tsc -p . first):
// promtool's stdout/stderr split and exit codes (0 ok, 1 invalid, 3 lint with --lint-fatal).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { conformanceDir, runCli } from '../helpers/index.js';

const promtoolDir = join(conformanceDir, 'rules', 'promtool');
const rulefmtDir = join(conformanceDir, 'rules', 'rulefmt');

interface Run {
  command: string;
  extra_args: string;
  stdout: string;
  stderr: string;
  exit_code: number;
}
const runs = readFileSync(join(conformanceDir, 'promtool-outputs.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Run);
const recorded = (command: string, extra = ''): Run => runs.find((r) => r.command === command && r.extra_args === extra)!;

test('promts check rules prints promtool\'s output and exit codes', { timeout: 60_000 }, async () => {
  for (const [cwd, file, extra] of [
    [promtoolDir, 'rules.yml', ''],
    [rulefmtDir, 'bad_expr.bad.yaml', ''],
    [rulefmtDir, 'test.yaml', ''],
    [rulefmtDir, 'test.yaml', '--lint-fatal'],
  ] as const) {
    const want = recorded(`promtool check rules ${extra ? extra + ' ' : ''}${file}`, extra);
    const args = ['check', 'rules', ...(extra ? [extra] : []), file];
    const got = await runCli(args, { cwd });
    assert.equal(got.code, want.exit_code, `${file} ${extra}: ${got.stderr}`);
    assert.equal(got.stdout, want.stdout, file);
    assert.equal(got.stderr, want.stderr, file);
  }
});

test('promts check rules refuses a missing file like promtool (exit 1, nothing on stdout)', { timeout: 30_000 }, async () => {
  const got = await runCli(['check', 'rules', 'no-such-file.yml'], { cwd: promtoolDir });
  assert.equal(got.code, 1);
  assert.equal(got.stdout, '');
  assert.match(got.stderr, /path 'no-such-file.yml' does not exist/);
});

test('promts test rules passes unittest.yml and fails failing.yml with promtool\'s report', { timeout: 60_000 }, async () => {
  const ok = await runCli(['test', 'rules', 'unittest.yml'], { cwd: promtoolDir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, recorded('promtool test rules unittest.yml').stdout);
  const bad = await runCli(['test', 'rules', 'failing.yml'], { cwd: promtoolDir });
  const want = recorded('promtool test rules failing.yml');
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, want.stdout);
  assert.equal(bad.stderr, want.stderr);
});
