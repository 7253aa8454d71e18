// rules: rule files (rulefmt), `check rules`, recording/alerting rules, the rule manager and
// `test rules` (promtool's rule unit tests).
export { RuleFileError, type RuleErrorCode } from './errors.js';
export { parseRuleFile, parseRules, type RuleFileNode, type RuleGroupNode, type RuleNode, type PosString, type ParseResult } from './rulefmt.js';
export { checkRuleFiles, findDuplicateRules, type LintMode, type CheckRulesResult } from './check.js';
