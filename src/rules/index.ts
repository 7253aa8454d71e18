// rules: rule files (rulefmt), `check rules`, recording/alerting rules, the rule manager and
// `test rules` (promtool's rule unit tests).
export { RuleFileError, type RuleErrorCode } from './errors.js';
export { parseRuleFile, parseRules, type RuleFileNode, type RuleGroupNode, type RuleNode, type PosString, type ParseResult } from './rulefmt.js';
export { checkRuleFiles, checkRuleFileForConfig, findDuplicateRules, type LintMode, type CheckRulesResult } from './check.js';
export { RuleEvalError } from './errors.js';
export { AlertingRule, RESOLVED_RETENTION_MS, type Alert, type AlertState } from './alerting.js';
export { RecordingRule } from './recording.js';
export { Group, groupKey, loadGroups, type GroupOptions, type NotifyFunc } from './group.js';
export { RuleMetrics, RULE_METRIC_NAMES, type RuleCounter, type RuleGauge } from './metrics.js';
export type { Rule, RuleHealth, RuleSample, QueryFunc, EvalContext } from './rule.js';
export { runRuleUnitTests, modelDuration, goDuration, type UnitTestOutput } from './unittest.js';
export { RuleManager, RulesLoadError, rfc3339, tableLink, goQueryEscape, type RuleManagerOptions, type OutgoingAlert } from './manager.js';
export { evalTimestamp, groupHash } from './xxhash.js';
