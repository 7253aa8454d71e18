// Random and mutated bodies: the parsers must either parse or throw TextParseError, never
// anything else, and always finish (a bounded budget of a few seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/index.js';
import { Entry, OpenMetricsParser, PromParser, TextParseError, type Parser } from '../../src/textparse/index.js';

// A small deterministic PRNG so a failure can be replayed from the printed seed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = Buffer.from('ab_:{}="\\, \t\n#01.eE+-InfNa HELPTYPEUNITEOF\x00\xff');

function exercise(p: Parser, maxEntries: number): void {
  let n = 0;
  try {
    for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
      if (e === Entry.Series) {
        p.labels();
        p.series();
        p.exemplar();
      }
      // Every next() consumes input, so a body of N bytes yields at most N entries.
      assert.ok(++n <= maxEntries, 'parser does not advance');
    }
  } catch (e) {
    if (!(e instanceof TextParseError)) throw e;
  }
}

test('fuzz: random and mutated bodies only ever raise TextParseError', () => {
  const seed = Date.now() & 0xffff;
  const r = rng(seed);
  const corpus = [
    readFileSync(join(conformanceDir, 'textparse', 'promtestdata.txt')),
    readFileSync(join(conformanceDir, 'textparse', 'v3.0.0', 'omtestdata.txt')),
    readFileSync(join(conformanceDir, 'textparse', 'v3.0.0', 'omhistogramdata.txt')),
  ];
  const deadline = Date.now() + 2000;
  let runs = 0;
  while (Date.now() < deadline) {
    let body: Buffer;
    if (runs % 2 === 0) {
      body = Buffer.alloc(1 + Math.floor(r() * 200));
      for (let i = 0; i < body.length; i++) body[i] = ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    } else {
      const src = corpus[runs % corpus.length]!;
      const off = Math.floor(r() * (src.length - 400));
      body = Buffer.from(src.subarray(off, off + 400));
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) body[Math.floor(r() * body.length)] = ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    }
    exercise(new PromParser(body), body.length + 2);
    exercise(new OpenMetricsParser(body), body.length + 2);
    runs++;
  }
  assert.ok(runs > 100, `only ${runs} runs (seed ${seed})`);
  console.log(`# fuzz: ${runs} bodies, seed ${seed}`);
});
