// Messages between the WAL prefetch worker (prefetch_worker.ts) and the replay (prefetch.ts).
import type { SegmentRef } from './segments.js';

/** One WAL to read as a unit: a checkpoint (all its segments) or one segment of the WAL. */
export interface PrefetchPart {
  dir: string;
  segs: SegmentRef[];
}

export interface PrefetchJob {
  parts: PrefetchPart[];
  /** Int32 credit counter: batches the worker may still post before the replay consumes one. */
  credits: SharedArrayBuffer;
}

/** Whole decoded records, each as [u32 length][bytes], packed into one transferred buffer. */
export interface BatchMessage {
  kind: 'batch';
  buf: ArrayBuffer;
  len: number;
}

/** A part ended: cleanly (corruption null) or at the first damaged record. */
export interface PartEndMessage {
  kind: 'end';
  corruption: { dir: string; segment: number; offset: number; reason: string; lastGood: { segment: number; offset: number } | null } | null;
}

/** The worker could not read at all (I/O error, unreadable dir): replay fails with this message. */
export interface FailMessage {
  kind: 'fail';
  message: string;
}

export type PrefetchMessage = BatchMessage | PartEndMessage | FailMessage;

/** Batches in flight: bounds the memory held ahead of the replay to ~CREDITS x BATCH_BYTES. */
export const CREDITS = 4;
export const BATCH_BYTES = 4 << 20;
