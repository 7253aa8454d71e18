import { PromtsError } from '../model/index.js';

/** Prometheus's API error types (the `errorType` field); each maps to one HTTP status. */
export type ApiErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

const STATUS: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 503,
  timeout: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404,
};

/**
 * An error answered in the API envelope. `code` is the errorType; `status` the HTTP status,
 * which Prometheus derives from the type except in a few places (admin APIs disabled: 500
 * with type "unavailable"), hence overridable.
 */
export class ApiError extends PromtsError {
  readonly status: number;
  constructor(
    override readonly code: ApiErrorType,
    message: string,
    status?: number,
  ) {
    super(code, message);
    this.status = status ?? STATUS[code];
  }
}

/** `invalid parameter "name": reason`, Prometheus's wrapping of a bad parameter. */
export function invalidParam(name: string, reason: string): ApiError {
  return new ApiError('bad_data', `invalid parameter ${goQuote(name)}: ${reason}`);
}

/** A web config file that cannot be used (bad YAML, missing cert, unknown key...). */
export class WebConfigError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('bad_web_config', message, hint);
  }
}

/** Go's %q for the plain strings we quote in messages (parameter names, label names, input). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}
