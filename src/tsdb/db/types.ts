// Types the DB re-uses from the seams below it.
export type { Appender, Querier, SeriesRef, Storage, Exemplar, Metadata } from '../../storage/index.js';
export type { Labels } from '../../model/index.js';
