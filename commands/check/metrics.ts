import { Command, Flags } from '@oclif/core';
import { cardinality, lintMetrics } from '../../src/textparse/index.js';

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
    const res = lintMetrics(Buffer.concat(chunks));
    if (!res.ok) {
      process.stderr.write(`error while linting: ${res.error.message}\n`);
      this.exit(1);
      return;
    }
    for (const p of res.problems) process.stderr.write(`${p.metric} ${p.text}\n`);
    if (res.problems.length > 0) this.exit(3);
    if (flags.extended) {
      const { stats, total } = cardinality(res.families);
      const rows = [['Metric', 'Cardinality', 'Percentage'], ...stats.map((s) => [s.name, String(s.cardinality), (s.percentage * 100).toFixed(2) + '%']), ['Total', String(total), '100%']];
      // Go's tabwriter(minwidth 4, tabwidth 4, padding 4, ' '): cells padded to the widest plus 4.
      const widths = rows[0]!.map((_, i) => Math.max(4, ...rows.map((r) => r[i]!.length)) + 4);
      for (const r of rows) this.log(r.map((c, i) => c.padEnd(widths[i]!)).join(''));
    }
  }
}
