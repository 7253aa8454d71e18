/**
 * Tab completion for the PromQL input: what kind of word sits before the cursor (a metric or
 * function name, a label name inside {} or by(...), a label value inside quotes), and how to
 * complete it from candidate lists the Query hook fetched from the API.
 */

/** PromQL 2.42's functions (promql/parser/functions.go) and aggregation operators. */
export const PROMQL_FUNCTIONS: readonly string[] = [
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time', 'ceil', 'changes',
  'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year',
  'days_in_month', 'deg', 'delta', 'deriv', 'exp', 'floor', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
  'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'last_over_time',
  'ln', 'log10', 'log2', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sqrt',
  'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year',
];
export const PROMQL_AGGREGATIONS: readonly string[] = ['avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'stddev', 'stdvar', 'sum', 'topk'];

export type CompletionKind = 'metric' | 'label_name' | 'label_value' | 'none';

export interface CompletionContext {
  readonly kind: CompletionKind;
  /** The partial word before the cursor, and where it starts. */
  readonly prefix: string;
  readonly start: number;
  /** For label_value: the label whose values are wanted. */
  readonly labelName?: string;
}

const WORD = /[A-Za-z0-9_:]*$/;

/** Reads the query up to the cursor the way the lexer would, tracking braces, parens and strings. */
export function completionContext(text: string, cursor: number): CompletionContext {
  const before = text.slice(0, cursor);
  let braces = 0;
  let brackets = 0;
  let quote: string | undefined;
  let quoteStart = -1;
  // Open parens that are label lists (by/without/on/ignoring/group_left/group_right).
  const parens: boolean[] = [];
  for (let i = 0; i < before.length; i++) {
    const ch = before[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      quoteStart = i;
    } else if (ch === '{') braces++;
    else if (ch === '}') braces = Math.max(0, braces - 1);
    else if (ch === '[') brackets++;
    else if (ch === ']') brackets = Math.max(0, brackets - 1);
    else if (ch === '(') parens.push(/\b(by|without|on|ignoring|group_left|group_right)\s*$/.test(before.slice(0, i)));
    else if (ch === ')') parens.pop();
  }
  if (quote) {
    if (braces === 0) return { kind: 'none', prefix: '', start: cursor };
    const m = /([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*$/.exec(before.slice(0, quoteStart));
    if (!m) return { kind: 'none', prefix: '', start: cursor };
    return { kind: 'label_value', prefix: before.slice(quoteStart + 1), start: quoteStart + 1, labelName: m[1] };
  }
  if (brackets > 0) return { kind: 'none', prefix: '', start: cursor };
  const prefix = WORD.exec(before)![0];
  const start = cursor - prefix.length;
  if (braces > 0 || parens[parens.length - 1]) return { kind: 'label_name', prefix: prefix.replace(/:/g, ''), start };
  return { kind: 'metric', prefix, start };
}

export interface Completed {
  readonly text: string;
  readonly cursor: number;
  /** The candidates still possible after completing, when more than one (shown as a list). */
  readonly choices: readonly string[];
}

/**
 * Completes the word at the cursor: one match is inserted whole (a function gets its "(", a
 * label value its closing quote), several are completed to their common prefix and listed.
 */
export function complete(text: string, cursor: number, ctx: CompletionContext, candidates: readonly string[], functions: ReadonlySet<string> = new Set()): Completed {
  const matches = [...new Set(candidates.filter((c) => c.startsWith(ctx.prefix)))].sort();
  if (matches.length === 0) return { text, cursor, choices: [] };
  let insert: string;
  let suffix = '';
  let choices: string[] = [];
  if (matches.length === 1) {
    insert = matches[0]!;
    const next = text[cursor];
    if (ctx.kind === 'metric' && functions.has(insert) && next !== '(') suffix = '(';
    if (ctx.kind === 'label_value' && next !== '"') suffix = '"';
  } else {
    insert = commonPrefix(matches);
    choices = matches;
  }
  const replaced = (ctx.kind === 'label_value' ? escapeLabelValue(insert) : insert) + suffix;
  return { text: text.slice(0, ctx.start) + replaced + text.slice(cursor), cursor: ctx.start + replaced.length, choices };
}

function commonPrefix(words: readonly string[]): string {
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Inside a double-quoted PromQL string, backslashes, quotes and newlines need escapes. */
function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
