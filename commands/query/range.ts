import { Args, Command, Flags } from '@oclif/core';
import { renderError } from '../../src/cli/index.js';
import { ClientError, ParseError, PromClient, formatCaret, parseExpr, parseTimeArg, pickFormat, renderValue, resolveStep } from '../../src/promql/index.js';

export default class QueryRange extends Command {
  static override summary = 'Run range query.';
  static override description = 'Evaluates a PromQL expression over a time range on a Prometheus-API server, like promtool query range.';
  static override examples = [
    '<%= config.bin %> query range --start 2023-02-01T00:00:00Z --end 2023-02-01T01:00:00Z --step 1m http://localhost:9090 \'sum(rate(http_requests_total[5m]))\'',
  ];
  static override args = {
    server: Args.string({ description: 'Prometheus server to query.', required: true }),
    expr: Args.string({ description: 'PromQL query expression.', required: true }),
  };
  static override flags = {
    'http.config.file': Flags.string({ description: 'HTTP client configuration file for promtool to connect to Prometheus (basic_auth, authorization, tls_config).', helpValue: '<filename>' }),
    header: Flags.string({ description: 'Extra headers to send to server (name=value).', multiple: true }),
    start: Flags.string({ description: 'Query range start time (RFC3339 or Unix timestamp).' }),
    end: Flags.string({ description: 'Query range end time (RFC3339 or Unix timestamp).' }),
    step: Flags.string({ description: 'Query step size (duration).' }),
    format: Flags.string({ char: 'o', description: 'Output format of the query (promql, json; table on a terminal).', options: ['promql', 'json', 'table'] }),
    'enable-feature': Flags.string({ description: 'Accepted for promtool compatibility; has no effect.', multiple: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(QueryRange);
    try {
      parseExpr(args.expr);
      const headers: Record<string, string> = {};
      for (const h of flags.header ?? []) {
        const i = h.indexOf('=');
        if (i <= 0) throw new ClientError('usage', `invalid header ${JSON.stringify(h)}`, 'write headers as name=value');
        headers[h.slice(0, i)] = h.slice(i + 1);
      }
      // promtool's defaults: end = now, start = end - 5m, step from the range.
      const end = flags.end !== undefined ? parseTimeArg(flags.end) : Date.now();
      const start = flags.start !== undefined ? parseTimeArg(flags.start) : end - 5 * 60_000;
      const step = resolveStep(flags.step, start, end);
      const { data } = await new PromClient(args.server, { headers, httpConfigFile: flags['http.config.file'] }).range(args.expr, start, end, step);
      this.log(renderValue(data, pickFormat(flags.format, process.stdout.isTTY === true)));
    } catch (e) {
      process.stderr.write((e instanceof ParseError ? formatCaret(args.expr, e) : renderError(e)) + '\n');
      this.exit(1);
    }
  }
}
