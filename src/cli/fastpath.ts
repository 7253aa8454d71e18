// promtool's inspection commands without oclif. Users script `promts tsdb list|analyze|dump`
// and time them against promtool, whose whole run takes ~90 ms; loading @oclif/core alone
// costs more. bin/run.cjs offers argv here first (from a one-file bundle, fastpath.cjs beside this file).
// Only plain invocations are taken: known flags, each once, with valid values, and no more
// arguments than the command has. Everything else (help, typos, bad values) is declined and
// goes to oclif, which stays the one source of usage and error text. The specs mirror the
// oclif commands' flags; test/cli/fastpath.test.ts keeps them equal.
import { tsdbAnalyze, tsdbDump, tsdbList } from './tsdb.js';

export type FastFlag = { kind: 'boolean'; char?: string } | { kind: 'integer'; default: number } | { kind: 'string'; default: string };

export interface FastCommand {
  /** The command's words, as typed: ['tsdb', 'list']. */
  readonly id: readonly string[];
  readonly args: readonly { name: string; default?: string }[];
  readonly flags: Readonly<Record<string, FastFlag>>;
  run(p: Parsed): number | Promise<number>;
}

export interface Parsed {
  args: Record<string, string | undefined>;
  flags: Record<string, string | number | boolean>;
}

const DB_PATH = { name: 'db path', default: 'data/' };

export const FAST_COMMANDS: readonly FastCommand[] = [
  {
    id: ['tsdb', 'list'],
    args: [DB_PATH],
    flags: { 'human-readable': { kind: 'boolean', char: 'r' } },
    run: (p) => tsdbList(p.args['db path']!, p.flags['human-readable'] === true),
  },
  {
    id: ['tsdb', 'analyze'],
    args: [DB_PATH, { name: 'block id' }],
    flags: { limit: { kind: 'integer', default: 20 }, extended: { kind: 'boolean' } },
    run: (p) => tsdbAnalyze(p.args['db path']!, p.args['block id'], p.flags.limit as number, p.flags.extended === true),
  },
  {
    id: ['tsdb', 'dump'],
    args: [DB_PATH],
    flags: {
      'min-time': { kind: 'string', default: '-9223372036854775808' },
      'max-time': { kind: 'string', default: '9223372036854775807' },
      match: { kind: 'string', default: "{__name__=~'(?s:.*)'}" },
    },
    run: (p) => tsdbDump(p.args['db path']!, p.flags['min-time'] as string, p.flags['max-time'] as string, p.flags.match as string),
  },
];

/**
 * Runs argv (without node and the script) when it is a plain invocation of a fast command;
 * resolves to its exit status, or undefined when oclif should handle it.
 */
export async function runFast(argv: readonly string[]): Promise<number | undefined> {
  const cmd = FAST_COMMANDS.find((c) => c.id.every((w, i) => argv[i] === w));
  if (!cmd) return undefined;
  const parsed = parseArgv(argv.slice(cmd.id.length), cmd);
  return parsed ? cmd.run(parsed) : undefined;
}

/** oclif's reading of argv for the plain cases; undefined for anything else. */
export function parseArgv(argv: readonly string[], cmd: FastCommand): Parsed | undefined {
  const flags: Parsed['flags'] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (eq >= 0) value = a.slice(eq + 1);
    } else {
      const byChar = Object.entries(cmd.flags).find(([, f]) => f.kind === 'boolean' && f.char === a.slice(1));
      if (!byChar) return undefined;
      name = byChar[0];
    }
    const spec = Object.hasOwn(cmd.flags, name) ? cmd.flags[name] : undefined;
    if (!spec || Object.hasOwn(flags, name)) return undefined;
    if (spec.kind === 'boolean') {
      if (value !== undefined) return undefined;
      flags[name] = true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      // oclif may read a following '-…' as a flag: leave such cases to it.
      if (value === undefined || value.startsWith('-')) return undefined;
    }
    if (spec.kind === 'integer') {
      if (!/^-?\d+$/.test(value)) return undefined;
      flags[name] = Number(value);
    } else flags[name] = value;
  }
  if (positional.length > cmd.args.length) return undefined;
  for (const [name, spec] of Object.entries(cmd.flags)) if (!Object.hasOwn(flags, name) && spec.kind !== 'boolean') flags[name] = spec.default;
  const args: Parsed['args'] = {};
  cmd.args.forEach((a, i) => (args[a.name] = positional[i] ?? a.default));
  return { args, flags };
}
