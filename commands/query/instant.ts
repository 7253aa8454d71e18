import { Args, Command, Flags } from '@oclif/core';
import { instantQueryText, queryErrorText } from '../../src/promql/index.js';

export default class QueryInstant extends Command {
  static override summary = 'Run instant query.';
  static override description = 'Evaluates a PromQL expression at one instant on a Prometheus-API server, like promtool query instant.';
  static override examples = [
    '<%= config.bin %> query instant http://localhost:9090 up',
    '<%= config.bin %> query instant --time 2023-02-01T01:00:00Z -o json http://localhost:9090 \'rate(http_requests_total[5m])\'',
    '<%= config.bin %> query instant --http.config.file http.yml https://prom.example.org:9090 up',
  ];
  static override args = {
    server: Args.string({ description: 'Prometheus server to query.', required: true }),
    expr: Args.string({ description: 'PromQL query expression.', required: true }),
  };
  static override flags = {
    'http.config.file': Flags.string({ description: 'HTTP client configuration file for promtool to connect to Prometheus (basic_auth, authorization, tls_config).', helpValue: '<filename>' }),
    time: Flags.string({ description: 'Query evaluation time (RFC3339 or Unix timestamp).' }),
    format: Flags.string({ char: 'o', description: 'Output format of the query (promql, json; table on a terminal).', options: ['promql', 'json', 'table'] }),
    'enable-feature': Flags.string({ description: 'Accepted for promtool compatibility; has no effect.', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(QueryInstant);
    try {
      this.log(await instantQueryText(args.server, args.expr, flags.time, flags.format, process.stdout.isTTY === true, { httpConfigFile: flags['http.config.file'] }));
    } catch (e) {
      process.stderr.write(queryErrorText(args.expr, e) + '\n');
      this.exit(1);
    }
  }
}
