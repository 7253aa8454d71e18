// Every TSDB file's checksum. It must be Castagnoli's CRC, or every file we write is corrupt to
// Prometheus. The oracle is the bit-at-a-time definition; the code under test is the
// slice-by-8 wasm function fed through a fixed window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32c } from '../../src/tsdb/crc32c.js';

function bitwise(b: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of b) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('crc32c gives the Castagnoli checksum for every length, offset and window boundary', () => {
  // Published check values (RFC 3720 appendix B.4 and the usual "123456789").
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  for (let n = 0; n < 300; n++) {
    const b = randomBytes(n);
    assert.equal(crc32c(b), bitwise(b), `length ${n}`);
  }
  // Past the 256 KiB window, so the sum is carried from one window to the next.
  for (const n of [4096, 32768, 262_144 + 5, 600_000]) {
    const b = randomBytes(n);
    assert.equal(crc32c(b.subarray(3)), bitwise(b.subarray(3)), `length ${n - 3} at an odd offset`);
    assert.equal(crc32c(b, 3, n - 5), bitwise(b.subarray(3, n - 5)), `bytes [3, ${n - 5}) of ${n}`);
    assert.equal(crc32c(b, 7, 50), bitwise(b.subarray(7, 50)), `bytes [7, 50) of ${n}`);
  }
});
