import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lookupGroup, lookupUser, removeGroup, removeUser } from './accounts.js';
import type { Host } from './host.js';
import { isOurLauncher } from './launcher.js';
import { onHost, type ServiceOptions } from './options.js';
import type { Plan, Step } from './plan.js';
import { NO_SYSTEMCTL, preflight } from './preflight.js';

/**
 * Stops and removes what install-service put in place: the unit, and the launcher and man
 * pages when no other unit still uses them. The config, data and user stay unless --purge,
 * because metrics history is not something to lose by typing the wrong flag.
 */
export function planUninstall(o: ServiceOptions, host: Host): Plan {
  const warnings = preflight(o, host);
  const unit = `${o.unitName}.service`;
  const unitHost = onHost(o, o.unitPath);
  const unitThere = existsSync(unitHost);
  const steps: Step[] = [];

  const sc = (args: string[]): string => {
    const r = host.systemctl(args);
    if (r.code !== 0) throw new Error(`systemctl ${args.join(' ')} failed (exit ${r.code}): ${r.out}`);
    return `systemctl ${args.join(' ')}`;
  };
  if (host.systemd !== 'yes') steps.push({ title: `stop and disable ${unit}`, state: 'skip', note: NO_SYSTEMCTL[host.systemd] });
  else {
    const enabled = host.systemctl(['is-enabled', unit]).out === 'enabled';
    const active = host.systemctl(['is-active', unit]).out === 'active';
    steps.push(enabled || active ? { title: `stop and disable ${unit}`, state: 'change', apply: () => sc(['disable', '--now', unit]) } : { title: `stop and disable ${unit}`, state: 'ok', note: 'not enabled, not running' });
  }
  steps.push(unitThere ? { title: `remove ${unitHost}`, state: 'change', apply: () => unlinkSync(unitHost) } : { title: `remove ${unitHost}`, state: 'ok', note: 'not there' });
  if (host.systemd === 'yes') {
    steps.push(unitThere ? { title: 'systemctl daemon-reload', state: 'change', apply: () => sc(['daemon-reload']) } : { title: 'systemctl daemon-reload', state: 'ok', note: 'nothing removed' });
  }

  const launcher = onHost(o, o.launcherPath);
  const users = otherUnitsUsing(dirname(unitHost), unitHost, o.launcherPath);
  if (!existsSync(launcher)) steps.push({ title: `remove launcher ${launcher}`, state: 'ok', note: 'not there' });
  else if (!isOurLauncher(readFileSync(launcher, 'utf8'))) steps.push({ title: `remove launcher ${launcher}`, state: 'skip', note: 'not written by install-service (a system-wide npm install?): left alone' });
  else if (users.length > 0) steps.push({ title: `remove launcher ${launcher}`, state: 'skip', note: `still used by ${users.join(', ')}` });
  else steps.push({ title: `remove launcher ${launcher}`, state: 'change', apply: () => unlinkSync(launcher) });

  const manDir = onHost(o, o.manDir);
  const pages = existsSync(manDir) ? readdirSync(manDir).filter((f) => /^promts(-[a-z0-9-]+)?\.1$/.test(f)) : [];
  if (pages.length === 0) steps.push({ title: `remove man pages from ${manDir}`, state: 'ok', note: 'none there' });
  else if (users.length > 0) steps.push({ title: `remove man pages from ${manDir}`, state: 'skip', note: `still used by ${users.join(', ')}` });
  else steps.push({ title: `remove man pages from ${manDir}`, state: 'change', note: `${pages.length} pages`, apply: () => pages.forEach((p) => unlinkSync(join(manDir, p))) });

  for (const [what, dir] of [['config dir', o.configDir], ['data dir', o.dataDir]] as const) {
    const h = onHost(o, dir);
    const title = `remove ${what} ${h}`;
    if (!existsSync(h)) steps.push({ title, state: 'ok', note: 'not there' });
    else if (!o.purge) steps.push({ title, state: 'skip', note: 'kept (--purge removes it)' });
    else steps.push({ title, state: 'change', apply: () => rmSync(h, { recursive: true, force: true }) });
  }
  const userThere = lookupUser(o.root, o.user) !== undefined;
  const title = `remove system user ${o.user}`;
  if (!userThere) steps.push({ title, state: 'ok', note: 'not there' });
  else if (!o.purge) steps.push({ title, state: 'skip', note: 'kept (--purge removes it)' });
  else steps.push({ title, state: 'change', apply: () => removeUser(o.root, o.user) });
  const gtitle = `remove system group ${o.group}`;
  if (lookupGroup(o.root, o.group) === undefined) steps.push({ title: gtitle, state: 'ok', note: 'not there' });
  else if (!o.purge) steps.push({ title: gtitle, state: 'skip', note: 'kept (--purge removes it)' });
  else {
    // userdel also removes a same-named primary group (USERGROUPS_ENAB), so look again first.
    steps.push({ title: gtitle, state: 'change', apply: () => (lookupGroup(o.root, o.group) === undefined ? 'removed with the user' : removeGroup(o.root, o.group)) });
  }
  const summary = o.purge ? [`${unit} and its files are gone.`] : [`${unit} is removed. Kept: ${o.configDir}, ${o.dataDir} and user ${o.user} (--purge removes them).`];
  return { action: 'uninstall', root: o.root, steps, warnings, summary, undo: 'sudo promts install-service (installs it again)' };
}

/** Other units in the same directory whose ExecStart runs the launcher (a second instance). */
function otherUnitsUsing(unitDir: string, self: string, launcher: string): string[] {
  if (!existsSync(unitDir)) return [];
  return readdirSync(unitDir)
    .filter((f) => f.endsWith('.service') && join(unitDir, f) !== self)
    .filter((f) => {
      try {
        return new RegExp(`^ExecStart=${launcher.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`, 'm').test(readFileSync(join(unitDir, f), 'utf8'));
      } catch {
        return false;
      }
    });
}
