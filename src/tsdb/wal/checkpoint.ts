// Checkpoints: a compacted copy of WAL segments [from, to] (plus the previous checkpoint)
// holding only what the head still needs — series it keeps, samples/exemplars at or after
// mint, the latest metadata — written to wal/checkpoint.<to>. After that the segments up to
// `to` can be deleted. This is long CPU work: it takes plain data (paths, a set of refs, a
// time) so it can run in a worker thread, and it yields to the event loop between records.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { nopLogger } from '../../log/index.js';
import { WalError } from './errors.js';
import { WalReader } from './reader.js';
import {
  RecordEncoder,
  RecordType,
  SampleBatch,
  decodeExemplars,
  decodeMetadata,
  decodeSamples,
  decodeSeries,
  decodeTombstones,
  recordType,
  type RefMetadata,
} from './records.js';
import { listSegments } from './segments.js';
import { WAL } from './wal.js';

const CHECKPOINT_RE = /^checkpoint\.(\d+)$/;

export function checkpointDirName(i: number): string {
  return 'checkpoint.' + String(i).padStart(8, '0');
}

/** The newest complete checkpoint in walDir, or null. */
export function lastCheckpoint(walDir: string): { dir: string; index: number } | null {
  if (!existsSync(walDir)) return null;
  let best: { dir: string; index: number } | null = null;
  for (const name of readdirSync(walDir)) {
    const m = CHECKPOINT_RE.exec(name);
    if (!m) continue;
    const dir = join(walDir, name);
    if (!statSync(dir).isDirectory()) continue;
    const index = Number(m[1]);
    if (!best || index > best.index) best = { dir, index };
  }
  return best;
}

/** Deletes checkpoints with an index below maxIndex. */
export function deleteCheckpoints(walDir: string, maxIndex: number): void {
  for (const name of readdirSync(walDir)) {
    const m = CHECKPOINT_RE.exec(name);
    if (m && Number(m[1]) < maxIndex) rmSync(join(walDir, name), { recursive: true, force: true });
  }
}

export interface CheckpointStats {
  droppedSeries: number;
  droppedSamples: number;
  droppedTombstones: number;
  droppedExemplars: number;
  droppedMetadata: number;
  totalSeries: number;
  totalSamples: number;
  totalTombstones: number;
  totalExemplars: number;
  totalMetadata: number;
}

export interface CheckpointOptions {
  compress?: boolean;
  logger?: Logger;
  /** Records between event-loop yields. */
  yieldEvery?: number;
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Writes checkpoint.<to> from the last checkpoint and segments [from, to] of walDir, keeping
 * series for which keep(ref) is true and samples/exemplars with t >= mint.
 */
export async function createCheckpoint(walDir: string, from: number, to: number, keep: (ref: number) => boolean, mint: number, opts: CheckpointOptions = {}): Promise<CheckpointStats> {
  const logger = opts.logger ?? nopLogger;
  const yieldEvery = opts.yieldEvery ?? 200;
  const stats: CheckpointStats = {
    droppedSeries: 0, droppedSamples: 0, droppedTombstones: 0, droppedExemplars: 0, droppedMetadata: 0,
    totalSeries: 0, totalSamples: 0, totalTombstones: 0, totalExemplars: 0, totalMetadata: 0,
  };
  const readers: WalReader[] = [];
  const last = lastCheckpoint(walDir);
  if (last) {
    if (from > last.index + 1) throw new WalError(`unexpected gap to last checkpoint. expected:${last.index + 1}, requested:${from}`);
    from = last.index + 1;
    readers.push(new WalReader(last.dir, listSegments(last.dir)));
  }
  readers.push(new WalReader(walDir, listSegments(walDir).filter((s) => s.index >= from && s.index <= to)));

  const tmp = join(walDir, checkpointDirName(to) + '.tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const out = WAL.open(tmp, { compress: opts.compress ?? true });
  const enc = new RecordEncoder();
  const batch = new SampleBatch();
  const keptSamples = new SampleBatch();
  const latestMeta = new Map<number, RefMetadata>();
  let n = 0;
  try {
    for (const r of readers) {
      while (r.next()) {
        const rec = r.record();
        switch (recordType(rec)) {
          case RecordType.Series: {
            const all = decodeSeries(rec);
            const kept = all.filter((s) => keep(s.ref));
            stats.totalSeries += all.length;
            stats.droppedSeries += all.length - kept.length;
            if (kept.length > 0) out.log(enc.series(kept));
            break;
          }
          case RecordType.Samples: {
            decodeSamples(rec, batch);
            keptSamples.n = 0;
            keptSamples.ensure(batch.n);
            const kb = new Uint8Array(keptSamples.vs.buffer);
            const bb = new Uint8Array(batch.vs.buffer);
            for (let i = 0; i < batch.n; i++) {
              if (batch.ts[i]! < mint) continue;
              const j = keptSamples.n++;
              keptSamples.refs[j] = batch.refs[i]!;
              keptSamples.ts[j] = batch.ts[i]!;
              kb.set(bb.subarray(i * 8, i * 8 + 8), j * 8); // raw bits: keeps StaleNaN exact
            }
            stats.totalSamples += batch.n;
            stats.droppedSamples += batch.n - keptSamples.n;
            if (keptSamples.n > 0) out.log(enc.samples(keptSamples.refs, keptSamples.ts, keptSamples.vs, keptSamples.n));
            break;
          }
          case RecordType.Tombstones: {
            const all = decodeTombstones(rec);
            const kept = all.filter((t) => keep(t.ref) && t.maxt >= mint);
            stats.totalTombstones += all.length;
            stats.droppedTombstones += all.length - kept.length;
            if (kept.length > 0) out.log(enc.tombstones(kept));
            break;
          }
          case RecordType.Exemplars: {
            const all = decodeExemplars(rec);
            const kept = all.filter((e) => e.t >= mint && keep(e.ref));
            stats.totalExemplars += all.length;
            stats.droppedExemplars += all.length - kept.length;
            if (kept.length > 0) out.log(enc.exemplars(kept));
            break;
          }
          case RecordType.Metadata: {
            const all = decodeMetadata(rec);
            stats.totalMetadata += all.length;
            for (const m of all) {
              if (keep(m.ref)) latestMeta.set(m.ref, m);
              else stats.droppedMetadata++;
            }
            break;
          }
          default:
            // Histogram samples and mmap markers are not kept (promts stores float samples only).
            break;
        }
        if (++n % yieldEvery === 0) await yieldNow();
      }
      const e = r.err();
      if (e) throw e;
    }
    // Only the latest metadata per series matters; write it last, as Prometheus does.
    if (latestMeta.size > 0) {
      const list = [...latestMeta.values()];
      stats.droppedMetadata += stats.totalMetadata - stats.droppedMetadata - list.length;
      out.log(enc.metadata(list));
    }
    out.close();
  } catch (e) {
    out.close();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const final = join(walDir, checkpointDirName(to));
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  logger.debug('checkpoint written', { dir: final, ...stats });
  return stats;
}
