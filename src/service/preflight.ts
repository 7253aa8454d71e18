import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from './errors.js';
import type { Host } from './host.js';
import { shQuote } from './launcher.js';
import { DEFAULTS, type ServiceOptions } from './options.js';
import type { Step } from './plan.js';
import { serverArgs } from './unit.js';

/**
 * Refuses, before anything is inspected or changed, what cannot work: a real install without
 * root, or a --root DIR that is not a filesystem root. Returns warnings worth printing first.
 */
export function preflight(o: ServiceOptions, host: Host): string[] {
  const warnings: string[] = [];
  if (o.root === '/' && !o.dryRun && !host.isRoot) {
    throw new ServiceError(
      'service.not-root',
      `install-service changes system files (users, /etc, ${o.unitPath}) and must run as root; nothing was changed`,
      `run the same command as root: sudo promts install-service${o.uninstall ? ' --uninstall' : ''} <same flags> (or --dry-run to see the plan without root, or --root DIR to write into an image)`,
    );
  }
  if (o.root !== '/' && (!existsSync(join(o.root, 'etc/passwd')) || !existsSync(join(o.root, 'etc/group')))) {
    throw new ServiceError('service.no-root-fs', `--root ${o.root} has no etc/passwd and etc/group, so it is not a filesystem root`, `point --root at an unpacked system image, or create ${join(o.root, 'etc/passwd')} and etc/group (with a root entry) first`);
  }
  return warnings;
}

export const NO_SYSTEMCTL = {
  'other-root': '--root: systemctl is not run in another root',
  absent: 'systemd is not running on this machine',
} as const;

/** daemon-reload, enable, start (or restart), and the ready check, each only when needed. */
export function systemdSteps(o: ServiceOptions, host: Host, p: { unitChanged: boolean; start: boolean; timeoutMs: number }): Step[] {
  const title = `systemctl daemon-reload, enable${p.start ? ', start' : ''}`;
  if (host.systemd !== 'yes') return [{ title, state: 'skip', note: NO_SYSTEMCTL[host.systemd] }];
  const unit = `${o.unitName}.service`;
  const sc = (...args: string[]) => (): string => {
    const r = host.systemctl(args);
    if (r.code !== 0) throw new Error(`systemctl ${args.join(' ')} failed (exit ${r.code}): ${r.out}`);
    return `systemctl ${args.join(' ')}`;
  };
  const steps: Step[] = [p.unitChanged ? { title: 'systemctl daemon-reload', state: 'change', apply: sc('daemon-reload') } : { title: 'systemctl daemon-reload', state: 'ok', note: 'unit unchanged' }];
  const enabled = host.systemctl(['is-enabled', unit]).out === 'enabled';
  steps.push(enabled ? { title: `enable ${unit} at boot`, state: 'ok' } : { title: `enable ${unit} at boot`, state: 'change', apply: sc('enable', unit) });
  if (!p.start) {
    steps.push({ title: `start ${unit}`, state: 'skip', note: '--no-start' });
    return steps;
  }
  const active = host.systemctl(['is-active', unit]).out === 'active';
  if (!active) steps.push({ title: `start ${unit}`, state: 'change', apply: sc('start', unit) });
  else if (p.unitChanged) steps.push({ title: `restart ${unit} (its unit changed)`, state: 'change', apply: sc('restart', unit) });
  else steps.push({ title: `start ${unit}`, state: 'ok', note: 'active' });
  const url = `http://${o.listen.dial}/-/ready`;
  steps.push({
    title: `wait for ${url}`,
    state: 'check',
    slow: true,
    apply: async () => {
      if (await host.waitReady(url, p.timeoutMs)) return 'ready';
      throw new ServiceError('service.not-ready', `${unit} did not answer ${url} within ${p.timeoutMs / 1000}s`, `see why: systemctl status ${o.unitName}; journalctl -u ${o.unitName} -n 50`);
    },
  });
  return steps;
}

/** How to run the service's command by hand, as its user (for machines without systemd). */
export function byHandCommand(o: ServiceOptions, promtsBin: string): string {
  return ['runuser', '-u', o.user, '--', promtsBin, ...serverArgs(o)].map(shQuote).join(' ');
}

/** The install-service invocation that reverses this one (same names and root). */
export function undoCommand(o: ServiceOptions): string {
  const args = ['promts', 'install-service', '--uninstall'];
  if (o.unitName !== DEFAULTS.unitName) args.push('--unit-name', o.unitName);
  if (o.user !== DEFAULTS.user) args.push('--user', o.user);
  if (o.configDir !== DEFAULTS.configDir) args.push('--config-dir', o.configDir);
  if (o.dataDir !== DEFAULTS.dataDir) args.push('--data-dir', o.dataDir);
  if (o.root !== '/') args.push('--root', o.root);
  return (o.root === '/' ? 'sudo ' : '') + args.map(shQuote).join(' ');
}
