import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { XORChunk, XORIterator, Encoding } from '../../../src/tsdb/chunkenc/index.js';
import { ChunkReader, blockDirs } from '../../../src/tsdb/block/index.js';
import { STALE_NAN, isStaleNaN } from '../../../src/model/index.js';
import { fixturesDir } from '../../helpers/index.js';

const bitsOf = (v: number): string => {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, v);
  return d.getBigUint64(0).toString(16);
};

// Values go through Float64Array: V8 canonicalises NaN payloads in plain JS double arrays,
// which would hide whether the chunk kept the staleness marker's bits.
function roundTrip(ts: number[], vs: ArrayLike<number>): void {
  const c = new XORChunk();
  const a = c.appender();
  for (let i = 0; i < ts.length; i++) a.append(ts[i]!, vs[i]!);
  assert.equal(c.numSamples(), ts.length);
  const it = c.iterator();
  for (let i = 0; i < ts.length; i++) {
    assert.ok(it.next(), `sample ${i} present`);
    assert.equal(it.t, ts[i]);
    assert.equal(bitsOf(it.v), bitsOf(vs[i]!), `value bits of sample ${i}`);
  }
  assert.equal(it.next(), false);
  assert.equal(it.err(), null);
}

describe('XOR chunk encoding', () => {
  test('round-trips tricky values bit for bit', () => {
    const vs = Float64Array.of(1, NaN, STALE_NAN, Infinity, -Infinity, -0, 0, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 9007199254740992, 0.1, 0.1, 0.30000000000000004, STALE_NAN, 42);
    const ts = Array.from(vs, (_, i) => 1675211400000 + i * 15000);
    roundTrip(ts, vs);
    const c = new XORChunk();
    const a = c.appender();
    ts.forEach((t, i) => a.append(t, vs[i]!));
    const it = c.iterator();
    let stale = 0;
    while (it.next()) if (isStaleNaN(it.v)) stale++;
    assert.equal(stale, 2, 'both staleness markers keep their exact NaN payload');
  });

  test('round-trips every delta-of-delta bucket, negative dods and huge jumps', () => {
    const ts = [-5000, 0, 1, 3, 8195, 16390, 16391, 100000, 100001, 700000, 700002, 1e12, 1e12 + 1, 1e12 + 3, 4e15, 4e15 + 1, 4e15 + 1 + 8193, 4e15 + 2 + 2 * 8193];
    // Boundaries of the 14/17/20-bit buckets on both sides.
    let t = 1000;
    let d = 1000;
    ts.push(...[]);
    const bound: number[] = [];
    for (const dod of [8192, -8191, 8193, -8192, 65536, -65535, 65537, -65536, 524288, -524287, 524289, -524288, 0, -1]) {
      d += dod;
      if (d <= 0) d = 1;
      t += d;
      bound.push(t);
    }
    roundTrip(ts, ts.map((x, i) => i * 1.5));
    roundTrip(bound, bound.map(() => 7));
  });

  test('round-trips random walks across many chunks', () => {
    let seed = 0x5eed;
    const rnd = (): number => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
    for (let k = 0; k < 50; k++) {
      const ts: number[] = [];
      const vs: number[] = [];
      let t = 1675211400000;
      let v = rnd() * 1000;
      for (let i = 0; i < 120; i++) {
        t += 15000 + Math.floor((rnd() - 0.5) * 80);
        v = k % 3 === 0 ? v + Math.floor(rnd() * 10) : rnd() < 0.2 ? v : v * (1 + (rnd() - 0.5) / 10);
        ts.push(t);
        vs.push(v);
      }
      roundTrip(ts, vs);
    }
  });

  test('an appender reopened on an existing chunk continues it', () => {
    const c = new XORChunk();
    const a = c.appender();
    a.append(1000, 1);
    a.append(2000, 2.5);
    a.append(3000, 2.5);
    const reopened = new XORChunk(c.bytes());
    const b = reopened.appender();
    b.append(4000, 3.75);
    b.append(5100, -1);
    const it = reopened.iterator();
    const got: string[] = [];
    while (it.next()) got.push(`${it.t}:${it.v}`);
    assert.deepEqual(got, ['1000:1', '2000:2.5', '3000:2.5', '4000:3.75', '5100:-1']);
  });

  test('a second appender on a live chunk writes exactly what one appender would', () => {
    const one = new XORChunk();
    const a = one.appender();
    const two = new XORChunk();
    let b = two.appender();
    for (let i = 0; i < 60; i++) {
      const t = 1000 + i * 15000 + (i % 7) * 13;
      const v = i % 5 === 0 ? i : i * 0.37;
      a.append(t, v);
      if (i % 9 === 0) b = two.appender();
      b.append(t, v);
    }
    assert.deepEqual(Buffer.from(two.bytes()), Buffer.from(one.bytes()));
  });

  test('seek never moves backwards and finds the first sample at or after t', () => {
    const c = new XORChunk();
    const a = c.appender();
    for (let i = 0; i < 10; i++) a.append(i * 10, i);
    const it = c.iterator();
    assert.ok(it.seek(35));
    assert.equal(it.t, 40);
    assert.ok(it.seek(10));
    assert.equal(it.t, 40);
    assert.equal(it.seek(1000), false);
  });

  test('a truncated chunk ends iteration with an error instead of garbage', () => {
    const c = new XORChunk();
    const a = c.appender();
    for (let i = 0; i < 50; i++) a.append(i * 15000, i * 1.1);
    const cut = c.bytes().slice(0, c.bytes().length - 10);
    const it = new XORIterator(cut);
    let n = 0;
    while (it.next()) n++;
    assert.ok(n < 50);
    assert.ok(it.err());
    assert.equal(it.err()!.message.includes('ends early'), true);
  });

  test('decodes every chunk of the fixture blocks and re-encodes it byte for byte', () => {
    const blocksDir = join(fixturesDir, 'blocks');
    let chunks = 0;
    let samples = 0;
    const it = new XORIterator(new Uint8Array(0));
    for (const dir of blockDirs(blocksDir)) {
      const id = dir.slice(-26);
      const r = ChunkReader.open(join(dir, 'chunks'));
      for (const ref of r.allRefs()) {
        const raw = r.chunk(ref);
        assert.equal(raw.encoding, Encoding.XOR);
        const re = new XORChunk();
        const app = re.appender();
        it.reset(raw.data);
        let last = -Infinity;
        while (it.next()) {
          assert.ok(it.t > last, 'timestamps increase');
          last = it.t;
          app.append(it.t, it.v);
          samples++;
        }
        assert.equal(it.err(), null);
        assert.deepEqual(Buffer.from(re.bytes()), Buffer.from(raw.data), `chunk ${ref} of ${id} re-encodes identically`);
        chunks++;
      }
    }
    // Ground truth: MANIFEST.json's chunk counts and the generator's sample count.
    const manifest = JSON.parse(readFileSync(join(fixturesDir, 'MANIFEST.json'), 'utf8')) as { data_dirs: { blocks: { blocks: { numChunks: number }[] } } };
    const gen = JSON.parse(readFileSync(join(fixturesDir, 'input', 'generator-stats.json'), 'utf8')) as { samples: number };
    assert.equal(chunks, manifest.data_dirs.blocks.blocks.reduce((n, b) => n + b.numChunks, 0));
    assert.equal(samples, gen.samples);
  });
});
