// textparse: exposition parsers over bytes (Prometheus text 0.0.4, OpenMetrics 1.0), chosen
// by Content-Type as Prometheus 2.42 does. Other areas import only this file.
import { OpenMetricsParser } from './openmetricsparse.js';
import type { Parser } from './parser.js';
import { PromParser } from './promparse.js';

export { Entry, ENTRY_NAMES, type Parser } from './parser.js';
export { PromParser } from './promparse.js';
export { OpenMetricsParser } from './openmetricsparse.js';
export { TextParseError } from './errors.js';
export { goQuote } from './gonum.js';
export { lintMetrics, cardinality, checkMetrics, type LintProblem, type LintResult, type CardinalityStat, type CheckMetricsOutput } from './promlint.js';

/** The media type of a Content-Type header value, lower-cased, or '' when it cannot be parsed. */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  const mt = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(mt) ? mt : '';
}

/**
 * Picks the parser for a scrape body like Prometheus 2.42's textparse.New:
 * `application/openmetrics-text` → OpenMetrics, anything else (missing, unparsable, or
 * text/plain) → the Prometheus text parser. (Protobuf is only negotiated by Prometheus
 * with native histograms enabled; promts never asks for it, so it falls back to text.)
 */
export function newParser(body: Uint8Array, contentType: string | undefined): Parser {
  if (contentType && mediaType(contentType) === 'application/openmetrics-text') return new OpenMetricsParser(body);
  return new PromParser(body);
}
