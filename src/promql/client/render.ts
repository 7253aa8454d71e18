// Output for `promts query ...`: promtool's text (promql), the API's JSON, or a table on a TTY.
import Table from 'cli-table3';
import { PromClient, formatValuePromQL, labelSetString, parseTimeArg, valueRows, type ApiData, type ApiMetric, type ClientOptions } from './index.js';
import { parseExpr } from '../parser/index.js';
import { ParseError, formatCaret } from '../errors.js';
import { renderError } from '../../cli/index.js';

export type OutputFormat = 'promql' | 'json' | 'table';

/** promtool defaults to promql; a terminal gets a table unless a format was asked for. */
export function pickFormat(flag: string | undefined, isTTY: boolean): OutputFormat {
  if (flag === 'promql' || flag === 'json' || flag === 'table') return flag;
  return isTTY ? 'table' : 'promql';
}

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r);
  return t.toString();
}

export function renderValue(d: ApiData, f: OutputFormat): string {
  if (f === 'json') return JSON.stringify(d);
  if (f === 'promql') return formatValuePromQL(d);
  return table(['series', 'time', 'value'], valueRows(d));
}

export function renderSeries(s: ApiMetric[], f: OutputFormat): string {
  if (f === 'json') return JSON.stringify(s);
  if (f === 'promql') return s.map(labelSetString).join('\n');
  return table(['series'], s.map((m) => [labelSetString(m)]));
}

export function renderLabelValues(v: string[], f: OutputFormat): string {
  if (f === 'json') return JSON.stringify(v);
  if (f === 'promql') return v.join('\n');
  return table(['value'], v.map((x) => [x]));
}

/**
 * What `promts query instant` and its short form `promts query EXPR` print: the expression is
 * parsed locally first (a bad query gets the caret error without a round trip), then evaluated
 * on the server at `time` (default now).
 */
export async function instantQueryText(server: string, expr: string, time: string | undefined, format: string | undefined, isTTY: boolean, client: ClientOptions = {}): Promise<string> {
  parseExpr(expr);
  const t = time !== undefined ? parseTimeArg(time) : Date.now();
  const { data } = await new PromClient(server, client).instant(expr, t);
  return renderValue(data, pickFormat(format, isTTY));
}

/** The error text for a failed query command: the caret picture for parse errors. */
export function queryErrorText(expr: string, e: unknown): string {
  return e instanceof ParseError ? formatCaret(expr, e) : renderError(e);
}
