// Unescaping of label values and help text. Only the escapes Prometheus's replacers know
// are turned into characters; any other backslash sequence is kept as written.

/** `\"` `\\` `\n` in a label value (both formats; OpenMetrics help text too). */
export function unescapeLabelValue(b: Uint8Array, start: number, end: number): string {
  const s = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
  return s.indexOf('\\') < 0 ? s : s.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Prometheus text format help: only `\\` and `\n`. */
export function unescapeHelpProm(b: Uint8Array, start: number, end: number): string {
  const s = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
  return s.indexOf('\\') < 0 ? s : s.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
