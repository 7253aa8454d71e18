import { Command, Flags } from '@oclif/core';
import { checkMetrics } from '../../src/textparse/index.js';

export default class CheckMetrics extends Command {
  static override summary = 'Pass Prometheus metrics over stdin to lint them for consistency and correctness.';
  static override description = `Reads the text exposition format from stdin and reports lint problems the way promtool does:
one "<metric> <problem>" line per problem on stderr. Exit codes: 0 clean, 1 unparsable input, 3 lint problems.`;
  static override examples = ['$ cat metrics.prom | <%= config.bin %> check metrics', '$ curl -s http://localhost:9090/metrics | <%= config.bin %> check metrics'];
  static override flags = {
    extended: Flags.boolean({ description: 'Print extended information related to the cardinality of the metrics.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(CheckMetrics);
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const out = checkMetrics(Buffer.concat(chunks), flags.extended);
    process.stderr.write(out.stderr);
    process.stdout.write(out.stdout);
    if (out.code !== 0) this.exit(out.code);
  }
}
