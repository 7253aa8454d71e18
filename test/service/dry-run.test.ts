import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, debianBinary, runCli, runCommand } from '../helpers/index.js';
import { fakeRoot, stepLines } from './fixtures.js';

// Issue 8: --dry-run shows the whole plan, with the full text of every file, and changes nothing.

/** Every path under dir with its mode, owner and a hash of its content. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p);
    out.push(`${p} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : ''}`);
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
  };
  walk(dir);
  return out;
}

test('--dry-run --root prints every step and every file in full, and changes nothing', async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const before = snapshot(root.path);
  const r = await runCli(['install-service', '--dry-run', '--root', root.path, '--listen-address', '127.0.0.1:9393']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(snapshot(root.path), before, 'the dry run changed the root');
  assert.match(r.stdout, /dry run: nothing is changed/);
  const steps = stepLines(r.stdout);
  for (const what of ['system group promts', 'system user promts', 'config dir', 'config ', 'data dir', 'launcher', 'man pages', 'systemd unit', 'systemctl']) {
    assert.ok(steps.some((s) => s.title.startsWith(what)), `no step "${what}" in:\n${r.stdout}`);
  }
  assert.ok(steps.every((s) => s.status === 'would change' || s.status === 'skipped'), r.stdout);
  // The full text of each file, between markers, exactly as it would be written.
  for (const f of ['etc/promts/prometheus.yml', 'usr/local/bin/promts', 'etc/systemd/system/promts.service']) {
    const m = new RegExp(`----- ${join(root.path, f).replace(/[.]/g, '\\.')} \\((\\S+ \\d{4})\\) -----\\n([\\s\\S]*?)\\n {6}----- end of`).exec(r.stdout);
    assert.ok(m, `${f} not shown in full:\n${r.stdout}`);
  }
  assert.match(r.stdout, /^ {6}ExecStart=\/usr\/local\/bin\/promts server \\$/m);
  assert.match(r.stdout, /^ {6}LimitNOFILE=65536$/m);
  assert.match(r.stdout, /^ {6}\[Install\]$/m);
  assert.match(r.stdout, /^ {6} {6}- targets: \['127\.0\.0\.1:9393'\]$/m);
  assert.match(r.stdout, /^ {6}exec \S+node\S* \S+\/bin\/run\.cjs "\$@"$/m);
  assert.match(r.stdout, /nothing was changed/);
});

test('--dry-run needs no root: an unprivileged user sees the plan for this machine', { skip: !debianBinary('setpriv') && 'setpriv (util-linux) is not installed' }, async () => {
  const existed = existsSync('/etc/promts');
  const r = await runCommand('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, cliPath, 'install-service', '--dry-run'], { env: { HOME: '/nonexistent' } });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /----- \/etc\/systemd\/system\/promts\.service \(root:root 0644\) -----/);
  assert.match(r.stdout, /^ {6}User=promts$/m);
  assert.equal(existsSync('/etc/promts'), existed);
  if (!existsSync('/run/systemd/system')) {
    // This machine has no systemd (a container): the plan says so, gives the command to run
    // promts by hand, and suggests --no-start.
    assert.match(r.stdout, /^note: systemd is not running here .*run promts by hand with: runuser -u promts -- \/usr\/local\/bin\/promts server --config\.file=\/etc\/promts\/prometheus\.yml .*pass --no-start/m);
    assert.match(r.stdout, /\[skipped +\] systemctl daemon-reload, enable, start {2}\(systemd is not running on this machine\)/);
  }
});
