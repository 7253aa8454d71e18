import { PromtsError } from '../model/index.js';

/**
 * A body that is not valid exposition text. `message` is exactly Prometheus 2.42's error
 * text (users and tests grep for it); `line` (1-based) and `offset` (byte offset of the
 * entry that failed) say where, so a scrape error can name the line.
 */
export class TextParseError extends PromtsError {
  constructor(
    message: string,
    readonly line: number,
    readonly offset: number,
  ) {
    super('parse_error', message, 'Check the exposition at that line against the Prometheus text / OpenMetrics format.');
  }
}

/** Counts the line (1-based) that `offset` falls on. Only used on the error path. */
export function lineAt(b: Uint8Array, offset: number): number {
  let line = 1;
  const end = Math.min(offset, b.length);
  for (let i = 0; i < end; i++) if (b[i] === 0x0a) line++;
  return line;
}
