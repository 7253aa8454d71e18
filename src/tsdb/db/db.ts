// The DB: blocks on disk + the head (WAL, chunks_head), behind the Storage seam. Open takes
// the lock, loads blocks, replays chunks_head + checkpoint + WAL into the head (repairing a
// damaged WAL as Prometheus does), then serves merged queries. Head compaction writes the
// oldest chunk range of the head as a block, then truncates the head, chunks_head and the
// WAL (checkpoint + delete old segments); leveled compaction then merges blocks (plan.ts);
// retention deletes old blocks by time and size.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { nopLogger } from '../../log/index.js';
import type { Appender, Labels, Querier, SeriesRef, Storage, Exemplar, Metadata } from './types.js';
import { StorageError } from '../../storage/index.js';
import { Block, MergeQuerier, openBlocks, newULID, postingsForMatchers, writeMeta, writeTombstones } from '../block/index.js';
import type { Matcher } from '../../model/index.js';
import { ChunkDiskMapper } from '../chunks/index.js';
import { Head, HeadAppender, packHeadRange, type HeadReader, replayHead, rangeForTimestamp, type HeadCardinality, type HeadStats, type ReplayProgress, type ExemplarQueryResult, type ExemplarStats } from '../head/index.js';
import { WAL, deleteCheckpoints, removeTmpDirs } from '../wal/index.js';
import { acquireLock } from './lock.js';
import { TaskError, TaskWorker, runTask, type Task, type TaskResult, type WriteBlockTask } from './tasks.js';
import { blockRanges, planCompaction } from './plan.js';
import { snapshotBlock } from './snapshot.js';
import { CompactionError } from './errors.js';
import type { CompactMode } from '../block/index.js';

/** How long head truncation waits for queriers that began before a head compaction (Prometheus waits without limit). */
const READER_WAIT_MS = 5 * 60_000;

export interface DBOptions {
  /** --storage.tsdb.retention.time in ms; 0 disables. Default 15d, or none when retentionSize is set. */
  retentionTime?: number;
  /** --storage.tsdb.retention.size in bytes; 0 disables (the default). */
  retentionSize?: number;
  /** --storage.tsdb.wal-compression; default true. */
  walCompression?: boolean;
  /** --storage.tsdb.min-block-duration (ms): head chunk range and block size. Default 2h. */
  minBlockDuration?: number;
  /** --storage.tsdb.max-block-duration (ms): blocks are merged up to this size. Default: the min block duration (no merging). */
  maxBlockDuration?: number;
  /** --storage.tsdb.no-lockfile. */
  noLockfile?: boolean;
  walSegmentSize?: number;
  /** Run head compaction + retention in the background (every minute and after commits). Default true. */
  backgroundCompaction?: boolean;
  /** Run block writes and checkpoints in worker threads (default true). */
  workerThreads?: boolean;
  /** Filled in during WAL replay, so a server can report it before openDB resolves. */
  replayProgress?: ReplayProgress;
  /**
   * Exemplar buffer size (--enable-feature=exemplar-storage with storage.exemplars.max_exemplars);
   * 0, the default, keeps no exemplars. Resize later with setMaxExemplars.
   */
  maxExemplars?: number;
}

export const DEFAULT_RETENTION_MS = 15 * 24 * 3600 * 1000;
export const DEFAULT_BLOCK_DURATION_MS = 2 * 3600 * 1000;

export class DB implements Storage {
  readonly head: Head;
  blocks: Block[];
  readonly replayProgress: ReplayProgress;
  private readonly chunkRange: number;
  private compacting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly worker = new TaskWorker();
  /** Compaction ranges: 2h, 6h, 18h, ... up to the max block duration. */
  readonly ranges: number[];
  /**
   * Blocks whose compaction failed in this process. Prometheus writes compaction.failed into
   * their meta.json; promts keeps that in memory so a failing disk never has a parent's
   * meta.json rewritten. The planner skips their range until restart.
   */
  private readonly failedCompactions = new Set<string>();
  /** Serialises everything that replaces blocks (compaction, clean_tombstones, snapshot). */
  private blockOps: Promise<unknown> = Promise.resolve();

