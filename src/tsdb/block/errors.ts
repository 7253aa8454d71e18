import { PromtsError } from '../../model/index.js';

/**
 * A block file that cannot be read as Prometheus wrote it. Names the file and, when known,
 * the byte offset where reading went wrong, so a user can inspect it with a hex dump.
 */
export class BlockCorruptError extends PromtsError {
  constructor(
    readonly file: string,
    readonly offset: number | undefined,
    readonly what: string,
    hint = 'the block is damaged: move its directory out of the data dir (or restore it from a backup) and retry',
  ) {
    super('block_corrupt', offset === undefined ? `${file}: ${what}` : `${file}: at byte offset ${offset}: ${what}`, hint);
  }
}

/** A block directory or data dir that is missing or unreadable (not corrupt). */
export class BlockOpenError extends PromtsError {
  constructor(
    readonly path: string,
    message: string,
    hint = 'check the path and its permissions',
  ) {
    super('block_open', message, hint);
  }
}

/** A chunk this build cannot decode (e.g. a native-histogram chunk). */
export class ChunkUnsupportedError extends PromtsError {
  constructor(message: string) {
    super('chunk_unsupported', message, 'this block holds data promts cannot decode yet');
  }
}
