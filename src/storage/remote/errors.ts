// Errors of remote write/read with stable codes; callers switch on `code`.
import { PromtsError } from '../../model/index.js';

export type RemoteErrorCode = 'remote_recoverable' | 'remote_unrecoverable' | 'remote_read' | 'remote_config';

export class RemoteError extends PromtsError {
  constructor(
    override readonly code: RemoteErrorCode,
    msg: string,
    hint: string,
    /** HTTP status when the remote end answered, 0 for network errors. */
    readonly status = 0,
    /** Retry-After in ms the server asked for (429/5xx), when present. */
    readonly retryAfterMs = 0,
  ) {
    super(code, msg, hint);
  }
}
