// Shared by the fuzz and differential tests: a seeded PRNG so failures reproduce, and the
// corpus of real queries (upstream's parser cases and every `eval instant` of the 2.42 scripts).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/index.js';

/** mulberry32: small, fast and deterministic. */
export function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Query strings shorter than maxLen from ../shared/conformance/promql. */
export function queryCorpus(maxLen: number): string[] {
  const out: string[] = [];
  const cases = JSON.parse(readFileSync(join(conformanceDir, 'promql', 'parser-cases.json'), 'utf8')) as { cases: { input: unknown }[] };
  for (const c of cases.cases) if (typeof c.input === 'string' && c.input.length < maxLen) out.push(c.input);
  const dir = join(conformanceDir, 'promql');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.test'))) {
    for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = /^\s*eval\S*\s+instant\s+at\s+\S+\s+(.+)$/.exec(l);
      if (m) out.push(m[1]!);
    }
  }
  return out;
}
