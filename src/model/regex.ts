import type { RE2JS } from 're2js';
import { lazyPackage } from './lazy.js';

/**
 * The RE2 engine, loaded on first use: evaluating re2js's module costs ~30 ms, which a
 * `promts tsdb` command whose matchers all take a shortcut below never needs to pay.
 */
const re2js = lazyPackage<{ RE2JS: typeof RE2JS }>('re2js');
function re2(): typeof RE2JS {
  return re2js().RE2JS;
}

/** Compiles `^(?:source)$`; throws RegexError with Go's wording when it is not valid RE2 syntax. */
function compile(source: string): RE2JS {
  try {
    // No DOTALL: in Prometheus 2.x (Go regexp defaults) '.' does not match a newline.
    return re2().compile('^(?:' + source + ')$');
  } catch (e) {
    throw new RegexError(source, e instanceof Error ? e.message : String(e));
  }
}

/**
 * A fully anchored regular expression with RE2 semantics (linear time: a user's regex can
 * never backtrack without bound). Common shapes are answered without running the regex at
 * all: a literal, an alternation of literals, `prefix.*`, `.*suffix`, `.*`, `.+`.
 */
export class AnchoredRegex {
  readonly source: string;
  private compiled: RE2JS | undefined;
  private readonly fast: ((s: string) => boolean) | undefined;

  /** Throws RegexError when `source` is not valid RE2 syntax. */
  constructor(source: string) {
    this.source = source;
    this.fast = fastMatcher(source);
    // The shortcut shapes are valid syntax by construction; everything else is checked now.
    if (!this.fast) this.compiled = compile(source);
  }

  private get re(): RE2JS {
    return (this.compiled ??= compile(this.source));
  }

  matches(s: string): boolean {
    return this.fast ? this.fast(s) : this.re.matches(s);
  }

  /** Capture groups of a whole-string match (index 0 = whole match), or null when it does not match. */
  exec(s: string): string[] | null {
    const m = this.re.matcher(s);
    if (!m.matches()) return null;
    const groups: string[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? '');
    return groups;
  }

  /**
   * Expands `$1`, `${1}`, `$name`, `${name}` in template with the groups of a match, the way Go's
   * Regexp.Expand does (an unknown group or an out-of-range index expands to '').
   */
  expand(template: string, groups: string[], names?: ReadonlyMap<string, number>): string {
    return expandTemplate(template, groups, names ?? this.groupNames());
  }

  groupNames(): ReadonlyMap<string, number> {
    const out = new Map<string, number>();
    const named = this.re.namedGroups() as Record<string, number> | Map<string, number>;
    if (named instanceof Map) for (const [k, v] of named) out.set(k, v);
    else for (const k of Object.keys(named)) out.set(k, named[k]!);
    return out;
  }
}

export class RegexError extends Error {
  readonly code = 'bad_regex';
  constructor(readonly source: string, readonly reason: string) {
    super(`error parsing regexp: ${reason}: \`${source}\``);
  }
}

function expandTemplate(tpl: string, groups: string[], names: ReadonlyMap<string, number>): string {
  let out = '';
  let i = 0;
  while (i < tpl.length) {
    const c = tpl[i]!;
    if (c !== '$' || i + 1 >= tpl.length) {
      out += c;
      i++;
      continue;
    }
    if (tpl[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string;
    let end: number;
    if (tpl[i + 1] === '{') {
      const close = tpl.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        i++;
        continue;
      }
      name = tpl.slice(i + 2, close);
      end = close + 1;
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += c;
        i++;
        continue;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(tpl.slice(i + 1));
      if (!m) {
        out += c;
        i++;
        continue;
      }
      name = m[0];
      end = i + 1 + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const n = Number(name);
      out += n < groups.length ? groups[n] : '';
    } else {
      const n = names.get(name);
      out += n !== undefined && n < groups.length ? groups[n] : '';
    }
    i = end;
  }
  return out;
}

const META = /[\\.+*?()|[\]{}^$]/;

function fastMatcher(src: string): ((s: string) => boolean) | undefined {
  // '.' does not match '\n' (Go's default flags), so the shortcuts check for it.
  if (src === '.*') return (s) => !s.includes('\n');
  if (src === '.+') return (s) => s.length > 0 && !s.includes('\n');
  // promtool's default `tsdb dump --match` selects everything this way.
  if (src === '(?s:.*)') return () => true;
  if (src === '(?s:.+)') return (s) => s.length > 0;
  if (!META.test(src)) return (s) => s === src;
  if (src.endsWith('.*') && !META.test(src.slice(0, -2))) {
    const p = src.slice(0, -2);
    return (s) => s.startsWith(p) && !s.includes('\n', p.length);
  }
  if (src.startsWith('.*') && !META.test(src.slice(2))) {
    const p = src.slice(2);
    return (s) => s.endsWith(p) && !s.slice(0, s.length - p.length).includes('\n');
  }
  const alts = src.split('|');
  if (alts.length > 1 && alts.every((a) => !META.test(a))) {
    const set = new Set(alts);
    return (s) => set.has(s);
  }
  return undefined;
}
