import { PromtsError } from '../model/index.js';

export type QueryErrorCode = 'bad_data' | 'execution' | 'timeout' | 'canceled';

/** A byte range in the query text (end exclusive), as Prometheus's PositionRange. */
export interface PositionRange {
  start: number;
  end: number;
}

/**
 * Every error the PromQL layer raises. `message` keeps Prometheus's exact wording so HTTP
 * clients and scripts that grep for it keep working; callers switch on `code`.
 */
export class QueryError extends PromtsError {
  constructor(
    override readonly code: QueryErrorCode,
    message: string,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}

/**
 * A syntax or type error in a query. The message carries Prometheus's `line:col: parse error:`
 * prefix; line and column are 1-based, column counted in bytes as Go does.
 */
export class ParseError extends QueryError {
  readonly line: number;
  readonly column: number;
  /** The bare reason without position prefix, e.g. `unexpected end of input`. */
  readonly reason: string;
  constructor(
    readonly query: string,
    readonly position: PositionRange,
    reason: string,
  ) {
    const { line, column, prefix } = locate(query, position.start);
    super('bad_data', `${prefix} parse error: ${reason}`);
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

function locate(query: string, pos: number): { line: number; column: number; prefix: string } {
  const bytes = Buffer.from(query, 'utf8');
  if (pos < 0 || pos > bytes.length) return { line: 0, column: 0, prefix: 'invalid position:' };
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < pos; i++) {
    if (bytes[i] === 0x0a) {
      lastBreak = i;
      line++;
    }
  }
  const column = pos - lastBreak;
  return { line, column, prefix: `${line}:${column}:` };
}

/** The query with a caret line under the error position, for terminals. */
export function formatCaret(query: string, err: QueryError): string {
  if (!(err instanceof ParseError) || err.line === 0) return `${err.message}\n${query}`;
  const lines = query.split('\n');
  const text = lines[err.line - 1] ?? '';
  // Columns are byte based; map back to characters for the caret.
  const prefixBytes = Buffer.from(text, 'utf8').subarray(0, Math.max(0, err.column - 1));
  const chars = [...prefixBytes.toString('utf8')].length;
  return `${err.message}\n${text}\n${' '.repeat(chars)}^`;
}

export const errTimeout = (where: string): QueryError => new QueryError('timeout', `query timed out in ${where}`);
export const errCanceled = (where: string): QueryError => new QueryError('canceled', `query was canceled in ${where}`);
export const errTooManySamples = (where: string): QueryError =>
  new QueryError('execution', `query processing would load too many samples into memory in ${where}`);
