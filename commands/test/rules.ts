import { Args, Command } from '@oclif/core';
import { existingFilesError } from '../../src/config/index.js';
import { runRuleUnitTests } from '../../src/rules/index.js';

export default class TestRules extends Command {
  static override summary = 'Unit tests for rules.';

  static override description = `Runs promtool's rule unit-test files: loads input_series into an in-memory store, evaluates
the rule_files every evaluation_interval and checks alert_rule_test and promql_expr_test
expectations. Output and exit codes follow promtool: 0 when every test passes, 1 otherwise.`;

  static override examples = ['<%= config.bin %> test rules tests.yml', '<%= config.bin %> test rules alerts_test.yml recording_test.yml'];

  static override strict = false;

  static override args = {
    'test-rule-file': Args.string({ description: 'The unit test file.', required: true }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(TestRules);
    const files = argv as string[];
    const argError = existingFilesError(files);
    if (argError) {
      process.stderr.write(argError + '\n');
      this.exit(1);
    }
    const res = await runRuleUnitTests(files);
    for (const o of res.output) {
      if (o.stream === 'stdout') this.log(o.text.replace(/\n$/, ''));
      else process.stderr.write(o.text);
    }
    if (res.exitCode !== 0) this.exit(res.exitCode);
  }
}
