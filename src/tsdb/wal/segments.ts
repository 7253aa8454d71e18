// Segment files of a write-ahead log: 8-digit names, 32 KiB pages, 128 MiB segments.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A segment is written in pages; a fragment never crosses a page boundary. */
export const PAGE_SIZE = 32 * 1024;
/** Prometheus's DefaultSegmentSize. */
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;
/** type (1) + length (2) + CRC32 (4). */
export const RECORD_HEADER_SIZE = 7;

export const REC_PAGE_TERM = 0;
export const REC_FULL = 1;
export const REC_FIRST = 2;
export const REC_MIDDLE = 3;
export const REC_LAST = 4;
/** Bit 3 of the fragment type byte: the whole record is snappy (block format) compressed. */
export const SNAPPY_MASK = 1 << 3;

export function segmentName(i: number): string {
  return String(i).padStart(8, '0');
}

export function segmentPath(dir: string, i: number): string {
  return join(dir, segmentName(i));
}

export interface SegmentRef {
  readonly index: number;
  readonly path: string;
  readonly size: number;
}

/**
 * The numbered segments in dir, in order. Names that are not all digits (checkpoint.N,
 * *.tmp, *.repair) are ignored, as Prometheus does. Throws if the numbers have gaps.
 */
export function listSegments(dir: string): SegmentRef[] {
  const out: SegmentRef[] = [];
  for (const name of readdirSync(dir)) {
    if (!/^\d+$/.test(name)) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (!st.isFile()) continue;
    out.push({ index: Number(name), path, size: st.size });
  }
  out.sort((a, b) => a.index - b.index);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.index !== out[i - 1]!.index + 1) throw new Error(`segments are not sequential: ${out[i - 1]!.index} then ${out[i]!.index} in ${dir}`);
  }
  return out;
}

/** First and last segment index, or {-1,-1} when there are none. */
export function segmentRange(dir: string): { first: number; last: number } {
  const segs = listSegments(dir);
  if (segs.length === 0) return { first: -1, last: -1 };
  return { first: segs[0]!.index, last: segs[segs.length - 1]!.index };
}
