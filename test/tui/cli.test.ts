// `promts dashboard` refuses bad input before it touches the screen: exit 1, a message, a hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/index.js';

test('dashboard: a bad --refresh is a usage error with a hint', async () => {
  const r = await runCli(['dashboard', '--refresh', 'soon']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error: invalid --refresh "soon"/);
  assert.match(r.stderr, /Try this: Use a duration such as 5s/);
  assert.equal(r.stdout, '');
});

test('dashboard: an unreadable --http.config.file names the file', async () => {
  const r = await runCli(['dashboard', '--http.config.file', '/nonexistent/auth.yml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error: \/nonexistent\/auth\.yml: ENOENT/);
});

test('dashboard: without a terminal on stdin it says so instead of crashing', async () => {
  const r = await runCli(['dashboard', '--url', 'http://127.0.0.1:1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /needs an interactive terminal \(stdin is not a TTY\)/);
  assert.match(r.stderr, /Try this: Run it in a terminal, or with ssh -t over SSH\./);
});
