import { PromtsError } from '../model/index.js';

export type NotifierErrorCode = 'timeout' | 'network' | 'bad_status';

/** Sending to one Alertmanager failed; `message` keeps Prometheus's wording for logs. */
export class NotifierError extends PromtsError {
  constructor(
    override readonly code: NotifierErrorCode,
    message: string,
  ) {
    super(code, message, 'Check that the Alertmanager is up and reachable at this URL (alerting.alertmanagers).');
  }
}
