import { Command, Flags } from '@oclif/core';
import { parseDuration } from '../src/model/index.js';
import { renderError, UsageError } from '../src/cli/index.js';

export default class Dashboard extends Command {
  static override summary = 'Open the terminal dashboard (targets, alerts, rules, queries, TSDB status) for a Prometheus-API server.';
  static override description =
    'A full-screen terminal UI that talks only to the Prometheus HTTP API, so it works against promts server and any Prometheus. Keys: 1-6 or Tab switch views, ? help, q quits.';
  static override examples = ['<%= config.bin %> dashboard', '<%= config.bin %> dashboard --url http://127.0.0.1:9090 --refresh 2s', '<%= config.bin %> dashboard --url https://prom.example:9090 --http.config.file auth.yml'];

  static override flags = {
    url: Flags.string({ description: 'URL of the Prometheus server.', default: 'http://localhost:9090' }),
    refresh: Flags.string({ description: 'How often each view refreshes (a Prometheus duration).', default: '5s' }),
    'http.config.file': Flags.string({ description: 'HTTP client configuration file (basic_auth, authorization, tls_config), as promtool reads it.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Dashboard);
    try {
      let refreshMs: number;
      try {
        refreshMs = Number(parseDuration(flags.refresh));
      } catch (e) {
        throw new UsageError(`invalid --refresh ${JSON.stringify(flags.refresh)}: ${e instanceof Error ? e.message : String(e)}`, 'Use a duration such as 5s, 1m or 500ms.');
      }
      if (!(refreshMs > 0)) throw new UsageError('--refresh must be greater than 0', 'Use a duration such as 5s.');
      if (!/^https?:\/\//.test(flags.url)) throw new UsageError(`invalid --url ${JSON.stringify(flags.url)}`, 'Give the server URL with its scheme, e.g. http://localhost:9090.');
      // ink renders only a final frame when CI/CONTINUOUS_INTEGRATION is set (read when ink
      // loads). The dashboard always runs on a terminal a person watches, so drop them first.
      delete process.env['CI'];
      delete process.env['CONTINUOUS_INTEGRATION'];
      const { runDashboard } = await import('../src/tui/index.js');
      await runDashboard({ url: flags.url, refreshMs, httpConfigFile: flags['http.config.file'], stdin: process.stdin, stdout: process.stdout, env: process.env });
    } catch (e) {
      process.stderr.write(renderError(e) + '\n');
      this.exit(1);
    }
  }
}
