// Read-only opening, as promtool's `tsdb dump/analyze` do: blocks plus the WAL replayed into
// a head in memory, without a lock, without writing to wal/ or chunks_head/, and without
// repairing: a damaged WAL is an error ("read WAL: ...").
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { nopLogger } from '../../log/index.js';
import { PromtsError } from '../../model/index.js';
import type { Querier } from '../../storage/index.js';
import { MergeQuerier, openBlocks, type Block } from '../block/index.js';
import { ChunkDiskMapper } from '../chunks/index.js';
import { Head, memChunkPut, replayHead, type ChunkSink } from '../head/index.js';


export class ReadWalError extends PromtsError {
  constructor(message: string) {
    super('read_wal', `read WAL: ${message}`, 'the server repairs a damaged WAL when it starts; promtool-style reads do not');
  }
}

export interface ReadOnlyDB {
  readonly blocks: Block[];
  readonly head: Head;
  querier(mint: number, maxt: number): Querier;
}

/** Opens dir read-only; the head is loaded only when `withHead` (promtool skips it when the range ends before it). */
export async function openDBReadOnly(dir: string, withHead = true, logger: Logger = nopLogger): Promise<ReadOnlyDB> {
  const blocks = openBlocks(dir);
  const minValidTime = blocks.reduce((m, b) => Math.max(m, b.meta.maxTime), -Infinity);
  const mapper = new ChunkDiskMapper(join(dir, 'chunks_head'), true);
  const sink: ChunkSink = { write: (_r, _mint, _maxt, _e, data) => memChunkPut(new Uint8Array(data)), chunk: (ref) => mapper.chunk(ref) };
  const head = new Head({ chunkRange: 2 * 3600 * 1000, chunks: sink, logger });
  if (withHead) {
    const walDir = join(dir, 'wal');
    if (!existsSync(walDir)) throw new ReadWalError(`find last checkpoint: open ${walDir}: no such file or directory`);
    const res = await replayHead(head, walDir, mapper, minValidTime, { min: 0, max: 0, current: 0, done: false }, logger);
    if (res.corruption) throw new ReadWalError(`read records: ${res.corruption.message}`);
  }
  return {
    blocks,
    head,
    querier(mint: number, maxt: number): Querier {
      const qs: Querier[] = blocks.filter((b) => b.meta.minTime <= maxt && b.meta.maxTime > mint).map((b) => b.querier(mint, maxt));
      if (withHead && head.stats.maxTime >= mint) qs.push(head.querier(Math.max(mint, head.stats.minTime), maxt));
      return new MergeQuerier(qs);
    },
  };
}
