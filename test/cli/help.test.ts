import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/index.js';

// Issue 2: `promts --help` lists every command of the toolkit with one line each.
const EXPECTED = [
  'server',
  'query',
  'check config',
  'check rules',
  'check metrics',
  'check web-config',
  'tsdb list',
  'tsdb analyze',
  'tsdb dump',
  'tsdb create-blocks-from',
  'test rules',
  'install-service',
  'dashboard',
];

test('promts --help lists every command of the toolkit', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  // Topics (check, tsdb, …) are listed in the root help; their commands in the topic's help.
  for (const topic of ['check', 'query', 'tsdb', 'test']) assert.match(r.stdout, new RegExp(`^\\s+${topic}\\s+\\S`, 'm'), `root help lacks topic ${topic}:\n${r.stdout}`);
  for (const cmd of ['server', 'install-service', 'dashboard']) assert.match(r.stdout, new RegExp(`^\\s+${cmd}\\s+\\S`, 'm'), `root help lacks ${cmd}`);
  const sub = await Promise.all(['check', 'tsdb', 'test', 'query'].map((t) => runCli([t, '--help'])));
  const all = r.stdout + sub.map((s) => s.stdout).join('\n');
  for (const cmd of EXPECTED) assert.match(all, new RegExp(`^\\s+${cmd.replace(' ', ' ')}(\\s|$)`, 'm'), `no help line for "${cmd}"`);
});

test('an unknown top-level command suggests the nearest one', async () => {
  const r = await runCli(['servr']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr + r.stdout, /server/);
});
