// The plan: a list of steps, each inspected before anything changes, then applied in order.
// Inspecting first is what makes --dry-run truthful and a second run report "ok" throughout.

/**
 * - ok: already as wanted; nothing to do.
 * - change: apply() would change the machine.
 * - check: apply() only looks (the ready check); it runs even when nothing changed.
 * - skip: does not apply here (note says why).
 * - conflict: something there is not ours to change without --force (diff says how it differs).
 */
export type StepState = 'ok' | 'change' | 'check' | 'skip' | 'conflict';

/** A file a step writes, shown in full by --dry-run. */
export interface FileWrite {
  readonly path: string;
  readonly text: string;
  /** "root:promts 0640" */
  readonly attrs: string;
}

export interface Step {
  readonly title: string;
  readonly state: StepState;
  readonly note?: string;
  readonly writes?: FileWrite;
  readonly diff?: string;
  /** Shown as "…" before it runs, because it can take a while. */
  readonly slow?: boolean;
  /** Makes the change (or the check); returns a note on what it did. Throws on failure. */
  readonly apply?: () => Promise<string | void> | string | void;
}

export interface Plan {
  readonly action: 'install' | 'uninstall';
  /** Where files go: "/" or --root DIR. */
  readonly root: string;
  readonly steps: readonly Step[];
  /** Things the user should know before reading the steps (e.g. no systemd here). */
  readonly warnings: readonly string[];
  /** Printed after a successful run: URL, status, how to reload, where the logs are. */
  readonly summary: readonly string[];
  /** The command that reverses this install, for the failure message. */
  readonly undo: string;
}
