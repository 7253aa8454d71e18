import { Command, Flags } from '@oclif/core';
import { renderError } from '../src/cli/index.js';
import { applyPlan, colorLevel, planInstall, planUninstall, realHost, resolveOptions, textReporter, DEFAULTS, type Outcome, type Reporter } from '../src/service/index.js';

// With --json the steps are returned (oclif prints them) instead of printed as they run.
const silent: Reporter = { begin() {}, running() {}, step() {}, end() {} };

export default class InstallService extends Command {
  static override summary = 'Install promts as a systemd service in one step: user, dirs, config, unit, start.';
  static override description = [
    'Creates the system user and group, the config dir with a prometheus.yml that scrapes promts itself (an existing config is never overwritten), the data dir, the man pages, and a hardened systemd unit running `promts server` with Prometheus\'s flags; then daemon-reload, enable, start, and a wait until /-/ready answers.',
    'Every step is inspected first and reported as ok, changed or skipped, so running it again changes nothing. A unit file that differs from what it would write is shown as a diff and left alone unless --force.',
    'promts on the PATH: when promts is installed system-wide (npm install -g puts it in npm\'s global bin, e.g. /usr/bin/promts) the unit runs that. Otherwise (a checkout, a per-user install) it writes /usr/local/bin/promts, a small launcher script that runs `node <this checkout>/bin/run.cjs`, so the checkout must stay where it is and be readable by the service user (not under /home or /root).',
    'Without systemd (containers, WSL) it installs the files and prints the command to run promts by hand. --root DIR writes everything under DIR (for images and tests), adds the user by editing DIR/etc/passwd and group (with their lock files), and never runs systemctl.',
    'Exit status 1, with nothing changed, when not run as root (without --dry-run or --root), on a bad flag value, or when a unit or launcher differs (see --force). A step that fails half-way exits 1 and lists what was done and how to undo it.',
  ].join('\n\n');
  static override examples = [
    'sudo <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --dry-run',
    'sudo <%= config.bin %> <%= command.id %> --listen-address 0.0.0.0:9090 --retention 30d',
    '<%= config.bin %> <%= command.id %> --root ./image --no-start',
    'sudo <%= config.bin %> <%= command.id %> --uninstall --purge',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    'dry-run': Flags.boolean({ description: 'Print every step and the full text of every file it would write; change nothing (needs no root).' }),
    user: Flags.string({ description: 'System user and group the service runs as.', default: DEFAULTS.user }),
    'config-dir': Flags.string({ description: 'Directory of prometheus.yml (root-owned, readable by the service).', default: DEFAULTS.configDir }),
    'data-dir': Flags.string({ description: 'TSDB directory (--storage.tsdb.path): the only place the service may write.', default: DEFAULTS.dataDir }),
    'listen-address': Flags.string({ description: 'Address the server listens on (--web.listen-address).', default: DEFAULTS.listenAddress }),
    retention: Flags.string({ description: 'How long to keep samples (--storage.tsdb.retention.time).', default: DEFAULTS.retention }),
    'unit-name': Flags.string({ description: 'Name of the systemd unit (<name>.service).', default: DEFAULTS.unitName }),
    'no-start': Flags.boolean({ description: 'Install and enable, but do not start (nor wait for it).' }),
    force: Flags.boolean({ description: 'Replace an existing unit or launcher that differs. Never touches an existing prometheus.yml.' }),
    root: Flags.string({ description: 'Write into this filesystem root instead of / (images, tests); systemctl is not run.' }),
    uninstall: Flags.boolean({ description: 'Stop and remove the unit, launcher and man pages; keep config, data and user.' }),
    purge: Flags.boolean({ description: 'With --uninstall: also remove the config dir, the data dir and the user.', dependsOn: ['uninstall'] }),
  };

  async run(): Promise<Outcome> {
    const { flags: f } = await this.parse(InstallService);
    try {
      const o = resolveOptions({
        user: f.user, configDir: f['config-dir'], dataDir: f['data-dir'], listenAddress: f['listen-address'], retention: f.retention, unitName: f['unit-name'],
        noStart: f['no-start'], force: f.force, root: f.root, uninstall: f.uninstall, purge: f.purge, dryRun: f['dry-run'],
      });
      const host = realHost(o.root);
      const plan = o.uninstall ? planUninstall(o, host) : planInstall(o, host, { pkgRoot: this.config.root, nodePath: process.execPath, version: this.config.version });
      return await applyPlan(plan, o.dryRun, this.jsonEnabled() ? silent : textReporter((s) => process.stdout.write(s), colorLevel(process.stdout)));
    } catch (err) {
      process.stderr.write(renderError(err) + '\n');
      return this.exit(1);
    }
  }
}
