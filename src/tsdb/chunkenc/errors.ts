import { PromtsError } from '../../model/index.js';

/** Chunk bytes that do not decode: truncated, or not the encoding they claim to be. */
export class ChunkDecodeError extends PromtsError {
  constructor(message: string) {
    super('chunk_corrupt', message, 'the chunk data is damaged; restore the block from a backup or delete it');
  }
}
