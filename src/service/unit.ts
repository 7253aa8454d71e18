import type { ServiceOptions } from './options.js';

/** What the unit runs: the promts on the PATH that install-service chose or wrote. */
export interface UnitTarget {
  readonly promtsBin: string;
  readonly version: string;
}

/** The server flags the unit passes, names from src/server's SERVER_FLAGS. */
export function serverArgs(o: ServiceOptions): string[] {
  return [
    'server',
    `--config.file=${o.configFile}`,
    `--storage.tsdb.path=${o.dataDir}`,
    `--web.listen-address=${o.listen.text}`,
    `--storage.tsdb.retention.time=${o.retention}`,
  ];
}

/**
 * The text of <unit>.service. Every line is deterministic (no dates), so a second run can
 * compare it byte for byte and report "ok" instead of rewriting.
 */
export function renderUnit(o: ServiceOptions, t: UnitTarget): string {
  const args = serverArgs(o);
  // A port below 1024 needs exactly one capability; otherwise the service keeps none.
  const caps =
    o.listen.port < 1024
      ? ['# Binding a port below 1024 needs this one capability and nothing else.', 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE']
      : ['CapabilityBoundingSet='];
  return [
    `# ${o.unitName}.service, written by \`promts install-service\` (promts ${t.version}).`,
    '# Re-running install-service keeps this file unless --force. For local changes use a',
    `# drop-in, which install-service never touches: systemctl edit ${o.unitName}`,
    '[Unit]',
    'Description=promts: Prometheus-compatible monitoring server',
    'Documentation=man:promts-server(1) https://prometheus.io/docs/prometheus/2.42/',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${o.user}`,
    `Group=${o.group}`,
    `ExecStart=${t.promtsBin} ${args[0]} \\`,
    ...args.slice(1).map((a, i) => `  ${a}${i < args.length - 2 ? ' \\' : ''}`),
    '# promts reloads prometheus.yml and rule files on SIGHUP, like Prometheus.',
    'ExecReload=/bin/kill -HUP $MAINPID',
    'Restart=on-failure',
    'RestartSec=5s',
    '# On SIGTERM the server flushes its head and WAL to the data dir; a big head takes a',
    '# while, and being killed half-way only costs a longer WAL replay at the next start.',
    'TimeoutStopSec=5min',
    'LimitNOFILE=65536',
    'Environment=NO_COLOR=1',
    'UMask=0027',
    '',
    '# Hardening: the server reads its config, writes only its data dir, and talks HTTP.',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${o.dataDir}`,
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'SystemCallArchitectures=native',
    ...caps,
    '# No MemoryDenyWriteExecute=yes: V8 (Node\'s JavaScript engine) compiles code into memory',
    '# that is writable and executable, and Node aborts at start-up when that is denied.',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** The unit's ExecStart= as an argv (continuation lines joined), for tests and the by-hand hint. */
export function execStartArgv(unitText: string): string[] {
  const joined = unitText.replace(/\\\n/g, ' ');
  const line = /^ExecStart=(.*)$/m.exec(joined);
  return line ? line[1]!.trim().split(/\s+/) : [];
}
