// Every TSDB file's checksum: summed in JS until the addon is worth loading, then by the addon.
// Both must give Castagnoli's CRC, or every file we write is corrupt to Prometheus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { crc32c as addon } from '@node-rs/crc32';
import { crc32c } from '../../src/tsdb/crc32c.js';

test('crc32c gives the Castagnoli checksum for every length, before and after the addon takes over', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  // 300 KiB in total: past the JS budget, so both implementations are exercised.
  for (let n = 0; n < 600; n++) {
    const b = randomBytes(n);
    assert.equal(crc32c(b), addon(b) >>> 0, `length ${n}`);
  }
  for (const n of [4096, 32768, 100_000]) {
    const b = randomBytes(n);
    assert.equal(crc32c(b.subarray(3)), addon(b.subarray(3)) >>> 0, `length ${n - 3} at an odd offset`);
    assert.equal(crc32c(b, 3, n - 5), addon(b.subarray(3, n - 5)) >>> 0, `bytes [3, ${n - 5}) of ${n}`);
    assert.equal(crc32c(b, 7, 50), addon(b.subarray(7, 50)) >>> 0, `bytes [7, 50) of ${n}`);
  }
});
