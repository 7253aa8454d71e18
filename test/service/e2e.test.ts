import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, freePort, runCli, runCommand, startProcess, waitForHttp } from '../helpers/index.js';
import { fakeRoot, isRoot } from './fixtures.js';
import { execStartArgv } from '../../src/service/index.js';

// Issue 8, end to end: a real system user (useradd, removed at the end) runs the unit's own
// ExecStart= line with the installed config and data dir, the way systemd would start it.
//
// The install goes into a temp root (never into this machine's /etc), so the paths in the
// command line get that root as a prefix; nothing else of the line changes. What systemd
// adds on top (ProtectSystem=strict, ProtectHome, …) cannot be reproduced here: this machine
// is a container where systemd is not PID 1. What is checked is what plain Unix permissions
// give the service user: it can run promts, read its config, write its data dir, and
// cannot write the config, the launcher, or anything else in the root.

const tools = isRoot && debianBinary('useradd') && debianBinary('userdel') && debianBinary('setpriv');
const name = `promtse2e${process.pid % 100000}`;

type Cleanup = () => unknown;

async function withServiceUser(cleanups: Cleanup[]) {
  const add = await runCommand('useradd', ['--system', '--user-group', '--home-dir', '/nonexistent', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  assert.equal(add.code, 0, add.stderr);
  cleanups.push(async () => {
    await runCommand('userdel', [name]);
    // userdel takes the same-named group with it (USERGROUPS_ENAB); this is for when it did not.
    if (/^[^:]+:/m.test((await runCommand('getent', ['group', name])).stdout)) await runCommand('groupdel', [name]);
  });
  // The temp root knows the user under the same uid/gid as this machine, as an image built
  // for it would; install-service then finds the account there and only sets owners.
  const root = fakeRoot({ passwd: readFileSync('/etc/passwd', 'utf8'), group: readFileSync('/etc/group', 'utf8') });
  cleanups.push(root.cleanup);
  const port = await freePort();
  const r = await runCli(['install-service', '--root', root.path, '--user', name, '--listen-address', `127.0.0.1:${port}`, '--no-start']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /\[ok +\] system user /, 'the user made by useradd is used, not created again');
  const unit = root.read('etc/systemd/system/promts.service');
  const argv = execStartArgv(unit);
  const user = /^User=(.*)$/m.exec(unit)![1]!;
  const group = /^Group=(.*)$/m.exec(unit)![1]!;
  assert.equal(user, name);
  // The exact command line, its absolute paths moved under the temp root.
  const inRoot = argv.map((a) => a.replace(/^(\/|--config\.file=\/|--storage\.tsdb\.path=\/)/, (m) => m.slice(0, -1) + root.path + '/'));
  // setpriv: the unit's User=, Group=, no supplementary groups, and NoNewPrivileges=yes.
  const asService = (cmd: string[]) => ['--reuid=' + user, '--regid=' + group, '--clear-groups', '--no-new-privs', ...cmd];
  return { root, port, argv, inRoot, asService, uid: root.uid(name)! };
}

// One user and one install serve both tests: useradd and a CLI run are the slow parts.
describe('a real service user runs what install-service installed', { skip: !tools && 'needs root, useradd, userdel and setpriv' }, () => {
  let setup: Awaited<ReturnType<typeof withServiceUser>> | undefined;
  const cleanups: Cleanup[] = [];
  before(async () => {
    setup = await withServiceUser(cleanups);
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test('the service user can run the installed promts, read its config, write its data dir and nothing else', async () => {
    const { root, inRoot, asService, uid } = setup!;
    const v = await runCommand('setpriv', asService([inRoot[0]!, '--version']));
    assert.equal(v.code, 0, `the launcher does not run as the service user: ${v.stderr}`);
    const cfg = /--config\.file=(\S+)/.exec(inRoot.join(' '))![1]!;
    const data = /--storage\.tsdb\.path=(\S+)/.exec(inRoot.join(' '))![1]!;
    const sh = (script: string) => runCommand('setpriv', asService(['/bin/sh', '-c', script]));
    assert.equal((await sh(`cat ${cfg} >/dev/null`)).code, 0, 'config not readable');
    const w = await sh(`echo x > ${data}/probe && mkdir ${data}/probe-dir`);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(statSync(join(data, 'probe')).uid, uid);
    assert.equal((await sh(`rm -r ${data}/probe ${data}/probe-dir`)).code, 0, 'the service user cannot clean its data dir');
    for (const p of [cfg, `${cfg}.new`, join(root.path, 'etc/promts/x'), join(root.path, 'usr/local/bin/promts'), join(root.path, 'etc/systemd/system/promts.service'), join(root.path, 'var/lib/x'), join(root.path, 'etc/passwd')]) {
      const r = await sh(`echo x >> ${p}`);
      assert.notEqual(r.code, 0, `the service user could write ${p}`);
      assert.match(r.stderr, /Permission denied/);
    }
  });

  test(
    "the unit's ExecStart, run as the service user, becomes ready on a free port and writes only its data dir",
    { timeout: 45_000 },
    async (t) => {
      const { root, port, inRoot, asService, uid } = setup!;
      const data = /--storage\.tsdb\.path=(\S+)/.exec(inRoot.join(' '))![1]!;
      const cfgDir = join(root.path, 'etc/promts');
      const cfgBefore = readdirSync(cfgDir).sort();
      const proc = startProcess('setpriv', asService(inRoot), { env: { HOME: '/nonexistent' } });
      t.after(() => proc.stop());
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, proc);
      const written = readdirSync(data);
      assert.ok(written.length > 0, 'nothing written to the data dir');
      for (const f of written) assert.equal(statSync(join(data, f)).uid, uid, `${f} not owned by the service user`);
      assert.equal(await proc.stop(), 0, proc.output());
      assert.deepEqual(readdirSync(cfgDir).sort(), cfgBefore, 'the server wrote into its config dir');
    },
  );
});
