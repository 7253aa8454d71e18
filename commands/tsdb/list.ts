import { Args, Command, Flags } from '@oclif/core';
import { tsdbList } from '../../src/cli/tsdb.js';

export default class TsdbList extends Command {
  static override summary = 'List tsdb blocks.';

  static override description =
    'Lists the persisted blocks of a Prometheus data directory, oldest first, with their time range, sample/chunk/series counts and size on disk, in promtool\'s exact layout. A damaged block (bad meta.json, index or chunk file) is reported with the file and byte offset.';

  static override examples = ['<%= config.bin %> tsdb list /var/lib/prometheus/metrics2', '<%= config.bin %> tsdb list -r data/'];

  static override args = {
    'db path': Args.string({ description: 'Database path (default is data/).', default: 'data/' }),
  };

  static override flags = {
    'human-readable': Flags.boolean({ char: 'r', description: 'Print human readable values.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(TsdbList);
    const code = tsdbList(args['db path'], flags['human-readable']);
    if (code !== 0) this.exit(code);
  }
}
