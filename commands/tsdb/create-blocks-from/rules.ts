import { Args, Command, Flags } from '@oclif/core';
import { createBlocksFromRules } from '../../../src/tsdb/backfill/index.js';
import { runWithProgress } from '../../../src/cli/index.js';
import { parseDuration } from '../../../src/model/index.js';
import { parseTimeArg } from '../../../src/promql/index.js';

export default class CreateBlocksFromRules extends Command {
  static override summary = 'Create blocks of data for new recording rules.';
  static override description =
    "promtool's rule backfill: each recording rule is run as range queries against --url over [--start, --end] at the group's interval, and every 2h window of each rule becomes a block in --output-dir. Alerting rules are imported too (their expression under the alert name), as promtool 2.42 does.";
  static override examples = ['<%= config.bin %> tsdb create-blocks-from rules --start 2023-02-01T00:00:00Z --end 2023-02-01T06:00:00Z --url http://localhost:9090 rules.yml'];
  static override strict = false;
  static override args = {
    'rule-files': Args.string({ description: 'A list of one or more files containing recording rules to be backfilled. All rules listed in the files will be backfilled.', required: true }),
  };
  static override flags = {
    'http.config.file': Flags.string({ description: 'HTTP client configuration file for promtool to connect to Prometheus.', helpValue: '<filename>' }),
    url: Flags.string({ description: 'The URL for the Prometheus API with the data where the rule will be backfilled from.', default: 'http://localhost:9090' }),
    start: Flags.string({ description: 'The time to start backfilling the new rule from. Must be a RFC3339 formatted date or Unix timestamp. Required.', required: true }),
    end: Flags.string({ description: 'If an end time is provided, all recording rules in the rule files provided will be backfilled to the end time. Default will backfill up to 3 hours ago. Must be a RFC3339 formatted date or Unix timestamp.' }),
    'output-dir': Flags.string({ description: 'Output directory for generated blocks.', default: 'data/' }),
    'eval-interval': Flags.string({ description: 'How frequently to evaluate rules when backfilling if a value is not set in the recording rule files.', default: '60s' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(CreateBlocksFromRules);
    const code = await runWithProgress('backfilling rules', ({ print, bar }) =>
      createBlocksFromRules(argv as string[], {
        url: flags.url,
        start: parseTimeArg(flags.start),
        end: flags.end === undefined ? undefined : parseTimeArg(flags.end),
        outputDir: flags['output-dir'],
        evalInterval: parseDuration(flags['eval-interval']),
        httpConfigFile: flags['http.config.file'],
        log: (line) => print(process.stderr, line + '\n'),
        onProgress: (done, total) => bar.update(done, total),
      }),
    );
    if (code !== 0) this.exit(code);
  }
}
