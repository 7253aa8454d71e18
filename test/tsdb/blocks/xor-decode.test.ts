// XOR decoding with 32-bit word reads (issue 4/6): every sample comes back bit for bit as a
// plain bit-at-a-time reference decoder (Prometheus's xorIterator, transcribed over
// BitReader) reads it, the stale marker included, and damaged chunks fail the same way.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { BitReader, XORChunk, XORIterator } from '../../../src/tsdb/chunkenc/index.js';
import { STALE_NAN, isStaleNaN } from '../../../src/model/index.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const fromBits = (hi: number, lo: number): number => {
  u32[1] = hi;
  u32[0] = lo;
  return f64[0]!;
};

interface Decoded {
  ts: number[];
  /** Value bits as [hi, lo]: plain number arrays would lose NaN payloads. */
  bits: [number, number][];
  failed: boolean;
}

/** Prometheus's xorIterator, one readBit/readBits call at a time. */
function reference(bytes: Uint8Array): Decoded {
  const out: Decoded = { ts: [], bits: [], failed: false };
  if (bytes.length < 2) return { ...out, failed: bytes.length === 1 };
  const total = (bytes[0]! << 8) | bytes[1]!;
  const br = new BitReader(bytes, 16);
  let t = 0;
  let delta = 0;
  let hi = 0;
  let lo = 0;
  let leading = 0;
  let trailing = 0;
  const value = (): boolean => {
    if (br.readBit() === 0) return !br.eof;
    if (br.readBit() !== 0) {
      leading = br.readBits(5);
      let m = br.readBits(6);
      if (m === 0) m = 64;
      if (leading + m > 64) return false;
      trailing = 64 - leading - m;
    }
    const m = 64 - leading - trailing;
    // Collect the m significant bits, then shift them into place bit by bit.
    let xh = 0;
    let xl = 0;
    for (let i = 0; i < m; i++) {
      const b = br.readBit();
      xh = ((xh << 1) | (xl >>> 31)) >>> 0;
      xl = ((xl << 1) | b) >>> 0;
    }
    for (let i = 0; i < trailing; i++) {
      xh = ((xh << 1) | (xl >>> 31)) >>> 0;
      xl = (xl << 1) >>> 0;
    }
    hi = (hi ^ xh) >>> 0;
    lo = (lo ^ xl) >>> 0;
    return !br.eof;
  };
  for (let n = 0; n < total; n++) {
    let ok: boolean;
    if (n === 0) {
      t = br.readVarint();
      hi = br.readBits(32);
      lo = br.readBits(32);
      ok = !br.eof;
    } else if (n === 1) {
      delta = br.readUvarint();
      t += delta;
      ok = !br.eof && value();
    } else {
      let dod = 0;
      if (br.readBit() !== 0) {
        let sz = 64;
        if (br.readBit() === 0) sz = 14;
        else if (br.readBit() === 0) sz = 17;
        else if (br.readBit() === 0) sz = 20;
        if (sz === 64) dod = br.readInt64();
        else {
          const b = br.readBits(sz);
          dod = b > 2 ** (sz - 1) ? b - 2 ** sz : b;
        }
      }
      delta += dod;
      t += delta;
      ok = !br.eof && value();
    }
    if (!ok) return { ...out, failed: true };
    out.ts.push(t);
    out.bits.push([hi, lo]);
  }
  return out;
}

function decode(bytes: Uint8Array, it = new XORIterator(new Uint8Array(0))): Decoded & { error: string | null } {
  it.reset(bytes);
  const out: Decoded = { ts: [], bits: [], failed: false };
  while (it.next()) {
    out.ts.push(it.t);
    f64[0] = it.v;
    out.bits.push([u32[1]!, u32[0]!]);
  }
  const e = it.err();
  return { ...out, failed: e !== null, error: e?.message ?? null };
}

/** Deterministic generator so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
}

/** A chunk exercising every timestamp bucket and value shape the encoder produces. */
function mixedChunk(seed: number, n = 120): { bytes: Uint8Array; ts: number[]; bits: [number, number][] } {
  const r = rng(seed);
  const c = new XORChunk();
  const a = c.appender();
  const ts: number[] = [];
  const bits: [number, number][] = [];
  let t = 1_600_000_000_000 + Math.floor(r() * 1e6) - 5e5;
  let v = r() * 100;
  const dods = [0, 0, 0, 1, -1, 8192, -8191, 65536, -65535, 524288, -524287, 524289, -524288, 3_000_000_000, 1e12];
  let delta = 15_000;
  for (let i = 0; i < n; i++) {
    // Timestamps must increase: flip a delta-of-delta that would make the delta <= 0.
    let dod = r() < 0.3 ? dods[Math.floor(r() * dods.length)]! : 0;
    if (delta + dod <= 0) dod = -dod;
    delta += dod;
    t += delta;
    const k = r();
    if (k < 0.25) {
      /* repeat */
    } else if (k < 0.45) v += 1;
    else if (k < 0.6) v = r() * 1e6;
    else if (k < 0.65) v = STALE_NAN;
    else if (k < 0.7) v = fromBits(0x7ff80000 | Math.floor(r() * 0x7ffff), Math.floor(r() * 2 ** 32) >>> 0); // NaN with a payload
    else if (k < 0.75) v = [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE][Math.floor(r() * 6)]!;
    else if (k < 0.85) v = fromBits(Math.floor(r() * 2 ** 32) >>> 0, Math.floor(r() * 2 ** 32) >>> 0); // any 64 bits
    else v = Math.round(v) + 0.5;
    a.append(t, v);
    f64[0] = v;
    ts.push(t);
    bits.push([u32[1]!, u32[0]!]);
  }
  return { bytes: c.bytes().slice(), ts, bits };
}

