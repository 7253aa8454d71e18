// The head: the newest data, in memory, appendable. Series are keyed by their label set,
// label strings are interned, postings are sorted per label pair, and each series keeps an
// open XOR chunk plus references to completed chunks in chunks_head/. Appends are logged to
// the WAL on commit before they become visible.
import type { Labels, Matcher } from '../../model/index.js';
import { Labels as LabelsClass } from '../../model/index.js';
import type { Logger } from '../../log/index.js';
import { nopLogger } from '../../log/index.js';
import { RefTable, type Appender, type Metadata, type Querier } from '../../storage/index.js';
import { RecordEncoder, SampleBatch, type WAL } from '../wal/index.js';
import { HeadAppender, type AppendBuffers } from './appender.js';
import { HeadQuerier } from './querier.js';
import { MemPostings } from './postings.js';
import { MemSeries, memChunks, type ChunkSink } from './series.js';
import { CircularExemplarStorage } from './exemplars.js'; // exemplar-storage hook

export interface HeadOptions {
  /** Width of a head chunk range in ms; the DB uses the min block duration (2h by default). */
  chunkRange: number;
  /** Where completed chunks go (chunks_head/); kept in memory when absent. */
  chunks?: ChunkSink | null;
  wal?: WAL | null;
  logger?: Logger;
}

/** Plain numbers, so the server can map them to prometheus_tsdb_head_* metrics. */
export interface HeadStats {
  numSeries: number;
  seriesCreated: number;
  seriesRemoved: number;
  chunks: number;
  chunksCreated: number;
  chunksRemoved: number;
  samplesAppended: number;
  outOfOrderSamples: number;
  outOfBoundsSamples: number;
  duplicateSamples: number;
  /** Math.min over samples; Infinity while empty (Prometheus reports math.MaxInt64). */
  minTime: number;
  maxTime: number;
  minValidTime: number;
  walCorruptions: number;
  truncations: number;
  activeAppenders: number;
}

export interface CardinalityStat {
  name: string;
  value: number;
}

/** What /api/v1/status/tsdb shows about the head. */
export interface HeadCardinality {
  numSeries: number;
  numLabelPairs: number;
  chunkCount: number;
  minTime: number;
  maxTime: number;
  seriesCountByMetricName: CardinalityStat[];
  labelValueCountByLabelName: CardinalityStat[];
  memoryInBytesByLabelName: CardinalityStat[];
  seriesCountByLabelValuePair: CardinalityStat[];
}

const EMPTY_CHUNK = new Uint8Array(2);

/** An open querier of the head and the range it reads (see Head.readers). */
export interface HeadReader {
  readonly mint: number;
  readonly maxt: number;
}

export class Head {
  readonly chunkRange: number;
  readonly logger: Logger;
  chunks: ChunkSink | null;
  wal: WAL | null;
  readonly series = new RefTable<MemSeries>();
  /**
   * Series by label hash; colliding series are chained through MemSeries.nextSameHash. A
   * number key costs nothing per series, where a string key would copy every label set.
   */
  private readonly byHash = new Map<number, MemSeries>();
  readonly postings = new MemPostings();
  lastSeriesRef = 0;
  readonly stats: HeadStats = {
    numSeries: 0, seriesCreated: 0, seriesRemoved: 0, chunks: 0, chunksCreated: 0, chunksRemoved: 0,
    samplesAppended: 0, outOfOrderSamples: 0, outOfBoundsSamples: 0, duplicateSamples: 0,
    minTime: Infinity, maxTime: -Infinity, minValidTime: -Infinity, walCorruptions: 0, truncations: 0, activeAppenders: 0,
  };
  /** Deleted intervals per series ref, from tombstone records. */
  readonly tombstones = new Map<number, Array<[number, number]>>();
  /** Reused by appenders to encode WAL records. */
  readonly encoder = new RecordEncoder();
  /**
   * Open queriers and the ranges they read. Truncation must not drop chunks from under a
   * querier that began before the block holding them was added (DB.compactHeadRange waits).
   */
  readonly readers = new Set<HeadReader>();
  /** Exemplar storage (exemplars.ts); capacity 0 (off) until the DB sizes it. exemplar-storage hook. */
  readonly exemplars = new CircularExemplarStorage(0);

