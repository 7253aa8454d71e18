import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, planInstall, planUninstall, resolveOptions, ServiceError, type Host, type Reporter, type ServiceFlags, type StepResult } from '../../src/service/index.js';
import { repoRoot } from '../helpers/index.js';
import { fakeRoot, isRoot } from './fixtures.js';

// Issue 8: what install-service asks of systemctl. This machine is a container where systemd
// is not PID 1, so systemctl cannot run here; these tests give the plan a stand-in systemd
// (a Host) that records the calls and keeps is-enabled/is-active state, and check the calls
// a real machine would get: first install, a second run, a changed unit, --no-start, a
// server that never gets ready, and --uninstall.

function fakeSystemd(ready = true) {
  const state = { enabled: false, active: false };
  const calls: string[] = [];
  const host: Host = {
    isRoot: true,
    systemd: 'yes',
    systemctl(args) {
      const [verb] = args;
      if (verb === 'is-enabled') return { code: state.enabled ? 0 : 1, out: state.enabled ? 'enabled' : 'disabled' };
      if (verb === 'is-active') return { code: state.active ? 0 : 3, out: state.active ? 'active' : 'inactive' };
      calls.push(args.join(' '));
      if (verb === 'enable') state.enabled = true;
      if (verb === 'start' || verb === 'restart') state.active = true;
      if (verb === 'disable') Object.assign(state, { enabled: false, active: false });
      return { code: 0, out: '' };
    },
    async waitReady(url) {
      calls.push(`wait ${url}`);
      return ready;
    },
  };
  return { host, calls, state };
}

const quiet = (results: StepResult[]): Reporter => ({ begin() {}, running() {}, step: (_s, r) => void results.push(r), end() {} });
const self = { pkgRoot: repoRoot, nodePath: process.execPath, version: '0.0.0-test' };

async function install(host: Host, flags: ServiceFlags) {
  const results: StepResult[] = [];
  const o = resolveOptions(flags);
  await applyPlan(planInstall(o, host, self), false, quiet(results));
  return results;
}

test('with systemd: install reloads, enables, starts and waits for /-/ready; a second run only checks', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const { host, calls } = fakeSystemd();
  const flags = { root: root.path, listenAddress: '127.0.0.1:9555' };
  await install(host, flags);
  assert.deepEqual(calls, ['daemon-reload', 'enable promts.service', 'start promts.service', 'wait http://127.0.0.1:9555/-/ready']);

  calls.length = 0;
  const again = await install(host, flags);
  assert.deepEqual(calls, ['wait http://127.0.0.1:9555/-/ready'], 'a second run changes nothing, and still checks the server is up');
  assert.ok(again.every((r) => r.status === 'ok' || r.status === 'skipped'), JSON.stringify(again));

  calls.length = 0;
  await install(host, { ...flags, retention: '30d', force: true });
  assert.deepEqual(calls, ['daemon-reload', 'restart promts.service', 'wait http://127.0.0.1:9555/-/ready'], 'a changed unit is picked up by a restart');

  calls.length = 0;
  const results: StepResult[] = [];
  await applyPlan(planUninstall(resolveOptions({ ...flags, uninstall: true }), host), false, quiet(results));
  assert.deepEqual(calls, ['disable --now promts.service', 'daemon-reload']);
});

test('with systemd and --no-start: the unit is enabled for the next boot but not started', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const { host, calls } = fakeSystemd();
  const results = await install(host, { root: root.path, noStart: true });
  assert.deepEqual(calls, ['daemon-reload', 'enable promts.service']);
  assert.ok(results.some((r) => r.status === 'skipped' && r.note === '--no-start'));
});

test('with systemd: a server that never answers /-/ready fails with where to look', { skip: !isRoot && 'needs root to chown' }, async (t) => {
  const root = fakeRoot();
  t.after(root.cleanup);
  const { host } = fakeSystemd(false);
  await assert.rejects(install(host, { root: root.path, unitName: 'prom2' }), (e: unknown) => {
    assert.ok(e instanceof ServiceError);
    assert.equal(e.code, 'service.not-ready');
    assert.match(e.hint ?? '', /journalctl -u prom2/);
    return true;
  });
});
