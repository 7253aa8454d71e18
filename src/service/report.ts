import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import type { Outcome, Reporter, Status, StepResult } from './apply.js';
import type { Plan, Step } from './plan.js';

/**
 * Whether to colour a stream. chalk alone ignores NO_COLOR (no-color.org), so it is checked
 * here first; then FORCE_COLOR; otherwise a pipe or a file never gets escape codes.
 */
export function colorLevel(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force === '0' || force === 'false' ? 0 : supportsColor ? supportsColor.level || 1 : 1;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return supportsColor ? supportsColor.level || 1 : 1;
}

const WIDTH = 'would change'.length;

/**
 * Renders progress as plain lines, one per step: "  [changed     ] title  (note)". Words, not
 * symbols, carry the meaning, so the output reads the same in a log file, piped to grep,
 * or without colour.
 */
export function textReporter(write: (s: string) => void, level: 0 | 1 | 2 | 3): Reporter {
  const c: ChalkInstance = new Chalk({ level });
  const paint: Record<Status, (s: string) => string> = {
    ok: c.green,
    changed: c.yellow,
    skipped: c.gray,
    conflict: c.magenta,
    failed: c.red.bold,
    'would change': c.cyan,
    'would check': c.cyan,
  };
  const line = (s: string): void => write(s + '\n');
  return {
    begin(plan: Plan, preview) {
      const where = plan.root === '/' ? '' : ` into ${plan.root}`;
      const why = preview === 'dry-run' ? c.cyan(' (dry run: nothing is changed)') : preview === 'conflict' ? c.magenta(' (a conflict below: nothing is changed)') : '';
      line(c.bold(`promts install-service${plan.action === 'uninstall' ? ' --uninstall' : ''}${where}: ${plan.steps.length} steps`) + why);
      for (const w of plan.warnings) line(c.yellow(`note: ${w}`));
    },
    running(step: Step) {
      line(`  [${'...'.padEnd(WIDTH)}] ${step.title}`);
    },
    step(step: Step, r: StepResult, dryRun: boolean) {
      line(`  [${paint[r.status](r.status.padEnd(WIDTH))}] ${r.title}${r.note ? c.dim(`  (${r.note})`) : ''}`);
      if (step.diff && (r.status === 'conflict' || r.status === 'would change' || r.status === 'changed')) {
        for (const d of step.diff.trimEnd().split('\n')) line('      ' + (d.startsWith('+') ? c.green(d) : d.startsWith('-') ? c.red(d) : d.startsWith('@@') ? c.cyan(d) : d));
      }
      // A dry run shows every file it would write, whole, so it can be reviewed (or copied).
      if (dryRun && step.writes && r.status === 'would change') {
        line(c.dim(`      ----- ${step.writes.path} (${step.writes.attrs}) -----`));
        for (const l of step.writes.text.replace(/\n$/, '').split('\n')) line(l === '' ? '' : '      ' + l);
        line(c.dim(`      ----- end of ${step.writes.path} -----`));
      }
    },
    end(plan: Plan, o: Outcome) {
      const n = o.changed;
      if (o.dryRun) line(c.cyan(n === 0 ? 'Dry run: nothing would change.' : `Dry run: ${n} step${n === 1 ? '' : 's'} would change something; nothing was changed.`));
      else line(n === 0 ? c.green(`Nothing changed: already ${plan.action === 'install' ? 'installed' : 'uninstalled'} as asked.`) : c.green(`Done: ${n} step${n === 1 ? '' : 's'} changed something.`));
      if (!o.dryRun) for (const s of plan.summary) line(s);
    },
  };
}
