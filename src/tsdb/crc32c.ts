// CRC32-Castagnoli, the checksum of every TSDB file (WAL fragments, chunks, index sections,
// tombstones), summed by a small WebAssembly function (crc32c_wasm.ts).
//
// Measured on this project's machine against what came before: the SSE4.2 addon
// (@node-rs/crc32) summed large inputs 3-4x faster (~5 vs ~1.5 GB/s; chunk-sized inputs of
// 100-200 bytes ran at the same speed) but cost ~11 ms to load, more than a
// `promts tsdb analyze` spends on all its checksums; the same loop in JS ran in V8's
// interpreter until it got hot, allocating a heap number per step. Wasm is compiled before its
// first call and allocates nothing. A 100k-series WAL replay spends ~2 % of its time here.
import { DATA, instantiateCrc, type CrcWasm } from './crc32c_wasm.js';

/** Input is copied into wasm memory this much at a time, into a fixed window after the tables. */
const WINDOW = 256 * 1024;

let wasm: CrcWasm | undefined;
let inputWindow: Uint8Array;

function init(): CrcWasm {
  const w = instantiateCrc(buildTables());
  w.mem.grow(Math.ceil((DATA + WINDOW) / 65536) - w.mem.buffer.byteLength / 65536);
  inputWindow = new Uint8Array(w.mem.buffer, DATA, WINDOW);
  wasm = w;
  return w;
}

/** The CRC32-C of `b[start, end)` as an unsigned 32-bit number. */
export function crc32c(b: Uint8Array, start = 0, end = b.length): number {
  const w = wasm ?? init();
  let crc = 0;
  for (let p = start; p < end; p += WINDOW) {
    const n = Math.min(WINDOW, end - p);
    // Short inputs are copied by hand: a subarray object per call costs more than the copy.
    if (n < 64) for (let i = 0; i < n; i++) inputWindow[i] = b[p + i]!;
    else inputWindow.set(p === 0 && n === b.length ? b : b.subarray(p, p + n));
    crc = w.crc(crc, DATA, DATA + n);
  }
  return crc >>> 0;
}

/** The eight slice-by-8 tables of the Castagnoli polynomial (reversed 0x82f63b78). */
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
