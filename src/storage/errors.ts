import { PromtsError } from '../model/index.js';

export type StorageErrorCode = 'out_of_order' | 'duplicate_sample' | 'out_of_bounds' | 'too_old' | 'not_found' | 'closed' | 'corrupt';

/** Keeps Prometheus's wording in messages ("out of order sample", ...) so users can grep for it. */
export class StorageError extends PromtsError {
  constructor(
    override readonly code: StorageErrorCode,
    message: string,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}

export const errOutOfOrderSample = (): StorageError => new StorageError('out_of_order', 'out of order sample');
export const errDuplicateSample = (): StorageError => new StorageError('duplicate_sample', 'duplicate sample for timestamp');
export const errOutOfBounds = (): StorageError => new StorageError('out_of_bounds', 'out of bounds');

