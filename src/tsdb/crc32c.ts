// CRC32-Castagnoli, the checksum of every TSDB file (WAL fragments, chunks, index sections,
// tombstones). The SSE4.2 addon is ~10x faster than JS but costs ~11 ms to load, more than a
// `promts tsdb list` spends on all its checksums: the first 256 KiB are summed in JS, and only a
// process that checksums more than that loads the addon.
import { createRequire } from 'node:module';

type Native = (input: Uint8Array, initialState?: number) => number;

/** Bytes summed in JS before the addon is loaded: a few ms even before the JIT warms up (~50 MB/s). */
const JS_BUDGET = 256 * 1024;
let jsBytes = 0;
let native: Native | undefined;

const TABLES = buildTables();

/** The CRC32-C of `b[start, end)` as an unsigned 32-bit number. */
export function crc32c(b: Uint8Array, start = 0, end = b.length): number {
  const n = end - start;
  // Below 64 bytes the call into the addon costs more than the sum.
  if (n < 64) return crcJs(b, start, end);
  if (native === undefined) {
    jsBytes += n;
    if (jsBytes <= JS_BUDGET) return crcJs(b, start, end);
    native = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Native }).crc32c;
  }
  return native(start === 0 && end === b.length ? b : b.subarray(start, end)) >>> 0;
}

function crcJs(b: Uint8Array, start: number, end: number): number {
  const t = TABLES;
  let crc = 0xffffffff;
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    const lo = (crc ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24))) >>> 0;
    crc =
      t[7 * 256 + (lo & 0xff)]! ^
      t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
      t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
      t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + b[i + 4]!]! ^
      t[2 * 256 + b[i + 5]!]! ^
      t[256 + b[i + 6]!]! ^
      t[b[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ b[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}
