import { Args, Command, Flags } from '@oclif/core';
import { instantQueryText, queryErrorText } from '../../src/promql/index.js';

export default class Query extends Command {
  static override summary = 'Run a PromQL query against a server (default http://localhost:9090); see also query instant|range|series|labels.';
  static override description = 'The short form of `promts query instant`: the server defaults to http://localhost:9090 (or --server).';
  static override examples = ["<%= config.bin %> query 'rate(prometheus_http_requests_total[5m])'", "<%= config.bin %> query --server http://prom:9090 -o json 'up == 0'"];
  static override args = {
    expr: Args.string({ description: 'PromQL query expression.', required: true }),
  };
  static override flags = {
    server: Flags.string({ description: 'Prometheus-API server to query.', default: 'http://localhost:9090' }),
    'http.config.file': Flags.string({ description: 'HTTP client configuration file for promtool to connect to Prometheus (basic_auth, authorization, tls_config).', helpValue: '<filename>' }),
    time: Flags.string({ description: 'Query evaluation time (RFC3339 or Unix timestamp).' }),
    format: Flags.string({ char: 'o', description: 'Output format (promql, json; table on a terminal).', options: ['promql', 'json', 'table'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Query);
    try {
      this.log(await instantQueryText(flags.server, args.expr, flags.time, flags.format, process.stdout.isTTY === true, { httpConfigFile: flags['http.config.file'] }));
    } catch (e) {
      process.stderr.write(queryErrorText(args.expr, e) + '\n');
      this.exit(1);
    }
  }
}
