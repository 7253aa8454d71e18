// The WAL reader decodes snappy blocks in JS (into a reused buffer). It must agree with the
// snappy addon on every block the addon writes, and refuse corrupt blocks instead of
// returning wrong bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snappyCompress, snappyDecompressInto, snappyDecompressJs } from '../../../src/tsdb/wal/snappy.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('decodes whatever the snappy addon encodes: random, repetitive, long-literal and overlapping-copy inputs', () => {
  const r = rng(7);
  const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(100_000, 0x61)];
  for (let k = 0; k < 200; k++) {
    const n = Math.floor(r() * 70_000);
    const b = Buffer.alloc(n);
    const alphabet = 1 + Math.floor(r() * 255); // small alphabets make many copies, large ones literals
    for (let i = 0; i < n; i++) b[i] = r() < 0.3 && i > 8 ? b[i - 1 - Math.floor(r() * 8)]! : Math.floor(r() * alphabet);
    inputs.push(b);
  }
  const scratch = { buf: Buffer.alloc(16) };
  for (const input of inputs) {
    const block = snappyCompress(input);
    // Small blocks take the JS decoder and large ones the addon; the JS decoder must handle any size.
    assert.ok(Buffer.from(snappyDecompressInto(block, scratch)).equals(input), `round trip of ${input.length} bytes`);
    assert.ok(Buffer.from(snappyDecompressJs(block, scratch)).equals(input), `JS round trip of ${input.length} bytes`);
  }
});

test('corrupt blocks are refused, never decoded into wrong bytes', () => {
  const input = Buffer.from('samples '.repeat(500));
  const good = snappyCompress(input);
  const scratch = { buf: Buffer.alloc(16) };
  const r = rng(11);
  let refused = 0;
  for (let k = 0; k < 2000; k++) {
    const bad = Buffer.from(good);
    bad[Math.floor(r() * bad.length)] ^= 1 << Math.floor(r() * 8);
    try {
      const out = snappyDecompressInto(bad, scratch);
      // A flipped literal byte decodes to different bytes of the right length (snappy has no
      // checksum; the WAL's CRC catches those); anything else must not decode.
      assert.equal(out.length, input.length);
    } catch {
      refused++;
    }
  }
  assert.ok(refused > 0);
  assert.throws(() => snappyDecompressInto(good.subarray(0, good.length - 3), scratch));
  assert.throws(() => snappyDecompressInto(Buffer.from([0x05, 0x01, 0x00]), scratch), /bad copy offset/);
});
