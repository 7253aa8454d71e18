import { PromtsError } from '../../model/index.js';

/** An index file that does not decode: names the file and the byte offset of the problem. */
export class IndexCorruptError extends PromtsError {
  constructor(
    readonly file: string,
    readonly offset: number | undefined,
    readonly what: string,
  ) {
    super(
      'index_corrupt',
      offset === undefined ? `${file}: ${what}` : `${file}: at byte offset ${offset}: ${what}`,
      'the block index is damaged: move the block directory out of the data dir (or restore it from a backup) and retry',
    );
  }
}
