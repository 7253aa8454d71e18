// Series descriptions, the notation of PromQL test scripts' `load` blocks and of promtool's
// rule unit tests: `metric{a="b"} 1 2+3x4 _ stale _x2`.
import { Labels, STALE_NAN } from '../model/index.js';
import { QueryError } from './errors.js';
import { parseExpr } from './parser/parser.js';

/** One slot of a series: a value, or undefined for "no sample" (`_`). */
export type SequenceValue = number | undefined;

export interface SeriesDesc {
  labels: Labels;
  /**
   * One slot per step. A typed array, because V8 canonicalises NaNs stored in plain arrays,
   * which would turn the staleness marker into an ordinary NaN.
   */
  values: Float64Array;
  /** 1 where the slot holds a sample, 0 for `_`. */
  present: Uint8Array;
}

const UNSIGNED = String.raw`(?:inf|nan|[0-9]+\.?[0-9]*(?:e[+-]?[0-9]+)?|\.[0-9]+(?:e[+-]?[0-9]+)?)`;
const ITEM_RE = new RegExp(`^([+-]?${UNSIGNED})(?:([+-])(${UNSIGNED})x([0-9]+)|x([0-9]+))?$`, 'i');

function num(s: string): number {
  const l = s.toLowerCase().replace(/^\+/, '');
  if (l === 'inf' || l === '+inf') return Infinity;
  if (l === '-inf') return -Infinity;
  if (l.endsWith('nan')) return NaN;
  return Number(s);
}

function bad(input: string, why: string): QueryError {
  return new QueryError('bad_data', `invalid series description ${JSON.stringify(input)}: ${why}`);
}

/** Parses a series description. Throws QueryError on malformed input. */
export function parseSeriesDesc(input: string): SeriesDesc {
  const text = input.trim();
  // The selector ends at the first space outside braces and quotes.
  let i = 0;
  let depth = 0;
  let quote = '';
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0 && /\s/.test(c)) break;
  }
  const sel = text.slice(0, i);
  const rest = text.slice(i).trim();
  let labels: Labels;
  if (sel === '{}') labels = Labels.EMPTY;
  else {
    const e = parseExpr(sel.startsWith('{') && /^\{\s*\}$/.test(sel) ? 'x' : sel);
    if (e.kind !== 'VectorSelector') throw bad(input, 'not a series selector');
    const pairs: [string, string][] = [];
    for (const m of e.matchers) {
      if (m.type !== '=') throw bad(input, 'only = matchers are allowed');
      pairs.push([m.name, m.value]);
    }
    labels = Labels.fromPairs(pairs);
  }
  const values: (number | undefined)[] = [];
  const staleAt: number[] = [];
  for (const tok of rest === '' ? [] : rest.split(/\s+/)) {
    if (tok === '_') {
      values.push(undefined);
      continue;
    }
    const blanks = /^_x([0-9]+)$/.exec(tok);
    if (blanks) {
      for (let k = 0; k < Number(blanks[1]); k++) values.push(undefined);
      continue;
    }
    if (tok === 'stale') {
      staleAt.push(values.length);
      values.push(NaN);
      continue;
    }
    const m = ITEM_RE.exec(tok);
    if (!m) throw bad(input, `unexpected ${JSON.stringify(tok)}`);
    let v = num(m[1]!);
    if (m[4] !== undefined) {
      const d = num(m[3]!) * (m[2] === '-' ? -1 : 1);
      for (let k = 0; k <= Number(m[4]); k++) {
        values.push(v);
        v += d;
      }
    } else if (m[5] !== undefined) {
      for (let k = 0; k <= Number(m[5]); k++) values.push(v);
    } else values.push(v);
  }
  const out = Float64Array.from(values, (v) => (v === undefined ? 0 : v));
  const present = Uint8Array.from(values, (v) => (v === undefined ? 0 : 1));
  for (const k of staleAt) out[k] = STALE_NAN;
  return { labels, values: out, present };
}

/**
 * Parses a metric with labels, `name{a="b"}` or `{a="b"}` (Prometheus's parser.ParseMetric),
 * as used by promtool's exp_samples. Throws on anything else.
 */
export function parseMetric(input: string): Labels {
  const d = parseSeriesDesc(input);
  if (d.values.length > 0) throw bad(input, 'unexpected values after the metric');
  return d.labels;
}
