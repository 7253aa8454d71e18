import { PromtsError } from '../model/index.js';

/** A problem with how the CLI was called: bad flag, bad argument. Exit code 1 (promtool uses 1). */
export class UsageError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint);
  }
}

/** Renders an error for a person: the message, then "Try this:" with the hint when there is one. */
export function renderError(err: unknown, debug = false): string {
  if (err instanceof PromtsError) {
    let s = `Error: ${err.message}`;
    if (err.hint) s += `\nTry this: ${err.hint}`;
    if (debug && err.stack) s += `\n${err.stack}`;
    return s;
  }
  if (err instanceof Error) return `Error: ${err.message}` + (debug && err.stack ? `\n${err.stack}` : '');
  return `Error: ${String(err)}`;
}
