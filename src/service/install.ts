import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGroup, createUser, lookupGroup, lookupUser } from './accounts.js';
import { defaultConfig } from './config.js';
import { unifiedDiff } from './diff.js';
import { ServiceError } from './errors.js';
import { attrs, dirStep, drift, readIfExists, setAttrs, writeAtomic, type Ctx, type Want } from './files.js';
import type { Host } from './host.js';
import { detectInstallation, isOurLauncher, type Installation } from './launcher.js';
import { onHost, type ServiceOptions } from './options.js';
import type { Plan, Step } from './plan.js';
import { byHandCommand, preflight, systemdSteps, undoCommand } from './preflight.js';
import { renderUnit } from './unit.js';

/** Where the running promts lives, and which node runs it: the launcher points at both. */
export interface Self {
  readonly pkgRoot: string;
  readonly nodePath: string;
  readonly version: string;
}

const READY_TIMEOUT_MS = 60_000;

export function planInstall(o: ServiceOptions, host: Host, self: Self): Plan {
  const warnings = preflight(o, host);
  const inst = detectInstallation(o, self.pkgRoot, self.nodePath);
  if (inst.kind === 'launcher' && inst.problem) {
    const msg = `the service could not run promts from here: ${inst.problem}`;
    const hint = 'install promts system-wide (npm install -g promts, or npm install -g . in the checkout) or move the checkout to e.g. /opt/promts, then run install-service again';
    if (!o.dryRun) throw new ServiceError('service.unreachable-checkout', msg, hint);
    warnings.push(`${msg}. ${hint}`);
  }
  const byHand = byHandCommand(o, inst.promtsBin);
  if (host.systemd === 'absent') {
    // The by-hand command is in the summary of a real run; a dry run prints no summary.
    warnings.push(`systemd is not running here (no /run/systemd/system: a container or WSL?): the files are installed but nothing is started${o.dryRun ? `; run promts by hand with: ${byHand}` : ''}${o.start ? '; pass --no-start to say that is what you want' : ''}`);
  }
  if (o.root !== '/') {
    warnings.push(`--root ${o.root}: every path below is written under it; systemctl is not run there. To enable the unit in that root: systemctl --root=${o.root} enable ${o.unitName}`);
    if (inst.kind === 'launcher') warnings.push(`the launcher runs ${self.nodePath} and ${inst.pkgRoot}: the image needs both at those paths`);
  }
  const ctx: Ctx = { root: o.root, canChown: host.isRoot };
  if (!ctx.canChown && o.root !== '/') warnings.push('not root: files get their modes but keep your ownership (chown needs root)');
  const h = (p: string): string => onHost(o, p);
  const configDir: Want = { user: 'root', group: o.group, mode: 0o750 };
  const configFile: Want = { user: 'root', group: o.group, mode: 0o640 };
  const dataDir: Want = { user: o.user, group: o.group, mode: 0o750 };

  const unitText = renderUnit(o, { promtsBin: inst.promtsBin, version: self.version });
  const unit = unitStep(ctx, o, h(o.unitPath), unitText);
  const steps: Step[] = [
    groupStep(o),
    userStep(o),
    guard(() => dirStep(ctx, 'config dir', h(o.configDir), configDir)),
    configStep(ctx, o, h(o.configFile), configFile),
    guard(() => dirStep(ctx, 'data dir', h(o.dataDir), dataDir, { recursiveOwner: true })),
    launcherStep(ctx, o, inst),
    manStep(ctx, o, self.pkgRoot),
    unit,
    ...systemdSteps(o, host, { unitChanged: unit.state === 'change', start: o.start, timeoutMs: READY_TIMEOUT_MS }),
  ];
  const url = `http://${o.listen.dial}`;
  const summary =
    host.systemd === 'other-root'
      ? [`Installed into ${o.root}. In that system, promts starts with: systemctl enable --now ${o.unitName}`, `By hand: ${byHand}`]
      : host.systemd === 'absent'
        ? [
            'systemd is not running on this machine (no /run/systemd/system: a container or WSL?), so the service was installed but not started.',
            `Run promts by hand: ${byHand}`,
            ...(o.start ? ['Next time, pass --no-start to say that is what you want.'] : []),
          ]
        : [
            o.start ? `promts is running: ${url}  (status: systemctl status ${o.unitName})` : `Installed, not started (--no-start). Start it: systemctl start ${o.unitName}`,
            `Config: ${o.configFile}   reload after editing: systemctl reload ${o.unitName}`,
            `Data:   ${o.dataDir}   logs: journalctl -u ${o.unitName}`,
          ];
  return { action: 'install', root: o.root, steps, warnings, summary, undo: undoCommand(o) };
}

function guard(f: () => Step): Step {
  try {
    return f();
  } catch (e) {
    throw new ServiceError('service.bad-option', (e as Error).message, 'choose another --config-dir/--data-dir, or move that file away');
  }
}