  /** @internal use openDB */
  constructor(
    readonly dir: string,
    readonly opts: Required<Omit<DBOptions, 'replayProgress'>>,
    readonly logger: Logger,
    private readonly wal: WAL,
    private readonly mapper: ChunkDiskMapper,
    blocks: Block[],
    progress: ReplayProgress,
    private readonly releaseLock: () => void,
  ) {
    this.chunkRange = opts.minBlockDuration;
    this.ranges = blockRanges(opts.minBlockDuration, opts.maxBlockDuration);
    this.blocks = blocks;
    this.replayProgress = progress;
    this.head = new Head({ chunkRange: this.chunkRange, chunks: mapper, wal, logger });
    this.head.exemplars.resize(opts.maxExemplars); // exemplar-storage: sized before the WAL replay fills it
  }

  /**
   * Resizes the exemplar buffer keeping the newest exemplars (a config reload changing
   * storage.exemplars.max_exemplars). Returns how many were kept; logs like Prometheus.
   */
  setMaxExemplars(n: number): number {
    const prev = this.head.exemplars.maxExemplars;
    if (prev === n) return 0;
    const migrated = this.head.exemplars.resize(n);
    this.logger.info('Exemplar storage resized', { from: prev, to: n, migrated });
    return migrated;
  }

  /** Exemplars in [start, end] (ms) of series matching any matcher set (/api/v1/query_exemplars). */
  queryExemplars(start: number, end: number, matcherSets: readonly (readonly Matcher[])[]): ExemplarQueryResult[] {
    return this.head.exemplars.select(start, end, matcherSets);
  }

  /** Counters and gauges of the exemplar storage (a live object), for prometheus_tsdb_exemplar_*. */
  exemplarStats(): ExemplarStats {
    return this.head.exemplars.stats;
  }

  /** True once the WAL replay finished (the server's /-/ready). */
  ready(): boolean {
    return this.replayProgress.done;
  }

  appender(): Appender {
    if (this.closed) throw new StorageError('closed', 'TSDB is closed', 'reopen the DB');
    return new DBAppender(this, this.head.appender() as HeadAppender);
  }

  /** A querier merging the blocks and the head that overlap [mint, maxt]. */
  querier(mint: number, maxt: number): Querier {
    const qs: Querier[] = [];
    for (const b of this.blocks) if (b.meta.minTime <= maxt && b.meta.maxTime > mint) qs.push(b.querier(mint, maxt));
    const h = this.head.stats;
    if (h.maxTime >= mint && h.minTime <= maxt) {
      // The head may hold chunks reaching below its min time (overlapping the newest block);
      // those samples are served by the block.
      qs.push(this.head.querier(Math.max(mint, h.minTime), maxt));
    }
    return new MergeQuerier(qs);
  }

  /** The head's counters (a live object; cheap to read on every /metrics scrape). */
  headStats(): HeadStats {
    return this.head.stats;
  }

  /** Cardinality of the head for /api/v1/status/tsdb. */
  headCardinality(limit = 10): HeadCardinality {
    return this.head.cardinality(limit);
  }

  /** Oldest and newest sample time over blocks and head (Infinity/-Infinity when empty). */
  timeRange(): { minTime: number; maxTime: number } {
    let minTime = this.head.stats.minTime;
    let maxTime = this.head.stats.maxTime;
    for (const b of this.blocks) {
      if (b.meta.minTime < minTime) minTime = b.meta.minTime;
      if (b.meta.maxTime - 1 > maxTime) maxTime = b.meta.maxTime - 1;
    }
    return { minTime, maxTime };
  }

  /** Bytes used on disk by blocks, WAL and chunks_head (what size retention counts). */
  size(): number {
    let n = this.headDiskSize();
    for (const b of this.blocks) n += b.size();
    return n;
  }

  private headDiskSize(): number {
    return dirSize(join(this.dir, 'wal')) + dirSize(join(this.dir, 'chunks_head'));
  }

  /** The head has more than 1.5 chunk ranges of data: the oldest range can become a block. */
  compactable(): boolean {
    const s = this.head.stats;
    return s.maxTime !== -Infinity && s.minTime !== Infinity && s.maxTime - s.minTime > (this.chunkRange / 2) * 3;
  }

  /** Runs head compaction and retention once; concurrent calls share one run. */
  compact(): Promise<void> {
    if (!this.compacting) {
      this.compacting = this.exclusive(() => this.runCompaction()).finally(() => {
        this.compacting = null;
      });
    }
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    while (!this.closed && this.compactable()) {
      const mint = this.head.stats.minTime;
      const maxt = rangeForTimestamp(mint, this.chunkRange);
      await this.compactHeadRange(mint, maxt);
    }
    if (!this.closed) await this.compactBlocks();
    if (!this.closed) this.applyRetention();
  }

