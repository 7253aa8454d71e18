// storage: the seams where tsdb, promql, scrape, rules, web and remote meet. Interfaces only,
// plus tiny generic helpers; implementations live in their own areas (tsdb/, storage/remote/).
import type { Labels, Matcher } from '../model/index.js';

/** Reference to a series inside one storage (a head series id). 0 means "not known yet". */
export type SeriesRef = number & { readonly __ref: 'series' };

/**
 * Collects samples of one scrape or rule evaluation. Samples become visible to queriers only
 * after commit(). An Appender must be completed with commit() or rollback() and must not be
 * reused afterwards. Not safe for concurrent use; the event loop makes each call atomic.
 */
export interface Appender {
  /**
   * Adds a sample. `ref` may be a SeriesRef returned earlier for the same labels (a cache hit
   * that skips the label lookup) or 0. Returns the series' ref. Throws StorageError with code
   * 'out_of_order', 'duplicate_sample', 'out_of_bounds' or 'too_old' for a sample the storage
   * rejects; the rest of the batch stays usable.
   */
  append(ref: SeriesRef | 0, labels: Labels, t: number, v: number): SeriesRef;
  /** Adds an exemplar to a series appended in this batch. Optional for storages without exemplars. */
  appendExemplar?(ref: SeriesRef, labels: Labels, exemplar: Exemplar): void;
  /** Records HELP/TYPE/UNIT for a series. Optional. */
  updateMetadata?(ref: SeriesRef, labels: Labels, meta: Metadata): void;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface Appendable {
  appender(): Appender;
}

export interface Exemplar {
  readonly labels: Labels;
  readonly value: number;
  readonly ts: number;
  readonly hasTs: boolean;
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface Metadata {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/**
 * Iterates one series' samples in timestamp order without an object per sample: after next()
 * or seek() returns true, read `t` (ms) and `v`. Iterators may be handed back to
 * Series.iterator(reuse) to avoid allocating one per series.
 */
export interface SampleIterator {
  next(): boolean;
  /** Moves to the first sample with timestamp >= t; never moves backwards. */
  seek(t: number): boolean;
  readonly t: number;
  readonly v: number;
  err(): Error | null;
}

export interface Series {
  readonly labels: Labels;
  iterator(reuse?: SampleIterator): SampleIterator;
}

/** A set of series, ordered by labels when select() was asked to sort. */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  err(): Error | null;
  warnings(): readonly string[];
}

/** What the caller will do with a selection; storages may use it to prune work. */
export interface SelectHints {
  readonly start: number;
  readonly end: number;
  readonly step?: number;
  readonly func?: string;
  readonly range?: number;
}

/**
 * Reads a time range [mint, maxt] (inclusive, ms). Must be closed. All reads are synchronous
 * over data already in memory or in files opened by the storage.
 */
export interface Querier {
  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet;
  /** Sorted unique values of a label among series matching all matchers (all series if none). */
  labelValues(name: string, ...matchers: Matcher[]): string[];
  /** Sorted unique label names among series matching all matchers. */
  labelNames(...matchers: Matcher[]): string[];
  close(): void;
}

export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

/** What the server's storage offers: write, read, close. */
export interface Storage extends Appendable, Queryable {
  close(): Promise<void>;
}

export { StorageError, errOutOfOrderSample, errDuplicateSample, errOutOfBounds, type StorageErrorCode } from './errors.js';
export { ArraySeriesSet, ArraySampleIterator } from './arrays.js';
export { MemoryStorage } from './memory.js';
export { RefTable } from './reftable.js';
