import { Args, Command, Flags } from '@oclif/core';
import { tsdbAnalyze } from '../../src/cli/tsdb.js';

export default class TsdbAnalyze extends Command {
  static override summary = 'Analyze churn, label pair cardinality and compaction efficiency.';

  static override description =
    'Analyzes one block of a data directory (the newest unless a block ULID is given): label pairs and names most involved in series churn, most common label pairs, label names by cumulative value length and by cardinality, metric names by series count; --extended adds a histogram of chunk fullness. Output matches promtool\'s; entries with equal counts are listed in name order (promtool lists ties in random order).';

  static override examples = ['<%= config.bin %> tsdb analyze data/', '<%= config.bin %> tsdb analyze --limit=5 --extended data/ 01M8883ENE9MNS0A3N5HEZ2EW1'];

  static override args = {
    'db path': Args.string({ description: 'Database path (default is data/).', default: 'data/' }),
    'block id': Args.string({ description: 'Block to analyze (default is the last block).' }),
  };

  static override flags = {
    limit: Flags.integer({ description: 'How many items to show in each list.', default: 20 }),
    extended: Flags.boolean({ description: 'Run extended analysis.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TsdbAnalyze);
    const code = tsdbAnalyze(args['db path'], args['block id'], flags.limit, flags.extended);
    if (code !== 0) this.exit(code);
  }
}
