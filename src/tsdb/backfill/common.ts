// What both backfills (openmetrics, rules) share: the error class and promtool's block size.
import { PromtsError } from '../../model/index.js';

const HOUR = 3600_000;
export const DEFAULT_BLOCK_DURATION = 2 * HOUR;

export class BackfillError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('backfill', message, hint);
  }
}

/**
 * promtool's getCompatibleBlockDuration: 2h, or the largest of Prometheus's exponential block
 * ranges (2h × 3^i, i < 10) that does not exceed --max-block-duration.
 */
export function compatibleBlockDuration(maxBlockDuration: number): number {
  if (maxBlockDuration <= DEFAULT_BLOCK_DURATION) return DEFAULT_BLOCK_DURATION;
  let best = DEFAULT_BLOCK_DURATION;
  for (let i = 0, r = DEFAULT_BLOCK_DURATION; i < 10; i++, r *= 3) if (r <= maxBlockDuration) best = r;
  return best;
}
