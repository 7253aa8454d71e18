// The tombstones file: deleted time ranges per series. Layout: magic 0x0130BA30 (4 bytes),
// version 1 (1 byte), then `uvarint series ref | varint mint | varint maxt` entries, then a
// CRC32C over the entries (4 bytes). A missing file means no tombstones.
import { readFileSync } from 'node:fs';
import { writeFileSynced } from '../fsync.js';
import { crc32c } from '../crc32c.js';
import { BlockCorruptError, BlockOpenError } from './errors.js';

export const TOMBSTONES_MAGIC = 0x0130ba30;
const HEADER = 5;

/** Inclusive deleted range [mint, maxt] in ms. */
export interface Interval {
  mint: number;
  maxt: number;
}

/** Series ref -> sorted, non-overlapping deleted intervals. */
export class Tombstones {
  private readonly m = new Map<number, Interval[]>();

  get size(): number {
    return this.m.size;
  }

  /** Number of intervals in all series (meta.json's numTombstones). */
  numIntervals(): number {
    let n = 0;
    for (const v of this.m.values()) n += v.length;
    return n;
  }

  get(ref: number): readonly Interval[] | undefined {
    return this.m.get(ref);
  }

  /** Adds an interval, merging with overlapping or adjacent ones as Prometheus does. */
  add(ref: number, iv: Interval): void {
    const list = this.m.get(ref) ?? [];
    list.push({ mint: iv.mint, maxt: iv.maxt });
    list.sort((a, b) => a.mint - b.mint);
    const out: Interval[] = [];
    for (const x of list) {
      const last = out[out.length - 1];
      if (last && x.mint <= last.maxt + 1) last.maxt = Math.max(last.maxt, x.maxt);
      else out.push(x);
    }
    this.m.set(ref, out);
  }

  *entries(): IterableIterator<[number, readonly Interval[]]> {
    yield* this.m.entries();
  }
}

export function readTombstones(path: string): { tombstones: Tombstones; size: number } {
  let b: Buffer;
  try {
    b = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { tombstones: new Tombstones(), size: 0 };
    throw new BlockOpenError(path, `read ${path}: ${err.message}`);
  }
  if (b.length < HEADER + 4) throw new BlockCorruptError(path, 0, `tombstones file of ${b.length} bytes is shorter than its header and checksum`);
  const magic = b.readUInt32BE(0);
  if (magic !== TOMBSTONES_MAGIC) throw new BlockCorruptError(path, 0, `invalid magic number ${magic.toString(16)}, want 130ba30`);
  if (b[4] !== 1) throw new BlockCorruptError(path, 4, `invalid tombstones format version ${b[4]}`);
  const end = b.length - 4;
  const want = b.readUInt32BE(end);
  const got = crc32c(b.subarray(HEADER, end));
  if (want !== got) throw new BlockCorruptError(path, end, `checksum did not match (stored ${want.toString(16).padStart(8, '0')}, computed ${got.toString(16).padStart(8, '0')})`);
  const t = new Tombstones();
  let p = HEADER;
  // Reads a uvarint as a BigInt: deletions without bounds are stored as math.MinInt64 /
  // math.MaxInt64, beyond float64's exact range, and must come back as the extremes.
  const uvarint = (): bigint => {
    let x = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (p >= end) throw new BlockCorruptError(path, p, 'unexpected end of tombstone entry');
      const c = b[p++]!;
      x |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) return x;
      shift += 7n;
    }
    throw new BlockCorruptError(path, p, 'varint overflows');
  };
  const varint = (): number => {
    const u = uvarint();
    const v = u & 1n ? -(u >> 1n) - 1n : u >> 1n;
    return Number(BigInt.asIntN(64, v));
  };
  while (p < end) {
    const ref = Number(uvarint());
    const mint = varint();
    const maxt = varint();
    t.add(ref, { mint, maxt });
  }
  return { tombstones: t, size: b.length };
}

export function encodeTombstones(t: Tombstones): Buffer {
  const parts: number[] = [];
  const uv = (u: bigint): void => {
    while (u >= 0x80n) {
      parts.push(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    parts.push(Number(u));
  };
  // Times beyond ±2^63 (as floats) stand for math.MinInt64 / math.MaxInt64.
  const sv = (x: number): void => {
    const v = x <= -9223372036854775808 ? -(2n ** 63n) : x >= 9223372036854775807 ? 2n ** 63n - 1n : BigInt(x);
    uv(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  };
  const refs = [...t.entries()].sort((a, b) => a[0] - b[0]);
  for (const [ref, ivs] of refs) {
    for (const iv of ivs) {
      uv(BigInt(ref));
      sv(iv.mint);
      sv(iv.maxt);
    }
  }
  const body = Buffer.from(parts);
  const out = Buffer.alloc(HEADER + body.length + 4);
  out.writeUInt32BE(TOMBSTONES_MAGIC, 0);
  out[4] = 1;
  body.copy(out, HEADER);
  out.writeUInt32BE(crc32c(body), HEADER + body.length);
  return out;
}

export function writeTombstones(path: string, t: Tombstones): number {
  return writeFileSynced(path, encodeTombstones(t));
}