  constructor(opts: HeadOptions) {
    this.chunkRange = opts.chunkRange;
    this.chunks = opts.chunks ?? null;
    this.wal = opts.wal ?? null;
    this.logger = opts.logger ?? nopLogger;
  }

  /** One shared object per distinct metadata: every series of a family carries the same. */
  private readonly metas = new Map<string, Metadata>();

  internMeta(m: Metadata): Metadata {
    const k = `${m.type}\u0000${m.unit}\u0000${m.help}`;
    let have = this.metas.get(k);
    if (have === undefined) {
      if (this.metas.size >= 100_000) this.metas.clear(); // a bound against endlessly changing HELP texts
      have = { type: m.type, help: m.help, unit: m.unit };
      this.metas.set(k, have);
    }
    return have;
  }

  get minTime(): number {
    return this.stats.minTime;
  }
  get maxTime(): number {
    return this.stats.maxTime;
  }

  updateMinMax(mint: number, maxt: number): void {
    if (mint < this.stats.minTime) this.stats.minTime = mint;
    if (maxt > this.stats.maxTime) this.stats.maxTime = maxt;
  }

  getByRef(ref: number): MemSeries | undefined {
    return this.series.get(ref);
  }

  getByLabels(lset: Labels): MemSeries | undefined {
    return this.lookup(lset, lset.hash());
  }

  private lookup(lset: Labels, hash: number): MemSeries | undefined {
    for (let s = this.byHash.get(hash); s !== undefined; s = s.nextSameHash) if (s.labels.equals(lset)) return s;
    return undefined;
  }

  /**
   * Returns the series for lset, creating it (with ref, or the next free ref) if needed.
   * `created` tells the caller it must log a series record.
   */
  getOrCreate(lset: Labels, ref = 0): { s: MemSeries; created: boolean } {
    const hash = lset.hash();
    const have = this.lookup(lset, hash);
    if (have) return { s: have, created: false };
    if (ref === 0) ref = ++this.lastSeriesRef;
    else if (ref > this.lastSeriesRef) this.lastSeriesRef = ref;
    const s = new MemSeries(ref, lset);
    this.series.set(ref, s);
    s.nextSameHash = this.byHash.get(hash);
    this.byHash.set(hash, s);
    // The caller's label set is adopted, its strings swapped for the head's shared copies (the
    // postings keep them): the scrape cache keeps the same object, so one copy serves both.
    this.postings.add(ref, lset.kv as string[]);
    this.stats.numSeries++;
    this.stats.seriesCreated++;
    return { s, created: true };
  }

  /**
   * Appender buffers are recycled: every scrape makes an appender, and fresh typed arrays for
   * each would be garbage the size of the scrape, every few seconds, per target.
   */
  private readonly spareBuffers: AppendBuffers[] = [];

  takeAppendBuffers(): AppendBuffers {
    return this.spareBuffers.pop() ?? { batch: new SampleBatch(), sers: [] };
  }

  returnAppendBuffers(b: AppendBuffers): void {
    b.batch.n = 0;
    b.sers.length = 0;
    // A few spares cover concurrent scrapes; one huge batch (a backfill) is not kept.
    if (this.spareBuffers.length < 16 && b.batch.refs.length <= 1 << 16) this.spareBuffers.push(b);
  }

  /** A new appender; see HeadAppender for the commit contract. */
  appender(): Appender {
    return new HeadAppender(this);
  }

  querier(mint: number, maxt: number): Querier {
    return new HeadQuerier(this, mint, maxt);
  }

  /** Refs of series matching all matchers, ascending. */
  selectRefs(matchers: readonly Matcher[]): Uint32Array {
    return this.postings.select(matchers);
  }