  /** Runs fn once every earlier block-replacing operation has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.blockOps.then(fn, fn);
    this.blockOps = p.catch(() => undefined);
    return p;
  }

  /** Merges blocks as Prometheus's LeveledCompactor plans it, until the plan is empty. */
  private async compactBlocks(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const plan = planCompaction(
        this.blocks.map((b) => b.meta),
        this.ranges,
        this.failedCompactions,
      );
      if (plan.length === 0) return;
      if (this.compactable()) {
        // The head comes first: a long merge must not let it grow past its range.
        this.logger.warn('aborting block compactions to persit the head block');
        return;
      }
      await this.replaceBlocks(plan, 'merge');
    }
  }

  /**
   * Writes the blocks `ulids` as one new block, then swaps it in and deletes them. On failure
   * the parents stay as they are (the half-written block is removed by the writer).
   */
  private async replaceBlocks(ulids: readonly string[], mode: CompactMode): Promise<void> {
    const start = performance.now();
    const ulid = newULID();
    const dirs = ulids.map((u) => join(this.dir, u));
    let res: Extract<TaskResult, { kind: 'compactBlocks' }>;
    try {
      res = (await this.offload(async () => ({ kind: 'compactBlocks', parentDir: this.dir, dirs, ulid, mode }))) as Extract<TaskResult, { kind: 'compactBlocks' }>;
    } catch (e) {
      for (const u of ulids) this.failedCompactions.add(u);
      const msg = e instanceof Error ? e.message : String(e);
      throw new CompactionError(`compact blocks [${ulids.join(' ')}] in ${this.dir}: ${msg}`, 'the parent blocks are untouched; free disk space or fix the permissions of the data dir, then restart to retry');
    }
    const gone = new Set(ulids);
    const kept = this.blocks.filter((b) => !gone.has(b.meta.ulid));
    if (res.dir) kept.push(Block.open(res.dir));
    kept.sort((a, b) => a.meta.minTime - b.meta.minTime);
    this.blocks = kept;
    const duration = `${(performance.now() - start).toFixed(3)}ms`;
    if (res.meta) this.logger.info('compact blocks', { count: ulids.length, mint: res.meta.minTime, maxt: res.meta.maxTime, ulid, sources: `[${ulids.join(' ')}]`, duration });
    else this.logger.info('compact blocks resulted in empty block', { count: ulids.length, sources: `[${ulids.join(' ')}]`, duration });
    // The new block is renamed into place and fsynced before this point; were we to crash
    // now, startup deletes the parents it names.
    for (const u of ulids) deleteBlockDir(this.dir, u);
  }

  /**
   * The admin API's clean_tombstones: rewrites every block that has tombstones without the
   * deleted samples and removes the old block.
   */
  cleanTombstones(): Promise<void> {
    return this.exclusive(async () => {
      for (const b of [...this.blocks]) {
        if (this.closed) return;
        if (b.tombstones.numIntervals() === 0) continue;
        await this.replaceBlocks([b.meta.ulid], 'rewrite');
      }
    });
  }

  /**
   * Writes every block (hard links) and, with withHead, the head's samples as one more block
   * into dir, as Prometheus's DB.Snapshot. dir must not be the data dir itself.
   */
  snapshot(dir: string, withHead: boolean): Promise<void> {
    return this.exclusive(async () => {
      mkdirSync(dir, { recursive: true });
      for (const b of this.blocks) {
        this.logger.info('Snapshotting block', { block: b.meta.ulid });
        snapshotBlock(b, dir);
      }
      const h = this.head.stats;
      if (!withHead || h.minTime === Infinity || h.maxTime === -Infinity) return;
      const { minTime: mint, maxTime: maxt } = h;
      // Blocks are half-open [mint, maxt): the head's last sample is at maxt, so maxt + 1.
      const task = async (): Promise<WriteBlockTask> => ({ kind: 'writeBlock', parentDir: dir, ulid: newULID(), mint, maxt: maxt + 1, series: await packHeadRange(this.head, mint, maxt), symbols: this.head.postings.symbols() });
      await this.offload(task);
    });
  }

  /** Writes head data in [mint, maxt) as a block, then truncates head and WAL at maxt. */
  async compactHeadRange(mint: number, maxt: number): Promise<void> {
    const start = performance.now();
    const ulid = newULID();
    const task = async (): Promise<WriteBlockTask> => ({
      kind: 'writeBlock',
      parentDir: this.dir,
      ulid,
      mint,
      maxt,
      series: await packHeadRange(this.head, mint, maxt - 1),
      symbols: this.head.postings.symbols(),
    });
    const res = (await this.offload(task)) as Extract<TaskResult, { kind: 'writeBlock' }>;
    // Queriers opened from here on see the new block; those opened before it may still read
    // the head's copy of its samples, which truncation is about to drop.
    const before = [...this.head.readers].filter((r) => r.mint < maxt);
    if (res.dir) {
      this.blocks.push(Block.open(res.dir));
      this.blocks.sort((a, b) => a.meta.minTime - b.meta.minTime);
      this.logger.info('write block', { mint, maxt, ulid, duration: `${(performance.now() - start).toFixed(3)}ms` });
    }
    await this.waitForReaders(before, mint, maxt);
    await this.truncateHead(maxt);
  }

  /**
   * Waits until the given head queriers are closed, as Prometheus's compactor waits for pending
   * readers before truncating the head: a query running across a compaction would otherwise
   * miss the samples that moved into the new block. Gives up (with a warning) after
   * READER_WAIT_MS, so a querier that is never closed cannot stop the head from shrinking.
   */
  private async waitForReaders(readers: readonly HeadReader[], mint: number, maxt: number): Promise<void> {
    const deadline = Date.now() + READER_WAIT_MS;
    let logged = false;
    for (;;) {
      const pending = readers.filter((r) => this.head.readers.has(r)).length;
      if (pending === 0 || this.closed) return;
      if (Date.now() > deadline) {
        this.logger.warn('Truncating the head while queries still read it', { pending, mint, maxt });
        return;
      }
      if (!logged) this.logger.info('Waiting for pending readers before truncating the head', { pending, mint, maxt });
      logged = true;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Runs a task in a worker thread (or inline when workers are off). If the worker cannot
   * run, the task is rebuilt and run inline: its transferred buffers are gone.
   */
  private async offload(make: () => Promise<Task>): Promise<TaskResult> {
    if (!this.opts.workerThreads) return runTask(await make());
    try {
      return await this.worker.run(await make());
    } catch (e) {
      if (e instanceof TaskError && e.code !== 'worker_exit') throw e;
      this.logger.warn('compaction worker failed, running inline', { err: e instanceof Error ? e.message : String(e) });
      return runTask(await make());
    }
  }

  /** Drops head data before mint and checkpoints the WAL (Prometheus's Head.Truncate). */
  async truncateHead(mint: number): Promise<void> {
    const start = performance.now();
    this.head.truncateMemory(mint);
    this.mapper.truncate(mint);
    this.head.stats.truncations++;
    this.logger.info('Head GC completed', { duration: `${(performance.now() - start).toFixed(3)}ms` });
    // WAL: checkpoint the lower two thirds of the closed segments.
    const { first, last: cur } = this.wal.segments();
    this.wal.nextSegment();
    const last0 = cur - 1;
    if (last0 < 0) return;
    const last = first + Math.trunc(((last0 - first) * 2) / 3);
    if (last <= first) return;
    const t0 = performance.now();
    const walDir = join(this.dir, 'wal');
    await this.offload(async () => ({ kind: 'checkpoint', walDir, from: first, to: last, keep: Uint32Array.from(this.head.series.values(), (s) => s.ref), mint, compress: this.opts.walCompression }));
    this.wal.truncate(last + 1);
    deleteCheckpoints(walDir, last);
    this.logger.info('WAL checkpoint complete', { first, last, duration: `${(performance.now() - t0).toFixed(3)}ms` });
  }

  /**
   * Deletes samples in [mint, maxt] of the series matching all matchers (the admin API's
   * delete_series): tombstones in the head (logged to the WAL) and in each overlapping block's
   * tombstones file. Resolves to the number of series affected (head + blocks).
   *
   * Runs after any compaction in progress, as Prometheus's Delete takes the compaction lock: a
   * compaction reads its sources' tombstones when it starts, so a delete landing in the middle
   * would be lost with the parents (or, for the head, truncated away) and the samples return.
   */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): Promise<number> {
    return this.exclusive(async () => {
      let n = 0;
      for (const b of this.blocks) {
        if (b.meta.minTime > maxt || b.meta.maxTime <= mint) continue;
        const refs = postingsForMatchers(b.index, matchers);
        if (refs.length === 0) continue;
        const iv = { mint: Math.max(mint, b.meta.minTime), maxt: Math.min(maxt, b.meta.maxTime) };
        for (let i = 0; i < refs.length; i++) b.tombstones.add(refs[i]!, iv);
        writeTombstones(join(b.dir, 'tombstones'), b.tombstones);
        writeMeta(join(b.dir, 'meta.json'), { ...b.meta, stats: { ...b.meta.stats, numTombstones: b.tombstones.numIntervals() } });
        n += refs.length;
      }
      return n + this.head.delete(mint, maxt, matchers);
    });
  }

  /** Deletes blocks beyond the time and size retention, oldest first. */
  applyRetention(): void {
    const newestFirst = [...this.blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime);
    const deletable = new Map<string, string>();
    if (this.opts.retentionTime > 0 && newestFirst.length > 0) {
      const top = newestFirst[0]!.meta.maxTime;
      for (let i = 1; i < newestFirst.length; i++) {
        if (top - newestFirst[i]!.meta.maxTime > this.opts.retentionTime) {
          for (const b of newestFirst.slice(i)) deletable.set(b.meta.ulid, 'time');
          break;
        }
      }
    }
    if (this.opts.retentionSize > 0) {
      let size = this.headDiskSize();
      for (let i = 0; i < newestFirst.length; i++) {
        size += newestFirst[i]!.size();
        if (size > this.opts.retentionSize) {
          for (const b of newestFirst.slice(i)) if (!deletable.has(b.meta.ulid)) deletable.set(b.meta.ulid, 'size');
          break;
        }
      }
    }
    if (deletable.size === 0) return;
    this.blocks = this.blocks.filter((b) => !deletable.has(b.meta.ulid));
    for (const [ulid, why] of deletable) {
      this.logger.info('Deleting obsolete block', { block: ulid, reason: why === 'time' ? 'retention time' : 'retention size' });
      deleteBlockDir(this.dir, ulid);
    }
  }

  /** Starts the once-a-minute compaction loop (Prometheus's db.run). */
  startBackground(): void {
    if (!this.opts.backgroundCompaction || this.timer) return;
    this.timer = setInterval(() => void this.compactSafely(), 60_000);
    this.timer.unref();
    // A head left big by the last run is compacted right away, as Prometheus does at start.
    this.maybeCompact();
  }

  /** Called after commits: compaction runs in the background when the head grew enough. */
  maybeCompact(): void {
    if (this.opts.backgroundCompaction && !this.compacting && this.compactable() && Date.now() >= this.retryAt) setImmediate(() => void this.compactSafely());
  }

  /**
   * After a failed background compaction (a full disk, say) the next try waits 1 s, doubling to
   * a minute, as Prometheus's db.run backs off: every commit asks for a compaction, and each
   * try packs the whole head range again.
   */
  private backoffMs = 0;
  private retryAt = 0;

  private async compactSafely(): Promise<void> {
    if (Date.now() < this.retryAt) return;
    try {
      await this.compact();
      this.backoffMs = 0;
    } catch (e) {
      this.backoffMs = Math.min(60_000, Math.max(1000, this.backoffMs * 2));
      this.retryAt = Date.now() + this.backoffMs;
      this.logger.error('compaction failed', { err: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Flushes chunks_head, pads and syncs the WAL, releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.compacting) await this.compacting.catch(() => undefined);
    // A clean_tombstones or snapshot in progress finishes before the worker and files close.
    await this.blockOps;
    this.closed = true;
    await this.worker.close();
    for (const b of this.blocks) b.close();
    this.mapper.close();
    this.wal.close();
    this.releaseLock();
  }
}

class DBAppender implements Appender {
  constructor(
    private readonly db: DB,
    private readonly app: HeadAppender,
  ) {}
  append(ref: SeriesRef | 0, labels: Labels, t: number, v: number): SeriesRef {
    return this.app.append(ref, labels, t, v);
  }
  appendExemplar(ref: SeriesRef, labels: Labels, e: Exemplar): void {
    this.app.appendExemplar(ref, labels, e);
  }
  updateMetadata(ref: SeriesRef, labels: Labels, m: Metadata): void {
    this.app.updateMetadata(ref, labels, m);
  }
  async commit(): Promise<void> {
    this.app.commitSync();
    this.db.maybeCompact();
  }
  rollback(): Promise<void> {
    return this.app.rollback();
  }
}

function dirSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    n += st.isDirectory() ? dirSize(p) : st.size;
  }
  return n;
}

