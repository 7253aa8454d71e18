import { PromtsError } from '../model/index.js';

export type RuleErrorCode = 'rule_file_read' | 'rule_file_yaml' | 'rule_invalid' | 'rule_group_invalid' | 'unittest_invalid';

/**
 * A problem found in a rule file. `message` is exactly what promtool prints for it (the file name
 * prefix included), so scripts that grep promtool's output keep working with promts.
 */
export class RuleFileError extends PromtsError {
  constructor(
    override readonly code: RuleErrorCode,
    message: string,
    readonly file: string,
    readonly line = 0,
    readonly column = 0,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}

/** A rule evaluation failed (query error, limit, duplicate label sets); shown as lastError. */
export class RuleEvalError extends PromtsError {
  constructor(message: string) {
    super('rule_eval', message);
  }
}
