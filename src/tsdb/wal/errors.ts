import { PromtsError } from '../../model/index.js';
import { segmentPath } from './segments.js';

/**
 * A damaged WAL: where (segment index + byte offset inside it) and what. The message keeps
 * Prometheus's wording ("corruption in segment DIR/00000004 at 303523: unexpected checksum
 * ...") because operators grep logs for it. The DB repairs such errors by truncating the
 * segment at the last good record and deleting newer segments (WAL.repair).
 */
export class WalCorruptionError extends PromtsError {
  constructor(
    readonly dir: string,
    /** Segment index, or -1 when the reader was not reading a numbered segment. */
    readonly segment: number,
    /** Byte offset inside the segment where reading stopped. */
    readonly offset: number,
    readonly reason: string,
    /** Where the last complete record before the corruption ended (segment, offset). */
    readonly lastGood: { segment: number; offset: number } | null = null,
  ) {
    super(
      'wal_corruption',
      segment >= 0 ? `corruption in segment ${segmentPath(dir, segment)} at ${offset}: ${reason}` : `corruption after ${offset} bytes: ${reason}`,
      'the server repairs the WAL on start-up by truncating at the corruption; promtool-style readers do not',
    );
  }
}

/** Errors from WAL file handling other than corruption (bad dir layout, I/O). */
export class WalError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('wal_error', message, hint);
  }
}
