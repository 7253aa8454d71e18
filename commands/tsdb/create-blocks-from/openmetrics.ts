import { Args, Command, Flags } from '@oclif/core';
import { createBlocksFromOpenMetrics } from '../../../src/tsdb/backfill/index.js';
import { runWithProgress } from '../../../src/cli/index.js';
import { parseDuration } from '../../../src/model/index.js';

export default class CreateBlocksFromOpenMetrics extends Command {
  static override summary = 'Import samples from OpenMetrics input and produce TSDB blocks.';
  static override description =
    "promtool's backfill: every sample needs a timestamp; blocks are cut at 2h boundaries (or the largest Prometheus block range within --max-block-duration) and written next to any existing blocks in the output directory.";
  static override examples = ['<%= config.bin %> tsdb create-blocks-from openmetrics metrics.om data/', '<%= config.bin %> tsdb create-blocks-from openmetrics -q --max-block-duration=24h metrics.om /var/lib/prometheus'];
  static override args = {
    'input file': Args.string({ description: 'OpenMetrics file to read samples from.', required: true }),
    'output directory': Args.string({ description: 'Output directory for generated blocks.', default: 'data/' }),
  };
  static override flags = {
    'human-readable': Flags.boolean({ char: 'r', description: 'Print human readable values.' }),
    quiet: Flags.boolean({ char: 'q', description: 'Do not print created blocks.' }),
    'max-block-duration': Flags.string({ description: 'Maximum duration created blocks may span (anything below 2h is ignored).', default: '2h' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(CreateBlocksFromOpenMetrics);
    // The bar is erased before each block line so stdout and stderr do not interleave on a terminal.
    const code = await runWithProgress('creating blocks', ({ print, bar }) =>
      createBlocksFromOpenMetrics(args['input file'], args['output directory'], {
        maxBlockDuration: parseDuration(flags['max-block-duration']),
        humanReadable: flags['human-readable'],
        quiet: flags.quiet,
        out: (text) => print(process.stdout, text),
        onProgress: (done, total) => bar.update(done, total),
      }),
    );
    if (code !== 0) this.exit(code);
  }
}
