// `promtool check rules`: parse + validate each file, then lint for duplicate rules.
import { Labels } from '../model/index.js';
import { parseRuleFile, type RuleGroupNode } from './rulefmt.js';

export type LintMode = 'all' | 'duplicate-rules' | 'none';

export interface CheckRulesResult {
  /** What promtool writes to stdout and stderr, in order, one entry per write. */
  readonly output: { stream: 'stdout' | 'stderr'; text: string }[];
  /** 0 ok (also lint findings without --lint-fatal), 1 errors, 3 lint findings with --lint-fatal. */
  readonly exitCode: 0 | 1 | 3;
}

interface Dup {
  metric: string;
  labels: Labels;
}

function compareDup(a: Dup, b: Dup): number {
  if (a.metric !== b.metric) return a.metric < b.metric ? -1 : 1;
  return Labels.compare(a.labels, b.labels);
}

/** Rules with the same name and labels, reported once per name+labels (promtool's checkDuplicates). */
export function findDuplicateRules(groups: readonly RuleGroupNode[]): Dup[] {
  const all: Dup[] = [];
  for (const g of groups) for (const r of g.rules) all.push({ metric: r.alert.value !== '' ? r.alert.value : r.record.value, labels: Labels.fromObject(r.labels) });
  const dups: Dup[] = [];
  if (all.length < 2) return dups;
  all.sort(compareDup);
  for (let i = 1; i < all.length; i++) {
    if (compareDup(all[i - 1]!, all[i]!) === 0 && (dups.length === 0 || compareDup(all[i - 1]!, dups[dups.length - 1]!) !== 0)) dups.push(all[i]!);
  }
  return dups;
}

/**
 * One file's verdict in the shape src/config's `check config` uses for the rule files a config
 * names (RuleCheckResult): rule count, hard errors as promtool prints them, and the lint finding.
 * Inject this into check config instead of its structure-only checker to get full validation.
 */
export function checkRuleFileForConfig(file: string, opts: { lintDuplicates: boolean }): { rules: number; errors: string[]; lint?: string } {
  const res = parseRuleFile(file);
  if (!res.ok) return { rules: 0, errors: res.errors.map((e) => e.message) };
  const rules = res.value.groups.reduce((s, g) => s + g.rules.length, 0);
  const dups = opts.lintDuplicates ? findDuplicateRules(res.value.groups) : [];
  return dups.length > 0 ? { rules, errors: [], lint: duplicateMessage(dups) } : { rules, errors: [] };
}

function duplicateMessage(dups: Dup[]): string {
  let msg = `lint error ${dups.length} duplicate rule(s) found.\n`;
  for (const d of dups) {
    msg += `Metric: ${d.metric}\nLabel(s):\n`;
    for (let i = 0; i < d.labels.length; i++) msg += `\t${d.labels.name(i)}: ${d.labels.value(i)}\n`;
  }
  return msg + 'Might cause inconsistency while recording expressions';
}

export function checkRuleFiles(files: readonly string[], opts: { lint?: LintMode; lintFatal?: boolean } = {}): CheckRulesResult {
  const lint = opts.lint ?? 'duplicate-rules';
  const output: CheckRulesResult['output'] = [];
  let failed = false;
  let hasErrors = false;
  for (const f of files) {
    output.push({ stream: 'stdout', text: `Checking ${f}\n` });
    const res = parseRuleFile(f);
    if (!res.ok) {
      output.push({ stream: 'stderr', text: '  FAILED:\n' + res.errors.map((e) => e.message + '\n').join('') });
      failed = true;
      hasErrors = true;
    } else {
      const n = res.value.groups.reduce((s, g) => s + g.rules.length, 0);
      const dups = lint === 'none' ? [] : findDuplicateRules(res.value.groups);
      if (dups.length > 0) {
        const msg = duplicateMessage(dups);
        output.push({ stream: 'stderr', text: `  FAILED:\n${msg}\n` });
        failed = true;
      } else output.push({ stream: 'stdout', text: `  SUCCESS: ${n} rules found\n` });
    }
    output.push({ stream: 'stdout', text: '\n' });
  }
  const exitCode = failed && hasErrors ? 1 : failed && opts.lintFatal ? 3 : 0;
  return { output, exitCode };
}
