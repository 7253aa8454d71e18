import { Args, Command, Flags } from '@oclif/core';
import { existingFilesError, runCheckConfig } from '../../src/config/index.js';
import { checkRuleFileForConfig } from '../../src/rules/index.js';

export default class CheckConfig extends Command {
  static override summary = 'Check if the config files are valid or not.';

  static override description = `Loads each prometheus.yml exactly as Prometheus 2.42 does (same keys, defaults and validation) and, unless --syntax-only, checks the files it refers to: rule files (structure, PromQL expressions, duplicate rules), credential and TLS files, file_sd target files and targets. Output and exit codes follow promtool: 0 valid, 1 invalid, 3 lint problems with --lint-fatal. Failures also show file:line:col of the offending setting and a hint.`;

  static override examples = [
    '<%= config.bin %> check config prometheus.yml',
    '<%= config.bin %> check config --syntax-only prometheus.yml',
    '<%= config.bin %> check config --agent agent.yml',
    '<%= config.bin %> check config --lint=none --lint-fatal prometheus.yml other.yml',
  ];

  static override strict = false;

  static override args = {
    'config-files': Args.string({ description: 'The config files to check.', required: true }),
  };

  static override flags = {
    'syntax-only': Flags.boolean({ description: 'Only check the config file syntax, ignoring file and content validation referenced in the config' }),
    lint: Flags.string({
      description: 'Linting checks to apply to the rules specified in the config. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting',
      default: 'duplicate-rules',
    }),
    'lint-fatal': Flags.boolean({ description: 'Make lint errors exit with exit code 3.' }),
    agent: Flags.boolean({ description: 'Check config file for Prometheus in Agent mode.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(CheckConfig);
    const files = argv as string[];
    const argError = existingFilesError(files);
    if (argError) {
      process.stderr.write(argError + '\n');
      this.exit(1);
    }
    const code = runCheckConfig(
      files,
      { syntaxOnly: flags['syntax-only'], agent: flags.agent, lint: flags.lint, lintFatal: flags['lint-fatal'], checkRuleFile: checkRuleFileForConfig },
      { stdout: (l) => this.log(l), stderr: (l) => process.stderr.write(l + '\n') },
    );
    if (code !== 0) this.exit(code);
  }
}
