import { ServiceError } from './errors.js';
import type { Plan, Step } from './plan.js';

export type Status = 'ok' | 'changed' | 'skipped' | 'conflict' | 'failed' | 'would change' | 'would check';

export interface StepResult {
  readonly title: string;
  readonly status: Status;
  readonly note?: string;
}

/** Receives progress as it happens; the command renders it (src/ never writes to the console). */
export interface Reporter {
  /** preview: nothing will be changed, because of --dry-run or because a step is in conflict. */
  begin(plan: Plan, preview: 'dry-run' | 'conflict' | undefined): void;
  /** Before a slow step (the ready check), so the user sees what is being waited for. */
  running(step: Step): void;
  step(step: Step, result: StepResult, dryRun: boolean): void;
  end(plan: Plan, outcome: Outcome): void;
}

export interface Outcome {
  readonly results: readonly StepResult[];
  /** Steps that changed (or, in a dry run, would change) something. */
  readonly changed: number;
  readonly dryRun: boolean;
}

/**
 * Runs the plan in order. Nothing is applied when a step is in conflict or on a dry run:
 * every step is reported as what it would do. A step that fails stops the run with a
 * ServiceError that lists what was already done and how to undo it.
 */
export async function applyPlan(plan: Plan, dryRun: boolean, reporter: Reporter): Promise<Outcome> {
  const conflicts = plan.steps.filter((s) => s.state === 'conflict');
  const preview = dryRun || conflicts.length > 0;
  reporter.begin(plan, dryRun ? 'dry-run' : conflicts.length > 0 ? 'conflict' : undefined);
  const results: StepResult[] = [];
  const done: string[] = [];
  for (const step of plan.steps) {
    let r: StepResult;
    if (step.state === 'ok') r = res(step, 'ok', step.note);
    else if (step.state === 'skip') r = res(step, 'skipped', step.note);
    else if (step.state === 'conflict') r = res(step, 'conflict', step.note);
    else if (preview) r = res(step, step.state === 'check' ? 'would check' : 'would change', step.note);
    else {
      if (step.slow) reporter.running(step);
      try {
        const note = (await step.apply?.()) ?? step.note;
        r = res(step, step.state === 'check' ? 'ok' : 'changed', note);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        reporter.step(step, res(step, 'failed', msg), false);
        throw failed(plan, step, e, done);
      }
      if (r.status === 'changed') done.push(step.title);
    }
    results.push(r);
    reporter.step(step, r, preview);
  }
  const outcome: Outcome = { results, changed: results.filter((r) => r.status === 'changed' || r.status === 'would change').length, dryRun: preview };
  if (conflicts.length > 0) {
    throw new ServiceError(
      'service.conflict',
      `${conflicts.map((c) => c.title).join('; ')}: differs from what install-service would write, so nothing was changed`,
      'read the diff above; rerun with --force to replace it, or keep your file and put local changes in a drop-in (systemctl edit <unit>)',
    );
  }
  reporter.end(plan, outcome);
  return outcome;
}

function res(step: Step, status: Status, note?: string): StepResult {
  return note === undefined ? { title: step.title, status } : { title: step.title, status, note };
}

function failed(plan: Plan, step: Step, cause: unknown, done: readonly string[]): ServiceError {
  if (cause instanceof ServiceError && cause.code === 'service.not-ready') return cause;
  const msg = cause instanceof Error ? cause.message : String(cause);
  const did = done.length === 0 ? 'Nothing had been changed before it.' : `Done before it:\n${done.map((d) => `  - ${d}`).join('\n')}`;
  return new ServiceError(
    'service.step-failed',
    `${plan.action} stopped at "${step.title}": ${msg}\n${did}`,
    done.length === 0
      ? 'fix the cause above and run the same command again'
      : `fix the cause above and run the same command again (finished steps report "ok"), or undo: ${plan.undo}${plan.action === 'install' ? ' (add --purge to also remove the config, data dir and user)' : ''}`,
  );
}
