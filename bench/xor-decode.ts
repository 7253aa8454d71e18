// Micro-benchmark: XOR chunk decoding (issue 4/6), in ns per sample.
//
//   node --import tsx bench/xor-decode.ts [rounds]
//   XOR_BASELINE=/path/to/old/xor.ts node --import tsx bench/xor-decode.ts   # side by side
//
// With XOR_BASELINE (a module exporting XORIterator, e.g. the previous src/tsdb/chunkenc/xor.ts
// saved with `git show`), the chunk workloads run with both decoders and print the ratio.
// Workloads:
//   fixture chunks   every chunk of ../shared/fixtures/blocks, decoded with one reused XORIterator
//   generated chunks 120-sample chunks: counters, gauges with noisy floats, jittered scrape
//                    times, stale markers; the mix a scrape produces
//   block iterate    every series of every fixture block through BlockQuerier (chunk lookup,
//                    CRC check, decode, range clipping): what a PromQL selector pays
// Each line also prints a digest of every (t, value bits) pair, so a rewrite of the decoder
// can be checked for bit-exact output against the previous one on the same data.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XORChunk, XORIterator } from '../src/tsdb/chunkenc/index.js';
import { Block, ChunkReader, type RawChunk } from '../src/tsdb/block/index.js';
import { Matcher } from '../src/model/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = existsSync(join(here, '..', 'package.json')) ? resolve(here, '..') : resolve(here, '..', '..');
const fixtures = resolve(root, '..', 'shared', 'fixtures', 'blocks');
const rounds = Number(process.argv[2] ?? 7);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** FNV-style digest over t and the raw value bits (the stale NaN payload included). */
function mix(h: number, t: number, v: number): number {
  f64[0] = v;
  h = Math.imul(h ^ (t >>> 0), 16777619);
  h = Math.imul(h ^ ((t / 4294967296) | 0), 16777619);
  h = Math.imul(h ^ u32[0]!, 16777619);
  return Math.imul(h ^ u32[1]!, 16777619) >>> 0;
}

function fixtureChunks(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of readdirSync(fixtures).sort()) {
    const cr = ChunkReader.open(join(fixtures, d, 'chunks'));
    const raw: RawChunk = { encoding: 0, data: new Uint8Array(0) };
    for (const ref of cr.allRefs()) {
      cr.chunk(ref, raw);
      if (raw.encoding === 1) out.push(raw.data);
    }
  }
  return out;
}

function generatedChunks(n: number): Uint8Array[] {
  let seed = 42;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const stale = new Float64Array(1);
  new Uint32Array(stale.buffer).set([2, 0x7ff00000]);
  const out: Uint8Array[] = [];
  for (let s = 0; s < n; s++) {
    const c = new XORChunk();
    const a = c.appender();
    let t = 1675211400000 + s * 7;
    let counter = Math.floor(rnd() * 1e6);
    const kind = s % 4;
    for (let i = 0; i < 120; i++) {
      t += 15000 + (rnd() < 0.3 ? Math.floor(rnd() * 40) - 20 : 0);
      let v: number;
      if (kind === 0) v = counter += Math.floor(rnd() * 100);
      else if (kind === 1) v = rnd() * 1000;
      else if (kind === 2) v = Math.round(rnd() * 4) / 4;
      else v = i === 119 ? stale[0]! : 0.5 + Math.floor(i / 30);
      a.append(t, v);
    }
    out.push(c.bytes().slice());
  }
  return out;
}

interface Decoder {
  reset(b: Uint8Array): Decoder;
  next(): boolean;
  err(): Error | null;
  readonly t: number;
  readonly v: number;
}

/** Decodes every chunk; the timed pass only sums, the digest pass checks the bits. */
function decodeAll(it: Decoder, chunks: readonly Uint8Array[], digest: boolean): { samples: number; digest: number } {
  let samples = 0;
  let d = 2166136261;
  let sum = 0;
  for (const c of chunks) {
    it.reset(c);
    if (digest) {
      while (it.next()) {
        d = mix(d, it.t, it.v);
        samples++;
      }
    } else {
      while (it.next()) {
        sum += it.t;
        samples++;
      }
    }
    if (it.err()) throw it.err();
  }
  return { samples, digest: digest ? d : sum };
}

function iterateBlocks(blocks: readonly Block[]): { samples: number; digest: number } {
  const all = new Matcher('=~', '__name__', '.+');
  let samples = 0;
  let digest = 2166136261;
  for (const b of blocks) {
    const ss = b.querier(b.meta.minTime, b.meta.maxTime).select(false, undefined, all);
    let it;
    while (ss.next()) {
      it = ss.at().iterator(it);
      while (it.next()) {
        digest = mix(digest, it.t, it.v);
        samples++;
      }
      if (it.err()) throw it.err();
    }
    if (ss.err()) throw ss.err();
  }
  return { samples, digest };
}

function bench(name: string, fn: () => { samples: number; digest: number }, check: () => { samples: number; digest: number }): number {
  for (let i = 0; i < 3; i++) fn(); // warm up the JIT
  const ns: number[] = [];
  let r = { samples: 0, digest: 0 };
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    r = fn();
    ns.push(Number(process.hrtime.bigint() - t0) / r.samples);
  }
  ns.sort((a, b) => a - b);
  const med = ns[ns.length >> 1]!;
  const c = check();
  process.stdout.write(`${name.padEnd(28)} ${med.toFixed(2).padStart(7)} ns/sample (min ${ns[0]!.toFixed(2)})  ${r.samples} samples  digest ${c.digest.toString(16).padStart(8, '0')}\n`);
  return med;
}

const fx = fixtureChunks();
const gen = generatedChunks(20000);
const blocks = readdirSync(fixtures).sort().map((d) => Block.open(join(fixtures, d)));
const baselinePath = process.env['XOR_BASELINE'];
const Baseline = baselinePath ? ((await import(resolve(baselinePath))) as { XORIterator: new (b: Uint8Array) => Decoder }).XORIterator : undefined;
process.stdout.write(`node ${process.versions.node}, ${rounds} rounds, median\n`);
for (const [name, chunks] of [['fixture chunks', fx], ['generated chunks', gen]] as const) {
  const cur = new XORIterator(new Uint8Array(0));
  const now = bench(name, () => decodeAll(cur, chunks, false), () => decodeAll(cur, chunks, true));
  if (Baseline) {
    const old = new Baseline(new Uint8Array(0));
    const before = bench(`${name} (baseline)`, () => decodeAll(old, chunks, false), () => decodeAll(old, chunks, true));
    process.stdout.write(`${''.padEnd(28)} ratio now/baseline ${(now / before).toFixed(2)}\n`);
  }
}
bench('block iterate', () => iterateBlocks(blocks), () => iterateBlocks(blocks));
