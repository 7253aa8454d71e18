/**
 * The base of every error promts shows a person: a stable `code` callers switch on, and a
 * `hint` saying what to do next. Position-carrying errors add file/line/column.
 */
export class PromtsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A position in a file (1-based line and column), for config, rule and scrape errors. */
export interface FilePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function formatPosition(p: FilePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}
