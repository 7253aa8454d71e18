/**
 * Query errors with a caret under the position. The dashboard only has the server's error
 * text, so it reads the position Prometheus puts there: `1:17: parse error: ...` is line 1,
 * column 17 (1-based, counted in bytes by the Go parser; the same as characters for ASCII).
 */

export interface QueryErrorText {
  /** The message without the API's `invalid parameter "query": ` wrapper. */
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export function parseQueryError(apiMessage: string): QueryErrorText {
  const message = apiMessage.replace(/^invalid parameter "query": /, '');
  const m = /^(\d+):(\d+): /.exec(message);
  if (!m) return { message };
  return { message, line: Number(m[1]), column: Number(m[2]) };
}

/**
 * The query line the error is on and a caret line under it, both cut to `width` columns
 * around the caret so a long query still shows where it broke.
 */
export function caretLines(query: string, err: QueryErrorText, width: number): [string, string] | undefined {
  if (err.line === undefined || err.column === undefined) return undefined;
  const line = query.split('\n')[err.line - 1];
  if (line === undefined) return undefined;
  const col = byteColumnToIndex(line, err.column - 1);
  const start = Math.max(0, col - Math.floor(width * 0.75));
  const shown = line.slice(start, start + width);
  return [shown, ' '.repeat(col - start) + '^'];
}

/** Go counts columns in bytes; turn a byte offset into a string index. */
function byteColumnToIndex(line: string, bytes: number): number {
  let b = 0;
  let i = 0;
  for (const ch of line) {
    if (b >= bytes) return i;
    b += Buffer.byteLength(ch);
    i += ch.length;
  }
  return line.length + Math.max(0, bytes - b);
}