function deleteBlockDir(dir: string, ulid: string): void {
  const from = join(dir, ulid);
  const tmp = join(dir, `${ulid}.tmp-for-deletion`);
  // Rename first so a crash mid-delete never leaves a half block that looks whole.
  renameSync(from, tmp);
  rmSync(tmp, { recursive: true, force: true });
}

/** Removes what an interrupted compaction or deletion left behind. */
function removeLeftovers(dir: string, logger: Logger): void {
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.tmp-for-creation') || name.endsWith('.tmp-for-deletion') || name.endsWith('.tmp')) {
      logger.info('Found and deleted tmp block dir', { dir: join(dir, name) });
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
}

/**
 * Opens (creating if needed) the TSDB in dir: lock, blocks, WAL replay (with repair). Resolves
 * once the head is ready. Throws DBLockError when another live process holds the lock.
 */
export async function openDB(dir: string, options: DBOptions = {}, logger: Logger = nopLogger): Promise<DB> {
  const opts: Required<Omit<DBOptions, 'replayProgress'>> = {
    // As Prometheus: 15d only when neither time nor size retention is given.
    retentionTime: options.retentionTime ?? (options.retentionSize ? 0 : DEFAULT_RETENTION_MS),
    retentionSize: options.retentionSize ?? 0,
    walCompression: options.walCompression ?? true,
    minBlockDuration: options.minBlockDuration ?? DEFAULT_BLOCK_DURATION_MS,
    maxBlockDuration: options.maxBlockDuration ?? options.minBlockDuration ?? DEFAULT_BLOCK_DURATION_MS,
    noLockfile: options.noLockfile ?? false,
    walSegmentSize: options.walSegmentSize ?? 128 * 1024 * 1024,
    backgroundCompaction: options.backgroundCompaction ?? true,
    workerThreads: options.workerThreads ?? true,
    maxExemplars: Math.max(0, options.maxExemplars ?? 0),
  };
  mkdirSync(dir, { recursive: true });
  const release = opts.noLockfile ? () => undefined : acquireLock(dir);
  let wal: WAL | null = null;
  let mapper: ChunkDiskMapper | null = null;
  try {
    removeLeftovers(dir, logger);
    let blocks = openBlocks(dir);
    // Blocks that were merged into a newer one (its parents) are leftovers of a compaction.
    const parents = new Set<string>();
    for (const b of blocks) for (const p of b.meta.compaction.parents ?? []) parents.add(p.ulid);
    for (const b of blocks) {
      if (!parents.has(b.meta.ulid)) continue;
      b.close();
      deleteBlockDir(dir, b.meta.ulid);
    }
    blocks = blocks.filter((b) => !parents.has(b.meta.ulid));
    for (const b of blocks) logger.info('Found healthy block', { mint: b.meta.minTime, maxt: b.meta.maxTime, ulid: b.meta.ulid });
    const minValidTime = blocks.reduce((m, b) => Math.max(m, b.meta.maxTime), -Infinity);

    const walDir = join(dir, 'wal');
    removeTmpDirs(walDir);
    wal = WAL.open(walDir, { compress: opts.walCompression, segmentSize: opts.walSegmentSize, logger });
    mapper = new ChunkDiskMapper(join(dir, 'chunks_head'));
    const progress: ReplayProgress = options.replayProgress ?? { min: 0, max: 0, current: 0, done: false };
    progress.done = false;
    const db = new DB(dir, opts, logger, wal, mapper, blocks, progress, release);
    const res = await replayHead(db.head, walDir, mapper, minValidTime, progress, logger);
    if (res.corruption) {
      logger.warn('Encountered WAL read error, attempting repair', { err: `read records: ${res.corruption.message}` });
      wal.repair(res.corruption);
      logger.info('Successfully repaired WAL');
    }
    if (res.unknownSeriesRefs > 0) logger.warn('Unknown series references', { samples: res.unknownSeriesRefs });
    db.applyRetention();
    db.startBackground();
    return db;
  } catch (e) {
    mapper?.close();
    wal?.close();
    release();
    throw e;
  }
}
