// Long CPU work of the DB as plain-data tasks: writing a block from the head's chunks, merging
// blocks (compaction, clean_tombstones) and writing a WAL checkpoint. runTask does it in the
// calling thread; TaskWorker hands it to a worker thread (transferring the packed chunk
// buffers, not copying them) so scrapes and queries on the main event loop are not stalled.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../thread.js';
import { BlockWriter, compactBlocks, PackedChunkSeriesSet, transferList, type BlockMeta, type CompactMode, type PackedChunkSeries } from '../block/index.js';
import { createCheckpoint } from '../wal/index.js';

export interface WriteBlockTask {
  kind: 'writeBlock';
  parentDir: string;
  ulid: string;
  /** The block's time range [mint, maxt) as Prometheus records it for a head block. */
  mint: number;
  maxt: number;
  /** The head's chunks for the range, in label order (packHeadRange). */
  series: PackedChunkSeries;
  /** Every label name and value in the head, for the index's symbol table (as Prometheus writes it). */
  symbols: string[];
}

export interface CheckpointTask {
  kind: 'checkpoint';
  walDir: string;
  from: number;
  to: number;
  /** Refs of the series the head keeps. */
  keep: Uint32Array;
  mint: number;
  compress: boolean;
}

/** Merges or rewrites blocks on disk into a new one (reads the parents itself: nothing to transfer). */
export interface CompactBlocksTask {
  kind: 'compactBlocks';
  parentDir: string;
  dirs: string[];
  ulid: string;
  mode: CompactMode;
}

export type Task = WriteBlockTask | CheckpointTask | CompactBlocksTask;
export type TaskResult = { kind: 'writeBlock'; dir: string | null; meta: BlockMeta | null } | { kind: 'compactBlocks'; dir: string | null; meta: BlockMeta | null } | { kind: 'checkpoint' };

export async function runTask(task: Task): Promise<TaskResult> {
  if (task.kind === 'writeBlock') {
    const w = new BlockWriter(task.parentDir, task.ulid);
    try {
      const ss = new PackedChunkSeriesSet(task.series);
      while (ss.next()) w.add(ss.labels(), ss.chunks());
    } catch (e) {
      w.abort();
      throw e;
    }
    // A head block spans the compacted range: [first sample, range end), as Prometheus writes it.
    const written = w.finish({ timeRange: { minTime: task.mint, maxTime: task.maxt }, symbols: task.symbols });
    return { kind: 'writeBlock', dir: written?.dir ?? null, meta: written?.meta ?? null };
  }
  if (task.kind === 'compactBlocks') {
    const written = compactBlocks(task.parentDir, task.dirs, { mode: task.mode, ulid: task.ulid });
    return { kind: 'compactBlocks', dir: written?.dir ?? null, meta: written?.meta ?? null };
  }
  const keep = new Set<number>(task.keep);
  await createCheckpoint(task.walDir, task.from, task.to, (ref) => keep.has(ref), task.mint, { compress: task.compress });
  return { kind: 'checkpoint' };
}

export class TaskError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * One long-lived worker thread per DB: starting a worker loads the whole tsdb module graph,
 * so it is paid once, not per compaction. Tasks run one at a time in arrival order.
 */
export class TaskWorker {
  private w: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void }>();

  private ensure(): Worker {
    if (this.w) return this.w;
    const w = startWorker('./worker', import.meta.url);
    w.unref();
    w.on('message', (m: { id: number } & ({ ok: true; result: TaskResult } | { ok: false; message: string; code: string })) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new TaskError(m.message, m.code));
    });
    const fail = (e: Error): void => {
      if (this.w === w) this.w = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', (e) => fail(new TaskError(`compaction worker failed: ${e.message}`, 'worker_exit')));
    w.on('exit', (code) => fail(new TaskError(`compaction worker exited with code ${code}`, 'worker_exit')));
    this.w = w;
    return w;
  }

  /** Runs task in the worker; the task's typed arrays are transferred (unusable here afterwards). */
  run(task: Task): Promise<TaskResult> {
    const transfer: ArrayBuffer[] = [];
    if (task.kind === 'writeBlock') transfer.push(...transferList(task.series));
    else if (task.kind === 'checkpoint') transfer.push(task.keep.buffer as ArrayBuffer);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Messages wait in the port until the worker's entry has loaded and listens.
      this.ensure().postMessage({ id, task }, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.w;
    this.w = null;
    if (w) await w.terminate();
  }
}
