// relabel_config actions with Prometheus 2.42's semantics (model/relabel): each step reads
// the label set produced by the previous one; the regex is fully anchored RE2.
import { createHash } from 'node:crypto';
import { AnchoredRegex, Labels, LabelsBuilder, isValidLabelName } from '../model/index.js';
import type { RelabelAction, RelabelConfig } from '../config/index.js';

/** A relabel config with its regex compiled once. */
export interface CompiledRelabel {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: AnchoredRegex;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly action: RelabelAction;
}

/** Defaults as Prometheus's DefaultRelabelConfig, for configs built by hand (tests, SD). */
export const DEFAULT_RELABEL: Readonly<RelabelConfig> = {
  source_labels: [],
  separator: ';',
  regex: '(.*)',
  modulus: 0,
  target_label: '',
  replacement: '$1',
  action: 'replace',
};

const compiledCache = new WeakMap<object, CompiledRelabel>();

/** Compiles (and caches per config object) a relabel config. Throws RegexError on a bad regex. */
export function compileRelabel(c: Partial<RelabelConfig>): CompiledRelabel {
  const hit = compiledCache.get(c);
  if (hit) return hit;
  const out: CompiledRelabel = {
    sourceLabels: c.source_labels ?? [],
    separator: c.separator ?? ';',
    regex: new AnchoredRegex(c.regex === undefined || c.regex === '' ? '(.*)' : c.regex),
    modulus: c.modulus ?? 0,
    targetLabel: c.target_label ?? '',
    replacement: c.replacement ?? '$1',
    action: c.action ?? 'replace',
  };
  compiledCache.set(c, out);
  return out;
}

/**
 * Applies configs in order. Returns the resulting labels, or null when a keep/drop style
 * action dropped the set. Labels with empty values disappear, as in Prometheus.
 */
export function relabel(labels: Labels, configs: readonly Partial<RelabelConfig>[]): Labels | null {
  let lset: Labels | null = labels;
  for (const c of configs) {
    lset = relabelStep(lset, compileRelabel(c));
    if (lset === null) return null;
  }
  return lset;
}

function relabelStep(lset: Labels, cfg: CompiledRelabel): Labels | null {
  let val = '';
  for (let i = 0; i < cfg.sourceLabels.length; i++) {
    if (i > 0) val += cfg.separator;
    val += lset.get(cfg.sourceLabels[i]!);
  }
  switch (cfg.action) {
    case 'drop':
      return cfg.regex.matches(val) ? null : lset;
    case 'keep':
      return cfg.regex.matches(val) ? lset : null;
    case 'dropequal':
      return lset.get(cfg.targetLabel) === val ? null : lset;
    case 'keepequal':
      return lset.get(cfg.targetLabel) === val ? lset : null;
    case 'replace': {
      const groups = cfg.regex.exec(val);
      // No match: no replacement takes place.
      if (groups === null) return lset;
      const names = cfg.regex.groupNames();
      const target = cfg.regex.expand(cfg.targetLabel, groups, names);
      const lb = new LabelsBuilder(lset);
      if (!isValidLabelName(target)) {
        lb.del(cfg.targetLabel);
        return lb.labels();
      }
      const res = cfg.regex.expand(cfg.replacement, groups, names);
      if (res === '') lb.del(cfg.targetLabel);
      else lb.set(target, res);
      return lb.labels();
    }
    case 'lowercase':
      return lset.with(cfg.targetLabel, val.toLowerCase());
    case 'uppercase':
      return lset.with(cfg.targetLabel, val.toUpperCase());
    case 'hashmod':
      return lset.with(cfg.targetLabel, String(hashmod(val, cfg.modulus)));
    case 'labelmap': {
      const lb = new LabelsBuilder(lset);
      const names = cfg.regex.groupNames();
      for (let i = 0; i < lset.length; i++) {
        const groups = cfg.regex.exec(lset.name(i));
        if (groups !== null) lb.set(cfg.regex.expand(cfg.replacement, groups, names), lset.value(i));
      }
      return lb.labels();
    }
    case 'labeldrop':
    case 'labelkeep': {
      const keep = cfg.action === 'labelkeep';
      const kv: string[] = [];
      for (let i = 0; i < lset.length; i++) {
        if (cfg.regex.matches(lset.name(i)) === keep) kv.push(lset.name(i), lset.value(i));
      }
      return kv.length === lset.kv.length ? lset : Labels.fromSortedFlat(kv);
    }
  }
}

/**
 * Prometheus's hashmod: the MD5 of the value, read as a big-endian uint64 from its last
 * 8 bytes (Go's shifts by >= 64 drop the first 8), modulo `modulus`.
 */
export function hashmod(val: string, modulus: number): number {
  const h = createHash('md5').update(val).digest();
  return Number(h.readBigUInt64BE(8) % BigInt(modulus));
}
