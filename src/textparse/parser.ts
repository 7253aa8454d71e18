import type { Labels } from '../model/index.js';
import type { Exemplar, MetricType } from '../storage/index.js';

/** What next() found. Numbers, not strings, so the per-line switch is cheap. */
export const Entry = {
  EOF: 0,
  Series: 1,
  Help: 2,
  Type: 3,
  Unit: 4,
  Comment: 5,
} as const;
export type Entry = (typeof Entry)[keyof typeof Entry];

export const ENTRY_NAMES: Readonly<Record<Entry, string>> = { 0: 'eof', 1: 'series', 2: 'help', 3: 'type', 4: 'unit', 5: 'comment' };

/**
 * A pull parser over one exposition body held in memory. Call next() until it returns
 * Entry.EOF; it throws TextParseError (Prometheus's message, plus line and offset) on the
 * first malformed entry, after which the parser must not be used. Accessors describe the
 * entry next() just returned and are only valid until the following next().
 *
 * Nothing is allocated per series unless asked for: the raw series text is a byte range
 * [seriesStart, seriesEnd) of `bytes`, and value/timestamp are plain fields. labels(),
 * series() and exemplar() build objects on demand (the scrape cache skips them on a hit).
 */
export interface Parser {
  next(): Entry;
  /** The body being parsed (the prom parser holds a copy with a trailing newline). */
  readonly bytes: Uint8Array;
  /** Byte range of the raw series text (metric name and label block, as written). */
  readonly seriesStart: number;
  readonly seriesEnd: number;
  readonly value: number;
  readonly hasTimestamp: boolean;
  /** Milliseconds; meaningful only when hasTimestamp. */
  readonly timestamp: number;
  /** The raw series text as a string. */
  series(): string;
  /** Metric name of the current series (bytes before the label block). */
  metricName(): string;
  /** The label set of the current series, __name__ included, unescaped and sorted. */
  labels(): Labels;
  /** Exemplar of the current series (OpenMetrics only), or null. */
  exemplar(): Exemplar | null;
  /** For Help / Type / Unit entries: the metric family name. */
  metaName(): string;
  /** For Help: the unescaped help text. */
  help(): string;
  /** For Type: the type (Prometheus's text format says "untyped"; reported as 'unknown'). */
  type(): MetricType;
  /** For Unit: the unit. */
  unit(): string;
  /** For Comment: the whole comment line as written. */
  comment(): string;
}
