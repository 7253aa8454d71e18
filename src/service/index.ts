// service: `promts install-service` — a plan of steps (user, dirs, config, launcher, man pages,
// systemd unit, systemctl) inspected first, then applied; safe to run again.
export { resolveOptions, DEFAULTS, type ServiceFlags, type ServiceOptions } from './options.js';
export { planInstall, type Self } from './install.js';
export { planUninstall } from './uninstall.js';
export { applyPlan, type Reporter, type Outcome, type StepResult, type Status } from './apply.js';
export { textReporter, colorLevel } from './report.js';
export { realHost, type Host } from './host.js';
export { renderUnit, execStartArgv, serverArgs } from './unit.js';
export { unifiedDiff } from './diff.js';
export { ServiceError } from './errors.js';
export type { Plan, Step, StepState, FileWrite } from './plan.js';
