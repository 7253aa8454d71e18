import { isAbsolute, join, normalize, resolve } from 'node:path';
import { parseDuration } from '../model/index.js';
import { parseListenAddress } from '../server/index.js';
import { ServiceError } from './errors.js';

/** The flags of `promts install-service`, as the command parsed them. */
export interface ServiceFlags {
  readonly user?: string;
  readonly configDir?: string;
  readonly dataDir?: string;
  readonly listenAddress?: string;
  readonly retention?: string;
  readonly unitName?: string;
  readonly noStart?: boolean;
  readonly force?: boolean;
  readonly root?: string;
  readonly uninstall?: boolean;
  readonly purge?: boolean;
  readonly dryRun?: boolean;
}

export interface ListenAddress {
  /** As given, e.g. "127.0.0.1:9090" or ":9090"; this goes into --web.listen-address. */
  readonly text: string;
  readonly host: string;
  readonly port: number;
  /** host:port a local client dials: a wildcard bind is reached through loopback. */
  readonly dial: string;
}

/**
 * Everything install-service needs, validated. Paths are as the service sees them (the unit
 * refers to /etc/promts even when --root writes it into DIR/etc/promts); `root` is where they live.
 */
export interface ServiceOptions {
  readonly user: string;
  readonly group: string;
  readonly configDir: string;
  readonly configFile: string;
  readonly dataDir: string;
  readonly listen: ListenAddress;
  readonly retention: string;
  readonly unitName: string;
  readonly unitPath: string;
  readonly launcherPath: string;
  readonly manDir: string;
  readonly start: boolean;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly uninstall: boolean;
  readonly purge: boolean;
  /** "/" for a real install, or the absolute DIR of --root. */
  readonly root: string;
}

export const DEFAULTS = {
  user: 'promts',
  configDir: '/etc/promts',
  dataDir: '/var/lib/promts',
  listenAddress: '127.0.0.1:9090',
  retention: '15d',
  unitName: 'promts',
} as const;

// Where a system-wide install puts things that the package manager does not own (FHS: /usr/local).
const LAUNCHER_PATH = '/usr/local/bin/promts';
const MAN_DIR = '/usr/local/share/man/man1';
const UNIT_DIR = '/etc/systemd/system';

// --purge deletes the config and data dirs recursively and a changed owner is applied
// recursively, so a typo like --data-dir /var must never reach those steps.
const SYSTEM_DIRS = new Set(['/etc', '/var', '/var/lib', '/var/log', '/var/cache', '/usr', '/usr/local', '/usr/lib', '/usr/share', '/usr/local/lib', '/usr/local/share', '/opt', '/srv', '/home', '/root', '/tmp', '/run', '/etc/systemd', '/etc/systemd/system', '/boot', '/bin', '/sbin', '/lib', '/dev', '/proc', '/sys']);

export function resolveOptions(f: ServiceFlags): ServiceOptions {
  const user = f.user ?? DEFAULTS.user;
  // Debian's useradd accepts this shape (NAME_REGEX); 32 is the utmp limit.
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    throw new ServiceError('service.bad-option', `invalid user name "${user}"`, 'use lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters');
  }
  const configDir = servicePath('--config-dir', f.configDir ?? DEFAULTS.configDir);
  const dataDir = servicePath('--data-dir', f.dataDir ?? DEFAULTS.dataDir);
  if (configDir === dataDir || dataDir.startsWith(configDir + '/') || configDir.startsWith(dataDir + '/')) {
    throw new ServiceError('service.bad-option', `--config-dir ${configDir} and --data-dir ${dataDir} overlap`, 'the service may write its data dir but only read its config: give them separate directories');
  }
  const listenText = f.listenAddress ?? DEFAULTS.listenAddress;
  let hp: { host: string; port: number };
  try {
    hp = parseListenAddress(listenText);
  } catch (e) {
    throw new ServiceError('service.bad-option', `invalid --listen-address "${listenText}": expected host:port`, 'use e.g. 127.0.0.1:9090, 0.0.0.0:9090 or :9090');
  }
  if (hp.port === 0 || /[\s%"'\\$]/.test(listenText)) {
    throw new ServiceError('service.bad-option', `invalid --listen-address "${listenText}"`, 'give a fixed port, e.g. 127.0.0.1:9090, so the unit and the ready check agree on it');
  }
  const retention = f.retention ?? DEFAULTS.retention;
  try {
    parseDuration(retention);
  } catch {
    throw new ServiceError('service.bad-option', `invalid --retention "${retention}"`, 'use a Prometheus duration such as 15d, 12h or 1y');
  }
  const unitName = (f.unitName ?? DEFAULTS.unitName).replace(/\.service$/, '');
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(unitName)) {
    throw new ServiceError('service.bad-option', `invalid --unit-name "${unitName}"`, 'use letters, digits, "_", ".", ":" and "-" (for example promts or promts-staging)');
  }
  if (f.purge && !f.uninstall) throw new ServiceError('service.bad-option', '--purge only goes with --uninstall', 'run promts install-service --uninstall --purge');
  const root = f.root === undefined ? '/' : resolve(f.root);
  return {
    user,
    group: user,
    configDir,
    configFile: configDir + '/prometheus.yml',
    dataDir,
    listen: { text: listenText, host: hp.host, port: hp.port, dial: dialAddress(hp.host, hp.port) },
    retention,
    unitName,
    unitPath: `${UNIT_DIR}/${unitName}.service`,
    launcherPath: LAUNCHER_PATH,
    manDir: MAN_DIR,
    start: !f.noStart,
    force: f.force ?? false,
    dryRun: f.dryRun ?? false,
    uninstall: f.uninstall ?? false,
    purge: f.purge ?? false,
    root,
  };
}

/** Where a service path lives on this machine: under --root DIR, or itself. */
export function onHost(o: Pick<ServiceOptions, 'root'>, p: string): string {
  return o.root === '/' ? p : join(o.root, p);
}

function servicePath(flag: string, p: string): string {
  // These paths go into ExecStart= and ReadWritePaths=; rather than quote them for systemd
  // (where % and $ are special too), accept only paths that need no quoting.
  if (!isAbsolute(p) || /[\s%"'\\$;]/.test(p)) {
    throw new ServiceError('service.bad-option', `invalid ${flag} "${p}": an absolute path without spaces, quotes, "%" or "$" is needed`, `for example ${flag} ${flag === '--data-dir' ? DEFAULTS.dataDir : DEFAULTS.configDir}`);
  }
  const n = normalize(p).replace(/\/+$/, '');
  if (n === '' || SYSTEM_DIRS.has(n)) {
    throw new ServiceError('service.bad-option', `${flag} ${p} is a system directory`, `give promts a directory of its own, e.g. ${flag} ${n === '' ? '' : n}/promts`);
  }
  return n;
}

function dialAddress(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `127.0.0.1:${port}`;
  if (host === '::' || host === '[::]') return `[::1]:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
