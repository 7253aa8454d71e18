import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, debianBinary, runCli, runCommand } from '../helpers/index.js';
import { fakeRoot, isRoot } from './fixtures.js';
import { resolveOptions, ServiceError, type ServiceFlags } from '../../src/service/index.js';

// Issue 8: install-service refuses before changing anything when it cannot finish safely,
// and says what was done and how to undo it when it fails half-way.

test('without root and without --dry-run or --root it says to use sudo and changes nothing', { skip: !debianBinary('setpriv') && 'setpriv (util-linux) is not installed' }, async () => {
  for (const extra of [[], ['--uninstall', '--purge']]) {
    const r = await runCommand('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, cliPath, 'install-service', ...extra], { env: { HOME: '/nonexistent' } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stdout, '', 'no step ran');
    assert.match(r.stderr, /must run as root; nothing was changed/);
    assert.match(r.stderr, /Try this: run the same command as root: sudo promts install-service/);
  }
});

test('flag values that cannot go into a unit are refused with a hint', async () => {
  const cases: [ServiceFlags, RegExp][] = [
    [{ dataDir: '/var' }, /--data-dir \/var is a system directory/],
    [{ dataDir: 'relative/data' }, /absolute path/],
    [{ configDir: '/etc/pro mts' }, /without spaces/],
    [{ listenAddress: 'localhost' }, /invalid --listen-address/],
    [{ retention: '15 days' }, /invalid --retention/],
    [{ user: 'Root!' }, /invalid user name/],
    [{ configDir: '/srv/p', dataDir: '/srv/p/data' }, /overlap/],
  ];
  for (const [flags, re] of cases) {
    assert.throws(() => resolveOptions(flags), (e: unknown) => e instanceof ServiceError && e.code === 'service.bad-option' && re.test(e.message) && (e.hint ?? '') !== '', JSON.stringify(flags));
  }
  // And through the CLI, as a person sees it: the message, a hint, exit 1, nothing on stdout.
  const r = await runCli(['install-service', '--dry-run', '--data-dir', '/var']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^Error: --data-dir \/var is a system directory\nTry this: give promts a directory of its own, e\.g\. --data-dir \/var\/promts$/m);
});

test('--root DIR without etc/passwd is not taken for a filesystem root', async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const r = await runCli(['install-service', '--root', join(root.path, 'nothing-here')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has no etc\/passwd and etc\/group/);
  assert.ok(!existsSync(join(root.path, 'nothing-here')));
});

test('an existing, different unit is shown as a diff and left alone; --force replaces it', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const unitPath = join(root.path, 'etc/systemd/system/promts.service');
  mkdirSync(join(root.path, 'etc/systemd/system'), { recursive: true });
  const theirs = '[Service]\nExecStart=/opt/prometheus/prometheus --storage.tsdb.retention.time=99d\nUser=promts\n';
  writeFileSync(unitPath, theirs);
  const r = await runCli(['install-service', '--root', root.path]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /\[conflict +\] systemd unit/);
  assert.match(r.stdout, /^promts install-service into .*: \d+ steps \(a conflict below: nothing is changed\)$/m);
  assert.match(r.stdout, new RegExp(`^ {6}--- ${unitPath}$`, 'm'));
  assert.match(r.stdout, /^ {6}@@ -1,3 \+1,\d+ @@$/m);
  assert.match(r.stdout, /^ {6}-ExecStart=\/opt\/prometheus\/prometheus --storage\.tsdb\.retention\.time=99d$/m);
  assert.match(r.stdout, /^ {6}\+ExecStart=\/usr\/local\/bin\/promts server \\$/m);
  assert.match(r.stderr, /nothing was changed/);
  assert.match(r.stderr, /--force/);
  assert.equal(readFileSync(unitPath, 'utf8'), theirs, 'unit left alone');
  assert.equal(root.uid('promts'), undefined, 'a conflict stops the whole plan before any change');
  assert.ok(!existsSync(join(root.path, 'etc/promts')));

  const f = await runCli(['install-service', '--root', root.path, '--force']);
  assert.equal(f.code, 0, f.stderr + f.stdout);
  assert.match(f.stdout, /\[changed +\] systemd unit .*replacing the existing file \(--force\)/);
  assert.match(f.stdout, /^ {6}-ExecStart=\/opt\/prometheus/m);
  assert.match(readFileSync(unitPath, 'utf8'), /^ExecStart=\/usr\/local\/bin\/promts server/m);
});

test('a failure half-way says what was done and how to undo it, and the undo works', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  // etc/systemd is a file, so the unit (a late step) cannot be written.
  writeFileSync(join(root.path, 'etc/systemd'), 'not a directory\n');
  const r = await runCli(['install-service', '--root', root.path, '--unit-name', 'metrics']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /\[failed +\] systemd unit/);
  assert.match(r.stderr, /install stopped at "systemd unit .*metrics\.service.*": .*ENOTDIR/);
  assert.match(r.stderr, /Done before it:\n {2}- system group promts\n {2}- system user promts/);
  assert.match(r.stderr, /- launcher /);
  const undo = /undo: (promts install-service --uninstall[^(\n]*?) \(add --purge/.exec(r.stderr);
  assert.ok(undo, r.stderr);
  assert.equal(undo[1], `promts install-service --uninstall --unit-name metrics --root ${root.path}`);
  const u = await runCli([...undo[1].split(' ').slice(1), '--purge']);
  assert.equal(u.code, 0, u.stderr + u.stdout);
  assert.ok(!existsSync(join(root.path, 'usr/local/bin/promts')));
  assert.ok(!existsSync(join(root.path, 'etc/promts')));
  assert.equal(root.uid('promts'), undefined);
});
