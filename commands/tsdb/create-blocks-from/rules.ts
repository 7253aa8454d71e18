import { Command } from '@oclif/core';
import { notBuiltYet } from '../../../src/cli/index.js';

export default class CreateBlocksFromRules extends Command {
  static override summary = 'Create blocks of data for new recording rules.';
  static override description = 'Not built yet: tracked in issue #3. It exits 1 without output rather than pretend.';
  static override strict = false;

  async run(): Promise<void> {
    process.stderr.write(notBuiltYet('tsdb create-blocks-from rules', 3) + '\n');
    this.exit(1);
  }
}
