// Reading promtool's recorded outputs (../shared/fixtures/promtool-outputs) for comparisons.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../helpers/index.js';

export const DATA_DIRS = ['blocks', 'live', 'crashed', 'crashed-torn'] as const;
export type DataDir = (typeof DATA_DIRS)[number];

export interface RecordedCommand {
  name: string;
  exitCode: number;
  /** promtool's arguments after `tsdb <verb>`, with the scratch path replaced by the fixture dir. */
  args: string[];
  verb: string;
  stdout: string;
  stderr: string;
}

/** The rows of promtool-outputs/<dir>/commands.tsv with their stdout/stderr. */
export function recordedCommands(dir: DataDir): RecordedCommand[] {
  const base = join(fixturesDir, 'promtool-outputs', dir);
  const lines = readFileSync(join(base, 'commands.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [name, code, cmd] = l.split('\t') as [string, string, string];
    // The recorded command lines have no spaces inside arguments.
    const words = cmd.split(/\s+/).map((w) => w.replace(`/tmp/SCRATCH/${dir}`, join(fixturesDir, dir)));
    const stderrFile = join(base, `${name}.stderr`);
    return {
      name,
      exitCode: Number(code),
      verb: words[2]!,
      args: words.slice(3),
      stdout: readFileSync(join(base, `${name}.txt`), 'utf8'),
      stderr: existsSync(stderrFile) ? readFileSync(stderrFile, 'utf8').replaceAll(`/tmp/SCRATCH/${dir}`, join(fixturesDir, dir)) : '',
    };
  });
}

/** Splits `--flag=value` arguments and positionals. */
export function parseArgs(args: readonly string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (const a of args) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m) flags.set(m[1]!, m[2] ?? 'true');
    else positional.push(a);
  }
  return { flags, positional };
}

interface Section {
  title: string;
  rows: { n: number; key: string }[];
}

function sections(text: string): { header: string; sections: Section[]; tail: string } {
  const parts = text.split('\n\n');
  const header = parts[0]!;
  const secs: Section[] = [];
  let tail = '';
  for (const p of parts.slice(1)) {
    const [title, ...rows] = p.split('\n').filter((l) => l !== '');
    if (title === 'Compaction analysis:') {
      tail = p;
      continue;
    }
    secs.push({
      title: title!,
      rows: rows.map((r) => {
        const i = r.indexOf(' ');
        return { n: Number(r.slice(0, i)), key: r.slice(i + 1) };
      }),
    });
  }
  return { header, sections: secs, tail };
}

/**
 * Compares two `tsdb analyze` outputs the way the fixture README says to: promtool prints
 * ties in random order, so within each list the counts must match exactly and the names must
 * match as a set per count, except at the cut-off count of a list filled up to `limit`, where
 * promtool picked an arbitrary subset of the tied names. Returns a list of differences.
 */
export function analyzeDifferences(ours: string, theirs: string, limit: number): string[] {
  const a = sections(ours);
  const b = sections(theirs);
  const diffs: string[] = [];
  if (a.header !== b.header) diffs.push(`header differs:\n${a.header}\n---\n${b.header}`);
  if (a.tail !== b.tail) diffs.push(`compaction analysis differs:\n${a.tail}\n---\n${b.tail}`);
  if (a.sections.length !== b.sections.length) diffs.push(`section count ${a.sections.length} != ${b.sections.length}`);
  for (let i = 0; i < Math.min(a.sections.length, b.sections.length); i++) {
    const x = a.sections[i]!;
    const y = b.sections[i]!;
    if (x.title !== y.title) diffs.push(`section ${i} title ${x.title} != ${y.title}`);
    const xs = x.rows.map((r) => r.n).join(',');
    const ys = y.rows.map((r) => r.n).join(',');
    if (xs !== ys) {
      diffs.push(`${x.title} counts ${xs} != ${ys}`);
      continue;
    }
    const cut = y.rows.length >= limit ? y.rows[y.rows.length - 1]!.n : undefined;
    const byCount = (rows: Section['rows']): Map<number, string[]> => {
      const m = new Map<number, string[]>();
      for (const r of rows) if (r.n !== cut) m.set(r.n, [...(m.get(r.n) ?? []), r.key].sort());
      return m;
    };
    const mx = byCount(x.rows);
    const my = byCount(y.rows);
    for (const [n, keys] of my) {
      if ((mx.get(n) ?? []).join('\n') !== keys.join('\n')) diffs.push(`${x.title} names with count ${n}: [${mx.get(n)?.join(', ')}] != [${keys.join(', ')}]`);
    }
  }
  return diffs;
}