  /**
   * Deletes samples in [mint, maxt] of the series matching all matchers: logs a tombstones
   * record to the WAL, then hides the samples from queries (compaction drops them).
   * Returns how many series were affected.
   */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): number {
    const refs = this.selectRefs(matchers);
    const stones: { ref: number; mint: number; maxt: number }[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.series.get(refs[i]!);
      if (!s || s.maxt < mint || s.minTime() > maxt) continue;
      stones.push({ ref: s.ref, mint, maxt });
    }
    if (stones.length === 0) return 0;
    if (this.wal) this.wal.log(this.encoder.tombstones(stones));
    for (const t of stones) this.addTombstone(t.ref, t.mint, t.maxt);
    return stones.length;
  }

  addTombstone(ref: number, mint: number, maxt: number): void {
    let l = this.tombstones.get(ref);
    if (!l) this.tombstones.set(ref, (l = []));
    l.push([mint, maxt]);
  }

  /** Bytes of a completed chunk. */
  chunkBytes(ref: number): Uint8Array {
    if (ref < 0) return memChunks.get(ref) ?? EMPTY_CHUNK;
    return this.chunks!.chunk(ref);
  }

  /** Total chunks held (open + completed). */
  countChunks(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.numChunks();
    this.stats.chunks = n;
    return n;
  }

  /**
   * Drops data before mint: completed chunks that end before it and series left with no
   * chunks (Prometheus's head truncation + gc). Returns the refs of removed series.
   */
  truncateMemory(mint: number): Set<number> {
    if (mint > this.stats.minTime || this.stats.minTime === Infinity) this.stats.minTime = mint;
    if (mint > this.stats.minValidTime) this.stats.minValidTime = mint;
    return this.gc(mint);
  }

  /** Removes chunks ending before mint and series that have no chunks left. */
  gc(mint: number): Set<number> {
    const removed = new Set<number>();
    for (const s of this.series.values()) {
      this.stats.chunksRemoved += s.truncateChunksBefore(mint);
      if (s.numChunks() === 0 && s.pendingT === -Infinity) removed.add(s.ref);
    }
    if (removed.size > 0) {
      this.postings.delete(removed, (id) => this.series.get(id)?.labels.kv);
      for (const ref of removed) {
        const s = this.series.get(ref)!;
        this.series.delete(ref);
        this.unlinkHash(s);
        this.tombstones.delete(ref);
      }
      this.stats.numSeries -= removed.size;
      this.stats.seriesRemoved += removed.size;
    }
    this.countChunks();
    return removed;
  }

  private unlinkHash(s: MemSeries): void {
    const hash = s.labels.hash();
    let first = this.byHash.get(hash);
    if (first === s) {
      if (s.nextSameHash === undefined) this.byHash.delete(hash);
      else this.byHash.set(hash, s.nextSameHash);
      return;
    }
    for (; first !== undefined; first = first.nextSameHash) {
      if (first.nextSameHash === s) {
        first.nextSameHash = s.nextSameHash;
        return;
      }
    }
  }

  /** Cardinality figures for /api/v1/status/tsdb (top `limit` of each list). */
  cardinality(limit = 10): HeadCardinality {
    const byMetric: CardinalityStat[] = [];
    const valueCount: CardinalityStat[] = [];
    const memory: CardinalityStat[] = [];
    const pairs: CardinalityStat[] = [];
    let numLabelPairs = 0;
    for (const [name, vals] of this.postings.m) {
      valueCount.push({ name, value: vals.size });
      numLabelPairs += vals.size;
      let size = 0;
      for (const [v, p] of vals) {
        if (name === '__name__') byMetric.push({ name: v, value: p.n });
        pairs.push({ name: `${name}=${v}`, value: p.n });
        size += Buffer.byteLength(v); // per distinct value, as Prometheus 2.42 counts it
      }
      memory.push({ name, value: size });
    }
    const top = (a: CardinalityStat[]): CardinalityStat[] => a.sort((x, y) => y.value - x.value || (x.name < y.name ? -1 : 1)).slice(0, limit);
    return {
      numSeries: this.stats.numSeries,
      numLabelPairs,
      chunkCount: this.countChunks(),
      minTime: this.stats.minTime,
      maxTime: this.stats.maxTime,
      seriesCountByMetricName: top(byMetric),
      labelValueCountByLabelName: top(valueCount),
      memoryInBytesByLabelName: top(memory),
      seriesCountByLabelValuePair: top(pairs),
    };
  }
}