describe('XOR decoding with word reads', () => {
  test('decodes random chunks bit for bit like the bit-at-a-time reference (timestamps, NaN payloads, ±0, ±Inf)', () => {
    const it = new XORIterator(new Uint8Array(0));
    for (let seed = 1; seed <= 300; seed++) {
      const { bytes, ts, bits } = mixedChunk(seed, 1 + (seed % 140));
      const got = decode(bytes, it);
      assert.equal(got.error, null, `seed ${seed}`);
      assert.deepEqual(got.ts, ts, `seed ${seed}`);
      assert.deepEqual(got.bits, bits, `seed ${seed}`);
      const ref = reference(bytes);
      assert.deepEqual(got.ts, ref.ts, `seed ${seed}`);
      assert.deepEqual(got.bits, ref.bits, `seed ${seed}`);
    }
  });

  test('keeps the stale marker 0x7ff0000000000002 in every control-bit path (new window, reused window, repeat)', () => {
    const c = new XORChunk();
    const a = c.appender();
    const vs = [1, STALE_NAN, STALE_NAN, 2, STALE_NAN, 3, 3, STALE_NAN, fromBits(0x7ff00000, 3), STALE_NAN];
    vs.forEach((v, i) => a.append(1000 + i * 15_000, v));
    const it = c.iterator();
    let i = 0;
    while (it.next()) {
      f64[0] = vs[i]!;
      const want = [u32[1], u32[0]];
      f64[0] = it.v;
      assert.deepEqual([u32[1], u32[0]], want, `sample ${i}`);
      assert.equal(isStaleNaN(it.v), isStaleNaN(vs[i]!), `sample ${i}`);
      i++;
    }
    assert.equal(i, vs.length);
    assert.equal(it.err(), null);
  });

  test('a chunk cut at any length yields a prefix of its samples, then "ends early" (same as the reference)', () => {
    const it = new XORIterator(new Uint8Array(0));
    for (const seed of [7, 8, 9]) {
      const { bytes, ts } = mixedChunk(seed, 60);
      for (let len = 0; len < bytes.length; len++) {
        const cut = bytes.slice(0, len);
        const got = decode(cut, it);
        const ref = reference(cut);
        assert.deepEqual(got.ts, ref.ts, `seed ${seed} len ${len}`);
        assert.deepEqual(got.bits, ref.bits, `seed ${seed} len ${len}`);
        assert.deepEqual(got.ts, ts.slice(0, got.ts.length));
        if (len === 0) {
          assert.equal(got.error, null);
        } else if (len === 1) {
          assert.equal(got.error, 'XOR chunk shorter than its 2-byte header');
        } else {
          assert.equal(got.failed, true, `seed ${seed} len ${len}`);
          assert.equal(got.error, `XOR chunk ends early: decoded ${got.ts.length} of 60 samples`);
        }
      }
    }
  });

  test('random bytes decode to the same samples and the same failure as the reference', () => {
    const r = rng(99);
    const it = new XORIterator(new Uint8Array(0));
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(2 + Math.floor(r() * 60));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(r() * 256);
      b[0] = 0;
      b[1] = Math.floor(r() * 40);
      const got = decode(b, it);
      const ref = reference(b);
      assert.deepEqual(got.ts, ref.ts, `case ${i}`);
      assert.deepEqual(got.bits, ref.bits, `case ${i}`);
      assert.equal(got.failed, ref.failed, `case ${i}`);
    }
  });

  test('a reused iterator forgets the previous chunk, and seek stays forward-only', () => {
    const it = new XORIterator(new Uint8Array(0));
    const big = mixedChunk(3, 120);
    const small = mixedChunk(4, 5);
    decode(big.bytes, it);
    assert.deepEqual(decode(small.bytes, it).ts, small.ts);
    it.reset(big.bytes);
    assert.ok(it.seek(big.ts[50]! - 1));
    assert.equal(it.t, big.ts[50]);
    assert.ok(it.seek(big.ts[10]!));
    assert.equal(it.t, big.ts[50]);
    assert.equal(it.seek(big.ts[119]! + 1), false);
  });

  test('an appender reopened on a decoded chunk continues it byte for byte', () => {
    for (const seed of [11, 12, 13]) {
      const whole = mixedChunk(seed, 100);
      const part = mixedChunk(seed, 100);
      const c = new XORChunk(part.bytes);
      assert.deepEqual(decode(c.bytes()).ts, whole.ts);
      const again = new XORChunk(whole.bytes.slice());
      const a = again.appender();
      a.append(whole.ts[99]! + 15_000, 42);
      const ref = reference(again.bytes());
      assert.equal(ref.ts.length, 101);
      assert.deepEqual(decode(again.bytes()).bits, ref.bits);
    }
  });
});
