// Exemplar storage, as Prometheus 2.42 has it behind --enable-feature=exemplar-storage: one
// circular buffer of `storage.exemplars.max_exemplars` exemplars shared by all series. Each
// series with exemplars has an index entry pointing at its oldest and newest slot; slots of one
// series are chained oldest -> newest through `next`. Writing into a full buffer evicts the
// oldest exemplar overall, whichever series it belongs to. Kept in memory only: exemplars reach
// the WAL as exemplar records (logged by the head appender) and come back on replay.
//
// Slots are parallel typed arrays (timestamp, value, next, has-timestamp) plus two pointer
// arrays (exemplar labels, owning series): no object per exemplar beyond its label set.
import type { Labels, Matcher } from '../../model/index.js';
import { Labels as LabelsClass, PromtsError } from '../../model/index.js';
import { StorageError } from '../../storage/index.js';
import type { Exemplar } from '../../storage/index.js';
import { decodeExemplars, type RefExemplar } from '../wal/index.js';
import type { Head } from './head.js';
import type { MemSeries } from './series.js';

/** Prometheus's exemplar.ExemplarMaxLabelSetLength: UTF-8 characters of names + values. */
export const EXEMPLAR_MAX_LABEL_SET_LENGTH = 128;
/** config.DefaultExemplarsConfig.MaxExemplars. */
export const DEFAULT_MAX_EXEMPLARS = 100000;

/** Marks "no slot" in `next` and in index entries. */
const NONE = -1;

export type ExemplarErrorCode = 'out_of_order_exemplar' | 'duplicate_exemplar' | 'exemplar_label_length' | 'exemplars_disabled';

/** Errors keep storage/interface.go's wording: scrape debug logs and remote write replies grep for it. */
export class ExemplarError extends PromtsError {
  constructor(override readonly code: ExemplarErrorCode, message: string) {
    super(code, message, 'exemplars are best effort; the samples of the batch are kept');
  }
}

export const errOutOfOrderExemplar = (): ExemplarError => new ExemplarError('out_of_order_exemplar', 'out of order exemplar');
export const errDuplicateExemplar = (): ExemplarError => new ExemplarError('duplicate_exemplar', 'duplicate exemplar');
export const errExemplarLabelLength = (): ExemplarError =>
  new ExemplarError('exemplar_label_length', `label length for exemplar exceeds maximum of ${EXEMPLAR_MAX_LABEL_SET_LENGTH} UTF-8 characters`);

/** Plain numbers for the prometheus_tsdb_exemplar_* metrics (read on every /metrics scrape). */
export interface ExemplarStats {
  exemplarsAppended: number;
  outOfOrderExemplars: number;
  exemplarsInStorage: number;
  seriesWithExemplarsInStorage: number;
  /** Seconds; the oldest exemplar still stored (Prometheus's gauge name says "last"). */
  lastExemplarsTimestampSeconds: number;
  maxExemplars: number;
}

/** One series' exemplars in [start, end], oldest first, as parallel arrays. */
export interface ExemplarQueryResult {
  readonly seriesLabels: Labels;
  readonly labels: Labels[];
  readonly values: number[];
  /** Milliseconds. */
  readonly timestamps: number[];
}

/** Per-series index entry: where the series' chain starts and ends in the buffer. */
interface IndexEntry {
  oldest: number;
  newest: number;
  readonly seriesLabels: Labels;
  readonly hash: number;
  /** Chains entries whose label sets share a hash. */
  nextSameHash: IndexEntry | undefined;
}

