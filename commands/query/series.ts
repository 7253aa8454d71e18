import { Args, Command, Flags } from '@oclif/core';
import { renderError } from '../../src/cli/index.js';
import { PromClient, parseTimeArg, pickFormat, renderSeries } from '../../src/promql/index.js';

export default class QuerySeries extends Command {
  static override summary = 'Run series query.';
  static override description = 'Lists the series matching selectors on a Prometheus-API server, like promtool query series.';
  static override examples = ['<%= config.bin %> query series --match up --match \'{job="node"}\' http://localhost:9090'];
  static override args = {
    server: Args.string({ description: 'Prometheus server to query.', required: true }),
  };
  static override flags = {
    'http.config.file': Flags.string({ description: 'HTTP client configuration file for promtool to connect to Prometheus (basic_auth, authorization, tls_config).', helpValue: '<filename>' }),
    match: Flags.string({ description: 'Series selector. Can be specified multiple times.', multiple: true, required: true }),
    start: Flags.string({ description: 'Start time (RFC3339 or Unix timestamp).' }),
    end: Flags.string({ description: 'End time (RFC3339 or Unix timestamp).' }),
    format: Flags.string({ char: 'o', description: 'Output format of the query (promql, json; table on a terminal).', options: ['promql', 'json', 'table'] }),
    'enable-feature': Flags.string({ description: 'Accepted for promtool compatibility; has no effect.', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(QuerySeries);
    try {
      const start = flags.start !== undefined ? parseTimeArg(flags.start) : undefined;
      const end = flags.end !== undefined ? parseTimeArg(flags.end) : undefined;
      const { data } = await new PromClient(args.server, { httpConfigFile: flags['http.config.file'] }).series(flags.match, start, end);
      this.log(renderSeries(data, pickFormat(flags.format, process.stdout.isTTY === true)));
    } catch (e) {
      process.stderr.write(renderError(e) + '\n');
      this.exit(1);
    }
  }
}
