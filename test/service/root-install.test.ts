import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, repoRoot, runCli, runCommand, tempDir } from '../helpers/index.js';
import { fakeRoot, isRoot, stepLines } from './fixtures.js';

// Issue 8: `promts install-service --root DIR` does the whole install into DIR, the way an
// image build would, and the result is what a hand-made Prometheus install looks like.

const manPages = (): string[] => readdirSync(join(repoRoot, 'man')).filter((f) => f.endsWith('.1'));

test('--root installs user, dirs, config, launcher, man pages and unit with the right owners and modes', { skip: !isRoot && 'needs root to chown (run the tests as root)' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  if (manPages().length === 0) await runCommand(process.execPath, [join(repoRoot, 'bin/gen-man.js')]);
  const r = await runCli(['install-service', '--root', root.path]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /systemctl is not run/);

  // The account: a system uid/gid (below 1000), no home, no login shell, in every database.
  const uid = root.uid('promts')!;
  const gid = root.gid('promts')!;
  assert.ok(uid >= 100 && uid < 1000 && gid >= 100 && gid < 1000, `uid ${uid} gid ${gid}`);
  assert.match(root.read('etc/passwd'), new RegExp(`^promts:x:${uid}:${gid}:[^:]*:/nonexistent:/usr/sbin/nologin$`, 'm'));
  assert.match(root.read('etc/shadow'), /^promts:!:\d+::::::$/m);
  assert.match(root.read('etc/gshadow'), /^promts:!::$/m);
  assert.equal(root.attrs('etc/passwd'), '0644 0:0', 'passwd keeps its mode');
  assert.equal(root.attrs('etc/shadow'), '0640 0:0', 'shadow keeps its mode');

  // Config: root:promts, readable by the service, not writable by it.
  assert.equal(root.attrs('etc/promts'), `0750 0:${gid}`);
  assert.equal(root.attrs('etc/promts/prometheus.yml'), `0640 0:${gid}`);
  const yml = root.read('etc/promts/prometheus.yml');
  assert.match(yml, /job_name: promts/);
  assert.match(yml, /targets: \['127\.0\.0\.1:9090'\]/);
  // Data: the service's own.
  assert.equal(root.attrs('var/lib/promts'), `0750 ${uid}:${gid}`);

  // The launcher runs this checkout with this node.
  assert.equal(root.attrs('usr/local/bin/promts'), '0755 0:0');
  assert.match(root.read('usr/local/bin/promts'), new RegExp(`^exec ${process.execPath} ${join(repoRoot, 'bin/run.cjs')} "\\$@"$`, 'm'));
  const v = await runCommand(join(root.path, 'usr/local/bin/promts'), ['--version']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /promts\/\d/);

  // Man pages: every page of man/, byte for byte.
  for (const p of manPages()) {
    assert.deepEqual(readFileSync(join(root.path, 'usr/local/share/man/man1', p)), readFileSync(join(repoRoot, 'man', p)), p);
    assert.equal(root.attrs(join('usr/local/share/man/man1', p)), '0644 0:0');
  }

  // The unit.
  assert.equal(root.attrs('etc/systemd/system/promts.service'), '0644 0:0');
  const unit = root.read('etc/systemd/system/promts.service');
  const joined = unit.replace(/\\\n\s*/g, '');
  assert.match(joined, /^ExecStart=\/usr\/local\/bin\/promts server --config\.file=\/etc\/promts\/prometheus\.yml --storage\.tsdb\.path=\/var\/lib\/promts --web\.listen-address=127\.0\.0\.1:9090 --storage\.tsdb\.retention\.time=15d$/m);
  for (const line of ['User=promts', 'Group=promts', 'ExecReload=/bin/kill -HUP $MAINPID', 'Restart=on-failure', 'LimitNOFILE=65536', 'TimeoutStopSec=5min', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/promts', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes', 'RestrictNamespaces=yes', 'RestrictRealtime=yes', 'SystemCallArchitectures=native', 'ProtectKernelTunables=yes', 'ProtectKernelModules=yes', 'ProtectControlGroups=yes', 'WantedBy=multi-user.target']) {
    assert.ok(unit.split('\n').includes(line), `unit lacks ${line}`);
  }
  assert.doesNotMatch(unit, /^MemoryDenyWriteExecute=/m, 'V8 aborts under MemoryDenyWriteExecute');
  assert.match(unit, /^# No MemoryDenyWriteExecute=yes: V8/m, 'the unit says why it is absent');
});

test('the generated unit passes systemd-analyze verify and scores OK in systemd-analyze security', { skip: !debianBinary('systemd-analyze') && 'systemd-analyze is not installed (apt-get install systemd)' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  if (manPages().length === 0) await runCommand(process.execPath, [join(repoRoot, 'bin/gen-man.js')]);
  const r = await runCli(['install-service', '--root', root.path]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  // verify checks that ExecStart's program exists and is executable. /usr/local/bin/promts is
  // only in the temp root (writing it on this machine is what the test avoids), so the copy
  // verified here points ExecStart at that launcher; every other line is the unit as written.
  // `systemd-analyze verify --root=DIR` is no help: it then also wants sysinit.target and
  // /bin/kill inside DIR, which a minimal root lacks. MANPATH lets it find the man page named
  // in Documentation= where install-service put it.
  const dir = tempDir('promts-verify-');
  t.after(dir.cleanup);
  const unit = root.read('etc/systemd/system/promts.service').replace(/^ExecStart=\/usr\/local\/bin\/promts /m, `ExecStart=${root.path}/usr/local/bin/promts `);
  writeFileSync(join(dir.path, 'promts.service'), unit);
  const env = { MANPATH: join(root.path, 'usr/local/share/man'), SYSTEMD_LOG_LEVEL: 'notice' };
  const v = await runCommand('systemd-analyze', ['verify', join(dir.path, 'promts.service')], { env });
  assert.equal(v.code, 0, v.stderr + v.stdout);
  // verify exits 0 on unknown keys and bad values; it only warns, so no warning may appear.
  assert.equal(v.stderr.trim(), '', v.stderr);
  const s = await runCommand('systemd-analyze', ['security', '--offline=yes', '--no-pager', join(dir.path, 'promts.service')], { env });
  const m = /Overall exposure level for promts\.service: ([0-9.]+)/.exec(s.stdout + s.stderr);
  assert.ok(m, s.stdout + s.stderr);
  // 0 is a sandboxed unit, 10 none at all; systemd calls < 4 "OK". A plain unit scores 9.6.
  assert.ok(Number(m[1]) < 4, `exposure ${m[1]}:\n${s.stdout}`);
});

test('running install-service twice changes nothing the second time and says so', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const first = await runCli(['install-service', '--root', root.path, '--retention', '30d', '--listen-address', ':9191']);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(stepLines(first.stdout).some((s) => s.status === 'changed'));
  const passwd = root.read('etc/passwd');
  const second = await runCli(['install-service', '--root', root.path, '--retention', '30d', '--listen-address', ':9191']);
  assert.equal(second.code, 0, second.stderr);
  const steps = stepLines(second.stdout);
  assert.ok(steps.length >= 8, second.stdout);
  for (const s of steps) assert.ok(s.status === 'ok' || s.status === 'skipped', `second run: ${s.status} ${s.title}`);
  assert.match(second.stdout, /Nothing changed/);
  assert.equal(root.read('etc/passwd'), passwd, 'no second user');
  // A wildcard bind is scraped through loopback.
  assert.match(root.read('etc/promts/prometheus.yml'), /targets: \['127\.0\.0\.1:9191'\]/);
  assert.match(root.read('etc/systemd/system/promts.service'), /--storage\.tsdb\.retention\.time=30d$/m);
});

test('an existing prometheus.yml is kept, even with --force, and only its owner and mode are set', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  mkdirSync(join(root.path, 'etc/promts'), { recursive: true });
  const mine = 'global:\n  scrape_interval: 1m\nscrape_configs: []\n';
  writeFileSync(join(root.path, 'etc/promts/prometheus.yml'), mine, { mode: 0o600 });
  const r = await runCli(['install-service', '--root', root.path, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(root.read('etc/promts/prometheus.yml'), mine);
  assert.equal(root.attrs('etc/promts/prometheus.yml'), `0640 0:${root.gid('promts')}`);
  assert.match(r.stdout, /existing config kept/);
  assert.ok(!existsSync(join(root.path, 'etc/promts/prometheus.yml.promts-new')));
});
