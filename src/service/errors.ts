import { PromtsError } from '../model/index.js';

/**
 * Why install-service refused or stopped. Callers switch on `code`:
 * - service.not-root: a real install was asked for without root; nothing was changed.
 * - service.bad-option: a flag value that cannot go into a unit file or a passwd line.
 * - service.no-root-fs: --root DIR has no etc/passwd, so it is not a filesystem root.
 * - service.conflict: an existing unit or launcher differs; nothing was changed.
 * - service.unreachable-checkout: the service user could not read the promts it would run.
 * - service.step-failed: a step failed half-way; the message lists what was done.
 * - service.not-ready: the service started but /-/ready did not answer in time.
 */
export class ServiceError extends PromtsError {
  constructor(code: `service.${string}`, message: string, hint?: string) {
    super(code, message, hint);
  }
}