function groupStep(o: ServiceOptions): Step {
  const gid = lookupGroup(o.root, o.group);
  if (gid !== undefined) return { title: `system group ${o.group}`, state: 'ok', note: `gid ${gid}` };
  return { title: `system group ${o.group}`, state: 'change', apply: () => `created, gid ${createGroup(o.root, o.group)}` };
}

function userStep(o: ServiceOptions): Step {
  const title = `system user ${o.user} (no home, no login shell)`;
  const u = lookupUser(o.root, o.user);
  if (u) return { title, state: 'ok', note: `uid ${u.uid}` };
  return { title, state: 'change', apply: () => `created, uid ${createUser(o.root, o.user, o.group).uid}` };
}

function configStep(ctx: Ctx, o: ServiceOptions, host: string, w: Want): Step {
  const title = `config ${host} (${attrs(w)})`;
  if (!existsSync(host)) {
    const text = defaultConfig(o);
    return { title, state: 'change', writes: { path: host, text, attrs: attrs(w) }, apply: () => (writeAtomic(ctx, host, text, w), 'written: scrapes promts itself') };
  }
  // A config that is there is the user's: its content is never touched, only made readable to the service.
  const d = drift(ctx, host, w);
  if (d.length === 0) return { title, state: 'ok', note: 'existing config kept' };
  const note = `existing config kept; ${d.join(', ')}`;
  return { title, state: 'change', note, apply: () => (setAttrs(ctx, host, w), note) };
}

function launcherStep(ctx: Ctx, o: ServiceOptions, inst: Installation): Step {
  if (inst.kind === 'system-wide') return { title: `promts on the PATH`, state: 'ok', note: `installed system-wide: ${inst.promtsBin}` };
  const host = onHost(o, o.launcherPath);
  return managedFile(ctx, o, 'launcher', host, inst.text, { user: 'root', group: 'root', mode: 0o755 }, {
    // An older launcher of ours (another checkout, another node) is simply replaced.
    replaces: isOurLauncher,
    conflict: 'a promts there was not written by install-service; --force replaces it',
  });
}

/**
 * A file install-service owns (launcher, unit): written when missing, left as it is when
 * identical, replaced when it is an older one of ours or with --force, otherwise a conflict
 * shown as a diff. Only its owner and mode are corrected when just those drifted.
 */
function managedFile(ctx: Ctx, o: ServiceOptions, what: string, host: string, text: string, w: Want, p: { replaces: (old: string) => boolean; conflict: string }): Step {
  const title = `${what} ${host} (${attrs(w)})`;
  const writes = { path: host, text, attrs: attrs(w) };
  const apply = (): void => writeAtomic(ctx, host, text, w);
  const old = readIfExists(host);
  if (old === undefined) return { title, state: 'change', writes, apply };
  if (old === text) {
    const d = drift(ctx, host, w);
    return d.length === 0 ? { title, state: 'ok' } : { title, state: 'change', note: d.join(', '), apply: () => (setAttrs(ctx, host, w), d.join(', ')) };
  }
  const diff = unifiedDiff(old, text, host, `${host} (install-service)`);
  if (p.replaces(old)) return { title, state: 'change', note: 'replacing an older one', writes, diff, apply };
  if (o.force) return { title, state: 'change', note: 'replacing the existing file (--force)', writes, diff, apply };
  return { title, state: 'conflict', note: p.conflict, diff };
}

/** One step for all man pages: copying them is one idea to the user. Copies, so not shown in full. */
function manStep(ctx: Ctx, o: ServiceOptions, pkgRoot: string): Step {
  const src = join(pkgRoot, 'man');
  const pages = existsSync(src) ? readdirSync(src).filter((f) => /^promts.*\.1$/.test(f)).sort() : [];
  const dest = onHost(o, o.manDir);
  const title = `man pages in ${dest}`;
  if (pages.length === 0) return { title, state: 'skip', note: `none in ${src} (npm run build writes them)` };
  const w: Want = { user: 'root', group: 'root', mode: 0o644 };
  const stale = pages.filter((p) => {
    const d = join(dest, p);
    return !existsSync(d) || !readFileSync(d).equals(readFileSync(join(src, p))) || drift(ctx, d, w).length > 0;
  });
  if (stale.length === 0) return { title, state: 'ok', note: `${pages.length} pages` };
  return {
    title,
    state: 'change',
    note: `copy ${stale.length} of ${pages.length}: ${stale.join(' ')}`,
    apply: () => {
      for (const p of stale) writeAtomic(ctx, join(dest, p), readFileSync(join(src, p), 'utf8'), w);
      return `${stale.length} copied; try: man promts`;
    },
  };
}

function unitStep(ctx: Ctx, o: ServiceOptions, host: string, text: string): Step {
  return managedFile(ctx, o, 'systemd unit', host, text, { user: 'root', group: 'root', mode: 0o644 }, {
    // A unit someone edited is theirs: shown, never silently replaced.
    replaces: () => false,
    conflict: `differs from what install-service writes; left alone. --force replaces it; local changes belong in a drop-in (systemctl edit ${o.unitName})`,
  });
}
