// cli: what commands share — "not built yet" refusals, error rendering, flag suggestions.
export { editDistance, nearest } from './suggest.js';
export { UsageError, renderError } from './errors.js';

/**
 * The message of a command that exists in the CLI's map but whose engine has not landed yet.
 * It exits 1 and prints nothing on stdout, so no script mistakes it for real output.
 */
export function notBuiltYet(command: string, issue: number): string {
  return `promts ${command} is not built yet (tracked in issue #${issue}). Use Prometheus's promtool for this in the meantime.`;
}
