import { Command } from '@oclif/core';
import { notBuiltYet } from '../../src/cli/index.js';

export default class TestRules extends Command {
  static override summary = 'Run unit tests for rule files (promtool test rules).';
  static override description = 'Not built yet: tracked in issue #7. It exits 1 without output rather than pretend.';
  static override strict = false;

  async run(): Promise<void> {
    process.stderr.write(notBuiltYet('test rules', 7) + '\n');
    this.exit(1);
  }
}