/** Counts Unicode code points (Go's utf8.RuneCountInString for valid text). */
function runeCount(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

export class CircularExemplarStorage {
  private cap = 0;
  private ts = new Float64Array(0);
  private vs = new Float64Array(0);
  private next = new Int32Array(0);
  private hasTs = new Uint8Array(0);
  private lbls: (Labels | undefined)[] = [];
  /** The series a slot belongs to; undefined for a slot never written. */
  private owner: (IndexEntry | undefined)[] = [];
  private nextIndex = 0;
  private readonly index = new Map<number, IndexEntry>();
  private seriesCount = 0;
  readonly stats: ExemplarStats = {
    exemplarsAppended: 0,
    outOfOrderExemplars: 0,
    exemplarsInStorage: 0,
    seriesWithExemplarsInStorage: 0,
    lastExemplarsTimestampSeconds: 0,
    maxExemplars: 0,
  };

  /** A length <= 0 makes a storage that accepts nothing but can be resized later. */
  constructor(length = 0) {
    this.allocate(Math.max(0, Math.trunc(length)));
    this.stats.maxExemplars = this.cap;
  }

  /** Current capacity (0: disabled). */
  get maxExemplars(): number {
    return this.cap;
  }

  private allocate(n: number): void {
    this.cap = n;
    this.ts = new Float64Array(n);
    this.vs = new Float64Array(n);
    this.next = new Int32Array(n).fill(NONE);
    this.hasTs = new Uint8Array(n);
    this.lbls = new Array<Labels | undefined>(n).fill(undefined);
    this.owner = new Array<IndexEntry | undefined>(n).fill(undefined);
    this.nextIndex = 0;
    this.index.clear();
    this.seriesCount = 0;
  }

  private lookup(series: Labels, hash: number): IndexEntry | undefined {
    for (let e = this.index.get(hash); e !== undefined; e = e.nextSameHash) if (e.seriesLabels.equals(series)) return e;
    return undefined;
  }

  private addEntry(series: Labels, hash: number, slot: number): IndexEntry {
    const e: IndexEntry = { oldest: slot, newest: slot, seriesLabels: series, hash, nextSameHash: this.index.get(hash) };
    this.index.set(hash, e);
    this.seriesCount++;
    return e;
  }

  private removeEntry(e: IndexEntry): void {
    const first = this.index.get(e.hash);
    if (first === e) {
      if (e.nextSameHash === undefined) this.index.delete(e.hash);
      else this.index.set(e.hash, e.nextSameHash);
    } else {
      for (let p = first; p !== undefined; p = p.nextSameHash) {
        if (p.nextSameHash === e) {
          p.nextSameHash = e.nextSameHash;
          break;
        }
      }
    }
    this.seriesCount--;
  }

  /**
   * Checks an exemplar against what is stored for the series, without storing it (the head
   * appender calls this before commit). Throws ExemplarError: exemplars_disabled,
   * exemplar_label_length, duplicate_exemplar, out_of_order_exemplar. `counted` is true for the
   * call made when adding, which alone counts out-of-order exemplars (as Prometheus does).
   */
  validate(series: Labels, e: Exemplar, counted = false, hash = series.hash()): void {
    if (this.cap === 0) throw new ExemplarError('exemplars_disabled', 'exemplar storage is disabled or max exemplars is less than or equal to 0');
    // Exemplar label length does not count the characters of the text form (quotes, '=', ',').
    const kv = e.labels.kv;
    let n = 0;
    for (let i = 0; i < kv.length; i++) {
      n += kv[i]!.length; // a code point is at most 2 UTF-16 units: cheap bound before counting
      if (n > EXEMPLAR_MAX_LABEL_SET_LENGTH) {
        let runes = 0;
        for (let j = 0; j < kv.length; j++) {
          runes += runeCount(kv[j]!);
          if (runes > EXEMPLAR_MAX_LABEL_SET_LENGTH) throw errExemplarLabelLength();
        }
        break;
      }
    }
    const idx = this.lookup(series, hash);
    if (idx === undefined) return;
    const newest = idx.newest;
    const nts = this.ts[newest]!;
    // exemplar.Equals: timestamps only count when either side carried its own.
    if (this.lbls[newest]!.equals(e.labels) && (!(e.hasTs || this.hasTs[newest] === 1) || e.ts === nts) && e.value === this.vs[newest]) {
      throw errDuplicateExemplar();
    }
    if (e.ts <= nts) {
      if (counted) this.stats.outOfOrderExemplars++;
      throw errOutOfOrderExemplar();
    }
  }

  /**
   * Stores an exemplar for the series, evicting the oldest stored exemplar when full. A
   * duplicate of the series' newest exemplar is a silent no-op; other ExemplarErrors throw.
   */
  add(series: Labels, e: Exemplar): void {
    const hash = series.hash();
    try {
      this.validate(series, e, true, hash);
    } catch (err) {
      if (err instanceof ExemplarError && err.code === 'duplicate_exemplar') return;
      throw err;
    }
    const slot = this.nextIndex;
    // Evict what the slot holds: it is the oldest exemplar of its series.
    const prev = this.owner[slot];
    if (prev !== undefined) {
      const nx = this.next[slot]!;
      if (nx === NONE) this.removeEntry(prev);
      else prev.oldest = nx;
    }
    let idx = this.lookup(series, hash);
    if (idx === undefined) idx = this.addEntry(series, hash, slot);
    else {
      this.next[idx.newest] = slot;
      idx.newest = slot;
    }
    this.ts[slot] = e.ts;
    this.vs[slot] = e.value;
    this.hasTs[slot] = e.hasTs ? 1 : 0;
    this.lbls[slot] = e.labels;
    this.next[slot] = NONE;
    this.owner[slot] = idx;
    this.nextIndex = slot + 1 === this.cap ? 0 : slot + 1;
    this.stats.exemplarsAppended++;
    this.computeStats();
  }

  private computeStats(): void {
    const s = this.stats;
    s.seriesWithExemplarsInStorage = this.seriesCount;
    if (this.cap === 0) {
      s.exemplarsInStorage = 0;
      s.lastExemplarsTimestampSeconds = 0;
      return;
    }
    if (this.owner[this.nextIndex] !== undefined) {
      // Full: the next slot to be overwritten holds the oldest exemplar.
      s.exemplarsInStorage = this.cap;
      s.lastExemplarsTimestampSeconds = this.ts[this.nextIndex]! / 1000;
      return;
    }
    s.exemplarsInStorage = this.nextIndex;
    if (this.owner[0] !== undefined) s.lastExemplarsTimestampSeconds = this.ts[0]! / 1000;
  }

  /**
   * Changes the capacity, keeping the newest exemplars that fit (in ingestion order), as
   * Prometheus's Resize on a config reload. Returns how many exemplars were kept.
   */
  resize(length: number): number {
    const l = Math.max(0, Math.trunc(length));
    if (l === this.cap) return 0;
    const old = {
      cap: this.cap, ts: this.ts, vs: this.vs, hasTs: this.hasTs, lbls: this.lbls, owner: this.owner, nextIndex: this.nextIndex,
    };
    this.allocate(l);
    const count = Math.min(l, old.cap);
    let migrated = 0;
    if (l > 0 && old.cap > 0) {
      // Start `count` slots before the old write position, so nothing copied is overwritten
      // again by a later copy.
      const start = (old.nextIndex - count + old.cap) % old.cap;
      for (let i = 0; i < count; i++) {
        const k = (start + i) % old.cap;
        const o = old.owner[k];
        if (o === undefined) continue;
        this.add(o.seriesLabels, { labels: old.lbls[k]!, value: old.vs[k]!, ts: old.ts[k]!, hasTs: old.hasTs[k] === 1 });
        migrated++;
      }
      // Re-adding is not new ingestion.
      this.stats.exemplarsAppended -= migrated;
    }
    this.computeStats();
    this.stats.maxExemplars = l;
    return migrated;
  }

  /**
   * Exemplars with timestamps in [start, end] (ms) of series matching any of the matcher
   * sets, grouped by series and sorted by series labels.
   */
  select(start: number, end: number, matcherSets: readonly (readonly Matcher[])[]): ExemplarQueryResult[] {
    const out: ExemplarQueryResult[] = [];
    if (this.cap === 0) return out;
    for (const first of this.index.values()) {
      for (let idx: IndexEntry | undefined = first; idx !== undefined; idx = idx.nextSameHash) {
        if (this.ts[idx.oldest]! > end || this.ts[idx.newest]! < start) continue;
        if (!matchesSome(idx.seriesLabels, matcherSets)) continue;
        const r: ExemplarQueryResult = { seriesLabels: idx.seriesLabels, labels: [], values: [], timestamps: [] };
        for (let k = idx.oldest; k !== NONE; k = this.next[k]!) {
          const t = this.ts[k]!;
          if (t > end) break;
          if (t >= start) {
            r.labels.push(this.lbls[k]!);
            r.values.push(this.vs[k]!);
            r.timestamps.push(t);
          }
        }
        if (r.timestamps.length > 0) out.push(r);
      }
    }
    out.sort((a, b) => LabelsClass.compare(a.seriesLabels, b.seriesLabels));
    return out;
  }
}

function matchesSome(l: Labels, sets: readonly (readonly Matcher[])[]): boolean {
  outer: for (const ms of sets) {
    for (const m of ms) if (!m.matches(l.get(m.name))) continue outer;
    return true;
  }
  return false;
}

/** An exemplar waiting in a head appender for commit: the WAL record entry plus hasTs. */
export interface PendingExemplar extends RefExemplar {
  readonly hasTs: boolean;
}

/**
 * HeadAppender.appendExemplar: finds the series (by ref, else by labels) and validates the
 * exemplar against the stored ones. Returns what to queue for commit, or null when the
 * exemplar is dropped silently (storage disabled, duplicate). Throws ExemplarError
 * (out of order, labels too long) or StorageError('not_found') for an unknown series.
 */
export function prepareExemplar(head: Head, ref: number, lset: Labels, e: Exemplar): PendingExemplar | null {
  const store = head.exemplars;
  if (store.maxExemplars === 0) return null;
  const s: MemSeries | undefined = head.getByRef(ref) ?? head.getByLabels(lset);
  if (s === undefined) throw new StorageError('not_found', `unknown HeadSeriesRef when trying to add exemplar: ${ref}`, 'append the sample before its exemplar');
  try {
    store.validate(s.labels, e);
  } catch (err) {
    if (err instanceof ExemplarError && (err.code === 'duplicate_exemplar' || err.code === 'exemplars_disabled')) return null;
    throw err;
  }
  return { ref: s.ref, t: e.ts, v: e.value, labels: e.labels, hasTs: e.hasTs };
}

/** On commit, after the WAL write: stores the batch's exemplars; out-of-order ones are skipped. */
export function commitExemplars(head: Head, list: readonly PendingExemplar[]): void {
  for (const p of list) {
    const s = head.getByRef(p.ref);
    if (s === undefined) continue;
    try {
      head.exemplars.add(s.labels, { labels: p.labels, value: p.v, ts: p.t, hasTs: p.hasTs });
    } catch (err) {
      if (err instanceof ExemplarError && err.code === 'out_of_order_exemplar') continue;
      head.logger.debug('Unknown error while adding exemplar', { err: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * WAL replay of one exemplar record. `resolve` maps a WAL ref to its series (the replay's
 * ref table, which knows refs renamed by duplicate series records).
 */
export function replayExemplarRecord(head: Head, rec: Uint8Array, resolve: (ref: number) => MemSeries | undefined, minValidTime: number): number {
  const store = head.exemplars;
  if (store.maxExemplars === 0) return 0;
  let unknown = 0;
  for (const e of decodeExemplars(rec)) {
    const s = resolve(e.ref);
    if (s === undefined) {
      unknown++;
      continue;
    }
    if (e.t < minValidTime) continue;
    try {
      store.add(s.labels, { labels: e.labels, value: e.v, ts: e.t, hasTs: false });
    } catch (err) {
      // Out-of-order exemplars are not expected in a WAL; note them and carry on.
      if (err instanceof ExemplarError && err.code === 'out_of_order_exemplar') {
        head.logger.warn('Unexpected error when replaying WAL on exemplar record', { err: err.message });
      }
    }
  }
  return unknown;
}
