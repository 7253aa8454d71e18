// Errors of the DB's block maintenance (compaction, clean_tombstones, snapshot).
import { PromtsError } from '../../model/index.js';

/** A merge or rewrite of blocks failed; the message names the blocks and the data dir. */
export class CompactionError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('compaction_failed', message, hint);
  }
}
