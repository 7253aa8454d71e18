/**
 * relabel_config decoding and validation with Prometheus 2.42's rules (model/relabel): the
 * action's required fields, target_label/replacement shapes, the RE2 regex compiled anchored.
 * Checks run while decoding, as relabel.Config.UnmarshalYAML does, so the first bad rule in
 * the file is the one reported.
 */
import { RELABEL_ACTIONS, type RelabelAction, type RelabelConfig } from './types.js';
import type { Decoder, YNode } from './yaml.js';
import { goQuote } from './errors.js';
import { AnchoredRegex, RegexError } from '../model/index.js';

export const DEFAULT_RELABEL: Readonly<Omit<RelabelConfig, 'source_labels'>> = {
  separator: ';',
  regex: '(.*)',
  modulus: 0,
  target_label: '',
  replacement: '$1',
  action: 'replace',
};

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// A target_label / labelmap replacement may contain $1 / ${name} references.
const RELABEL_TARGET_RE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

export function isLegacyLabelName(s: string): boolean {
  return LABEL_NAME_RE.test(s);
}

/** Compiles `^(?:re)$` with RE2 semantics; returns Go's error text on failure. */
export function compileAnchored(re: string): string | undefined {
  try {
    new AnchoredRegex(re);
    return undefined;
  } catch (e) {
    if (e instanceof RegexError) return e.reason;
    throw e;
  }
}

const RELABEL_HINT = 'See the relabel_config reference: each action needs specific fields.';

export function decodeRelabelConfig(d: Decoder, n: YNode): RelabelConfig {
  const c: RelabelConfig = { source_labels: [], ...DEFAULT_RELABEL };
  let sourceLabelsSet = false;
  const r = d.struct(n, 'relabel.plain', {
    source_labels: (v) => {
      const names = d.list(v, 'model.LabelNames', (it) => {
        const s = d.str(it, 'model.LabelName');
        if (!LABEL_NAME_RE.test(s)) d.fail(`${goQuote(s)} is not a valid label name`, it, 'Label names match [a-zA-Z_][a-zA-Z0-9_]*.');
        return s;
      });
      sourceLabelsSet = names !== undefined;
      c.source_labels = names ?? [];
    },
    separator: (v) => (c.separator = d.str(v)),
    regex: (v) => {
      const s = d.str(v);
      if (d.isNull(v)) {
        c.regex = '';
        return;
      }
      const err = compileAnchored(s);
      if (err !== undefined) d.fail(err, v, 'Fix the regular expression (RE2 syntax: no lookaround or backreferences).');
      c.regex = s;
    },
    modulus: (v) => (c.modulus = d.int(v, 'uint64')),
    target_label: (v) => (c.target_label = d.str(v)),
    replacement: (v) => (c.replacement = d.str(v)),
    action: (v) => {
      const s = d.str(v, 'relabel.Action');
      if (d.isNull(v)) {
        c.action = '' as RelabelAction;
        return;
      }
      const act = s.toLowerCase() as RelabelAction;
      if (!RELABEL_ACTIONS.includes(act)) d.fail(`unknown relabel action ${goQuote(s)}`, v, `Use one of: ${RELABEL_ACTIONS.join(', ')}.`);
      c.action = act;
    },
  });
  if (!r.ok) return c;
  const node = r.node;
  const at = (k: string): YNode => r.nodes.get(k) ?? node;
  const a = c.action;
  if ((a as string) === '') d.fail('relabel action cannot be empty', at('action'), RELABEL_HINT);
  if (c.modulus === 0 && a === 'hashmod') d.fail('relabel configuration for hashmod requires non-zero modulus', node, 'Set modulus to a positive integer.');
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (needsTarget && c.target_label === '') d.fail(`relabel configuration for ${a} action requires 'target_label' value`, node, 'Set target_label to the label to write.');
  const templTarget = a === 'replace' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (templTarget && !RELABEL_TARGET_RE.test(c.target_label)) d.fail(`${goQuote(c.target_label)} is invalid 'target_label' for ${a} action`, at('target_label'), 'target_label must be a label name, optionally with $1 / ${name} references.');
  const noReplacement = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (noReplacement && c.replacement !== DEFAULT_RELABEL.replacement) d.fail(`'replacement' can not be set for ${a} action`, at('replacement'), RELABEL_HINT);
  if (a === 'labelmap' && !RELABEL_TARGET_RE.test(c.replacement)) d.fail(`${goQuote(c.replacement)} is invalid 'replacement' for ${a} action`, at('replacement'), 'The labelmap replacement must form a label name, e.g. $1 or prefix_${1}.');
  if (a === 'hashmod' && !LABEL_NAME_RE.test(c.target_label)) d.fail(`${goQuote(c.target_label)} is invalid 'target_label' for ${a} action`, at('target_label'), 'target_label must be a plain label name for hashmod.');
  if (a === 'dropequal' || a === 'keepequal') {
    // Upstream compares the compiled regex by pointer, so any explicit regex counts as "set".
    if (r.present.has('regex') || c.modulus !== 0 || c.separator !== DEFAULT_RELABEL.separator || c.replacement !== DEFAULT_RELABEL.replacement) {
      d.fail(`${a} action requires only 'source_labels' and \`target_label\`, and no other fields`, node, RELABEL_HINT);
    }
  }
  if (a === 'labeldrop' || a === 'labelkeep') {
    if (sourceLabelsSet || c.target_label !== '' || c.modulus !== 0 || c.separator !== DEFAULT_RELABEL.separator || c.replacement !== DEFAULT_RELABEL.replacement) {
      d.fail(`${a} action requires only 'regex', and no other fields`, node, RELABEL_HINT);
    }
  }
  return c;
}

/**
 * Decodes a list of relabel rules; a null entry is an error with the list's own wording
 * ("empty or null target relabeling rule in scrape config", ...), reported after the
 * section is decoded like upstream. Returns the rules and whether a null was seen.
 */
export function decodeRelabelList(d: Decoder, n: YNode): { rules: RelabelConfig[]; nullAt: YNode | undefined; present: boolean } {
  let nullAt: YNode | undefined;
  const rules: RelabelConfig[] = [];
  const list = d.list(n, '[]*relabel.Config', (it) => {
    if (d.isNull(it)) {
      nullAt ??= it ?? n;
      return undefined;
    }
    return decodeRelabelConfig(d, it);
  });
  for (const r of list ?? []) if (r) rules.push(r);
  return { rules, nullAt, present: list !== undefined };
}
