import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/index.js';
import { fakeRoot, isRoot, stepLines } from './fixtures.js';

// Issue 8: --uninstall removes what install-service put in place but keeps the config, the
// data and the user; --purge removes those too.

const man = (root: string): string[] => {
  const d = join(root, 'usr/local/share/man/man1');
  return existsSync(d) ? readdirSync(d).filter((f) => f.startsWith('promts')) : [];
};

test('--uninstall removes unit, launcher and man pages, keeps config, data and user; --purge removes them', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const i = await runCli(['install-service', '--root', root.path]);
  assert.equal(i.code, 0, i.stderr);
  writeFileSync(join(root.path, 'var/lib/promts/chunk'), 'history');

  const u = await runCli(['install-service', '--uninstall', '--root', root.path]);
  assert.equal(u.code, 0, u.stderr + u.stdout);
  assert.ok(!existsSync(join(root.path, 'etc/systemd/system/promts.service')));
  assert.ok(!existsSync(join(root.path, 'usr/local/bin/promts')));
  assert.deepEqual(man(root.path), []);
  assert.ok(existsSync(join(root.path, 'etc/promts/prometheus.yml')));
  assert.ok(existsSync(join(root.path, 'var/lib/promts/chunk')));
  assert.notEqual(root.uid('promts'), undefined);
  assert.match(u.stdout, /\[skipped +\] remove data dir .*kept \(--purge removes it\)/);

  const again = await runCli(['install-service', '--uninstall', '--root', root.path]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(stepLines(again.stdout).every((s) => s.status === 'ok' || s.status === 'skipped'), again.stdout);
  assert.match(again.stdout, /Nothing changed/);

  const p = await runCli(['install-service', '--uninstall', '--purge', '--root', root.path]);
  assert.equal(p.code, 0, p.stderr + p.stdout);
  assert.ok(!existsSync(join(root.path, 'etc/promts')));
  assert.ok(!existsSync(join(root.path, 'var/lib/promts')));
  assert.equal(root.uid('promts'), undefined);
  assert.equal(root.gid('promts'), undefined);
  for (const db of ['passwd', 'group', 'shadow', 'gshadow']) assert.doesNotMatch(root.read(`etc/${db}`), /^promts:/m, db);
  assert.match(root.read('etc/passwd'), /^root:x:0:0:/m, 'other accounts stay');
});

test('--uninstall leaves a promts it did not write, and a launcher another unit still runs', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  for (const [unit, port] of [['promts', '9090'], ['promts-b', '9091']]) {
    const r = await runCli(['install-service', '--root', root.path, '--unit-name', unit!, '--listen-address', `127.0.0.1:${port}`, '--data-dir', `/var/lib/${unit}`]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  }
  const u = await runCli(['install-service', '--uninstall', '--root', root.path, '--unit-name', 'promts-b']);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /\[skipped +\] remove launcher .*still used by promts\.service/);
  assert.ok(existsSync(join(root.path, 'usr/local/bin/promts')));
  assert.notDeepEqual(man(root.path), []);

  // A promts that install-service did not write (say, copied there by hand) is not removed.
  writeFileSync(join(root.path, 'usr/local/bin/promts'), '#!/bin/sh\necho mine\n');
  const v = await runCli(['install-service', '--uninstall', '--root', root.path]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /\[skipped +\] remove launcher .*not written by install-service/);
  assert.ok(existsSync(join(root.path, 'usr/local/bin/promts')));
});
