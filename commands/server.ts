import { Command, Flags, type Interfaces } from '@oclif/core';
import { SERVER_FLAGS, rejectUnknownArgs, resolveServerOptions, runServer } from '../src/server/index.js';
import { renderError } from '../src/cli/index.js';

// Built from the one flag table in src/server/flags.ts; defaults are applied there, so here
// a flag is undefined unless the user gave it.
const flags: Interfaces.FlagInput = {};
for (const f of SERVER_FLAGS) {
  const description = `${f.help} (default: ${f.default === '' ? '""' : f.default})`;
  flags[f.name] = f.kind === 'bool' ? Flags.boolean({ description, allowNo: true, hidden: f.hidden }) : Flags.string({ description, hidden: f.hidden });
}

const booleans = new Set(SERVER_FLAGS.filter((f) => f.kind === 'bool').map((f) => f.name));

/** argv tokens that are not server flags (or their values), in order. */
function unknownTokens(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--help' || tok === '-h') continue;
    const name = tok.replace(/^--?/, '').replace(/=.*$/, '');
    const base = name.startsWith('no-') && booleans.has(name.slice(3)) ? name.slice(3) : name;
    if (!tok.startsWith('-') || !(base in flags)) {
      out.push(tok);
      continue;
    }
    if (!booleans.has(base) && !tok.includes('=')) i++; // skip the value of `--flag value`
  }
  return out;
}

export default class Server extends Command {
  static override summary = 'Run the Prometheus-compatible server: scrape, store, evaluate rules, serve the HTTP API.';
  static override description = 'Takes Prometheus 2.42 server flags with the same names and defaults, in --flag=value and --flag value forms.';
  static override examples = [
    '<%= config.bin %> server',
    '<%= config.bin %> server --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/var/lib/prometheus',
    '<%= config.bin %> server --web.listen-address=0.0.0.0:9090 --web.enable-lifecycle',
  ];
  static override strict = false;
  static override flags = flags;

  async run(): Promise<void> {
    try {
      // oclif's own message for an unknown flag has no suggestion: check before it parses.
      rejectUnknownArgs(unknownTokens(this.argv));
      const { flags: given } = await this.parse(Server);
      const raw: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(given)) raw[k] = v === undefined ? undefined : String(v);
      const code = await runServer(resolveServerOptions(raw));
      this.exit(code);
    } catch (err) {
      if (err instanceof Error && 'oclif' in err) throw err;
      process.stderr.write(renderError(err) + '\n');
      this.exit(1);
    }
  }
}
