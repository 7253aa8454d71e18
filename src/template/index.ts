// template: Go text/template as Prometheus uses it for alert labels/annotations and consoles.
import { TemplateError } from './errors.js';
import { execute } from './exec.js';
import { prometheusFuncs, type PrometheusFuncOptions, type QuerySample, type QueryFn } from './funcs.js';
import { parseTemplate } from './parse.js';

export { TemplateError, type TemplateErrorCode } from './errors.js';
export { SafeHtml, truth } from './exec.js';
export { formatG, formatE, formatFloatV, sprintf, formatGoValue } from './gofmt.js';
export { humanize, humanize1024, humanizeDuration, type QuerySample, type QueryFn, type PrometheusFuncOptions } from './funcs.js';

/** The variable prelude Prometheus prepends to alert templates (rules/alerting.go). */
export const ALERT_TEMPLATE_DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

const FUNC_NAMES = new Set(prometheusFuncs({}).keys());

/**
 * Parses an alert template the way rulefmt's testTemplateParsing does, returning Go's error text
 * (e.g. `template: __alert_X:1: function "foo" not defined`) or null when it parses.
 */
export function checkTemplateSyntax(name: string, text: string): string | null {
  try {
    parseTemplate(name, ALERT_TEMPLATE_DEFS + text, FUNC_NAMES);
    return null;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}

export interface AlertTemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}

export interface ExpandOptions extends PrometheusFuncOptions {}

/**
 * Prometheus's template.Expander: parses and executes `text` named `name`. Errors come back as
 * Prometheus words them: "error parsing template NAME: ..." / "error executing template NAME: ...".
 */
export async function expandTemplate(name: string, text: string, data: unknown, opts: ExpandOptions = {}): Promise<string> {
  const funcs = prometheusFuncs(opts);
  let tmpls;
  try {
    tmpls = parseTemplate(name, text, new Set(funcs.keys()));
  } catch (e) {
    throw new TemplateError('template_parse', `error parsing template ${name}: ${(e as Error).message}`);
  }
  try {
    return await execute(tmpls, name, data, funcs);
  } catch (e) {
    throw new TemplateError('template_exec', `error executing template ${name}: ${(e as Error).message}`);
  }
}

/** Expands one alert label or annotation template with the $labels/$value/... prelude. */
export function expandAlertTemplate(alertName: string, text: string, d: AlertTemplateData, opts: ExpandOptions = {}): Promise<string> {
  const data = { Labels: d.labels, ExternalLabels: d.externalLabels, ExternalURL: d.externalURL, Value: d.value };
  return expandTemplate(`__alert_${alertName}`, ALERT_TEMPLATE_DEFS + text, data, opts);
}

export type { QuerySample as TemplateSample };
export type { QueryFn as TemplateQueryFn };
