import { Args, Command, Flags } from '@oclif/core';
import { existingFilesError } from '../../src/config/index.js';
import { checkRuleFiles, type LintMode } from '../../src/rules/index.js';

export default class CheckRules extends Command {
  static override summary = 'Check if the rule files are valid or not.';

  static override description = `Parses each rule file exactly as Prometheus 2.42 does (rulefmt: groups, recording and
alerting rules, PromQL expressions, label and annotation templates) and lints for duplicate rules.
Output and exit codes follow promtool: 0 valid (lint findings are printed but not fatal), 1 invalid,
3 lint findings with --lint-fatal.`;

  static override examples = [
    '<%= config.bin %> check rules rules.yml',
    '<%= config.bin %> check rules --lint=none alerts.yml recording.yml',
    '<%= config.bin %> check rules --lint-fatal rules.yml',
  ];

  static override strict = false;

  static override args = {
    'rule-files': Args.string({ description: 'The rule files to check.', required: true }),
  };

  static override flags = {
    lint: Flags.string({
      description: 'Linting checks to apply. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting',
      default: 'duplicate-rules',
      options: ['all', 'duplicate-rules', 'none'],
    }),
    'lint-fatal': Flags.boolean({ description: 'Make lint errors exit with exit code 3.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(CheckRules);
    const files = argv as string[];
    const argError = existingFilesError(files);
    if (argError) {
      process.stderr.write(argError + '\n');
      this.exit(1);
    }
    const res = checkRuleFiles(files, { lint: flags.lint as LintMode, lintFatal: flags['lint-fatal'] });
    for (const o of res.output) {
      if (o.stream === 'stdout') this.log(o.text.replace(/\n$/, ''));
      else process.stderr.write(o.text);
    }
    if (res.exitCode !== 0) this.exit(res.exitCode);
  }
}
