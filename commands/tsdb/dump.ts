import { Args, Command, Flags } from '@oclif/core';
import { tsdbDump } from '../../src/cli/tsdb.js';

export default class TsdbDump extends Command {
  static override summary = 'Dump samples from a TSDB.';

  static override description =
    'Prints every sample of the series matching --match between --min-time and --max-time (milliseconds, both inclusive) as "labels value timestamp", series in label order, like promtool. When the range reaches past the newest block, the WAL is replayed too (read-only, without repair: a damaged WAL is an error, as in promtool).';

  static override examples = [
    '<%= config.bin %> tsdb dump --min-time=1675216680000 --max-time=1675216920000 data/',
    `<%= config.bin %> tsdb dump --match='{__name__="up", job="api"}' --max-time=1675234785000 data/`,
  ];

  static override args = {
    'db path': Args.string({ description: 'Database path (default is data/).', default: 'data/' }),
  };

  static override flags = {
    'min-time': Flags.string({ description: 'Minimum timestamp to dump.', default: '-9223372036854775808' }),
    'max-time': Flags.string({ description: 'Maximum timestamp to dump.', default: '9223372036854775807' }),
    match: Flags.string({ description: 'Series selector.', default: "{__name__=~'(?s:.*)'}" }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TsdbDump);
    const code = await tsdbDump(args['db path'], flags['min-time'], flags['max-time'], flags.match);
    if (code !== 0) this.exit(code);
  }
}
