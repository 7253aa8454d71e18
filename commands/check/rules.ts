import { Command } from '@oclif/core';
import { notBuiltYet } from '../../src/cli/index.js';

export default class CheckRules extends Command {
  static override summary = 'Check rule files for syntax and lint problems (promtool check rules).';
  static override description = 'Not built yet: tracked in issue #7. It exits 1 without output rather than pretend.';
  static override strict = false;

  async run(): Promise<void> {
    process.stderr.write(notBuiltYet('check rules', 7) + '\n');
    this.exit(1);
  }
}
