import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliPath, debianBinary, runCli, runCommand } from '../helpers/index.js';
import { fakeRoot } from './fixtures.js';

// Issue 8: progress is coloured on a terminal and plain text everywhere else.

const ESC = /\u001b\[/;

test('piped output has no escape codes, even when NO_COLOR is not set', async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const r = await runCli(['install-service', '--dry-run', '--root', root.path], { env: { NO_COLOR: '', FORCE_COLOR: '', TERM: 'xterm-256color' } });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, ESC);
  assert.match(r.stdout, /^ {2}\[would change\] systemd unit /m);
});

test('on a terminal the status words are coloured, and NO_COLOR turns that off', { skip: !debianBinary('script') && 'script (util-linux) is not installed: no pseudo-terminal to test with' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  // script(1) runs the CLI on a pseudo-terminal, so stdout.isTTY is true as for a person.
  const onTty = (noColor: string) =>
    runCommand('script', ['-qec', `${process.execPath} ${cliPath} install-service --dry-run --root ${root.path}`, '/dev/null'], { env: { NO_COLOR: noColor, FORCE_COLOR: '', TERM: 'xterm-256color' } });
  const coloured = await onTty('');
  assert.equal(coloured.code, 0, coloured.stdout);
  assert.match(coloured.stdout, /\[\u001b\[36mwould change\u001b\[39m\] systemd unit/);
  const plain = await onTty('1');
  assert.equal(plain.code, 0, plain.stdout);
  assert.doesNotMatch(plain.stdout, ESC);
  assert.match(plain.stdout, /\[would change\] systemd unit/);
});

test('--json returns every step with its status and nothing else on stdout', async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const r = await runCli(['install-service', '--dry-run', '--json', '--root', root.path]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { results: { title: string; status: string }[]; changed: number; dryRun: boolean };
  assert.equal(out.dryRun, true);
  assert.ok(out.results.some((s) => s.title.startsWith('systemd unit ') && s.status === 'would change'), r.stdout);
  assert.equal(out.changed, out.results.filter((s) => s.status === 'would change').length);
});
