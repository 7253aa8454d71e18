/**
 * Go's filepath.Glob for the patterns Prometheus allows in rule_files and file_sd files
 * (meta characters * ? [...] in the last path element): sorted matches, [] when none.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const META = /[*?[\\]/;

export function hasGlobMeta(p: string): boolean {
  return META.test(p);
}

export function globFiles(pattern: string): string[] {
  if (!hasGlobMeta(pattern)) return existsSync(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  const base = basename(pattern);
  if (hasGlobMeta(dir)) {
    // Rare: meta in a directory element; expand it level by level.
    return globFiles(dir).flatMap((d) => globFiles(join(d, base))).sort();
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = globToRegExp(base);
  const prefix = pattern.startsWith('./') && dir === '.' ? './' : '';
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => (dir === '.' && !pattern.startsWith('./') ? n : prefix ? prefix + n : join(dir, n)));
}

function globToRegExp(g: string): RegExp {
  let re = '^';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = g.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let cls = g.slice(i + 1, close);
      if (cls.startsWith('^')) cls = '!' + cls.slice(1);
      re += '[' + (cls.startsWith('!') ? '^' + cls.slice(1) : cls).replace(/\\/g, '\\\\') + ']';
      i = close;
    } else if (c === '\\' && i + 1 < g.length) {
      re += '\\' + g[++i];
    } else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}
