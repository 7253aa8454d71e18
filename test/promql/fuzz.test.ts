// Random and mutated queries must never crash or hang the parser: every input either parses
// (and its printed form parses again) or fails with a positioned ParseError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng, queryCorpus } from './corpus.js';
import { parseExpr, formatExpr, ParseError } from '../../src/promql/index.js';

const TOKENS = ['(', ')', '{', '}', '[', ']', ',', '=', '=~', '!~', '!=', '==', '+', '-', '*', '/', '%', '^', '@', ':', 'offset', 'by', 'without',
  'on', 'ignoring', 'group_left', 'group_right', 'bool', 'sum', 'topk', 'rate', 'foo', '"x"', "'y'", '`z`', '5m', '1', '0x1f', 'Inf', 'NaN', ' ', '#', '\n',
  'start()', 'end()', '\\', '"', '.', '1e', '_', 'é', '\u00ff'];

function mutate(s: string, r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const pos = Math.floor(r() * (s.length + 1));
  switch (Math.floor(r() * 5)) {
    case 0: return s.slice(0, pos) + s.slice(pos + 1 + Math.floor(r() * 3));
    case 1: return s.slice(0, pos) + pick(TOKENS) + s.slice(pos);
    case 2: return s.slice(0, pos) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(pos);
    case 3: {
      const a = Math.floor(r() * s.length);
      return s.slice(0, pos) + s.slice(a, a + 1 + Math.floor(r() * 8)) + s.slice(pos);
    }
    default: return Array.from({ length: 1 + Math.floor(r() * 12) }, () => pick(TOKENS)).join(r() < 0.5 ? ' ' : '');
  }
}

test('fuzzed queries never crash or hang the parser; errors carry positions', () => {
  const r = rng(42);
  const seeds = queryCorpus(400);
  const deadline = performance.now() + 2000;
  let n = 0;
  let parsed = 0;
  while (performance.now() < deadline) {
    let q = seeds[Math.floor(r() * seeds.length)]!;
    const rounds = 1 + Math.floor(r() * 3);
    for (let k = 0; k < rounds; k++) q = mutate(q, r);
    const t0 = performance.now();
    try {
      const e = parseExpr(q);
      parsed++;
      const printed = formatExpr(e);
      if (!printed.includes('\ufffd')) {
        assert.doesNotThrow(() => parseExpr(printed), `printed form of ${JSON.stringify(q)} must parse: ${printed}`);
      }
    } catch (e) {
      assert.ok(e instanceof ParseError, `${JSON.stringify(q)} threw ${String(e)}`);
      const bytes = Buffer.byteLength(q);
      assert.ok(e.position.start >= 0 && e.position.start <= bytes, `${JSON.stringify(q)}: position ${e.position.start} outside input`);
      assert.match(e.message, /^\d+:\d+: parse error: ./);
    }
    assert.ok(performance.now() - t0 < 500, `parsing ${JSON.stringify(q)} took too long`);
    n++;
  }
  console.log(`promql fuzz: ${n} inputs, ${parsed} parsed, none crashed`);
  assert.ok(n > 1000);
});
