// WAL replay's reader when the WAL is big: a worker thread reads and checks the segments
// (prefetch_worker.ts) while the replay builds the head from the records it has already sent.
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../thread.js';
import { WalCorruptionError, WalError } from './errors.js';
import { CREDITS, type PrefetchMessage, type PrefetchPart } from './prefetch_protocol.js';

/**
 * What the replay reads records from: a WalReader (in this thread) or a WalPrefetch. next()
 * is true when record() holds the next record (valid until the next call), false at the end
 * of the part (err() says whether it ended at corruption), and undefined when the records are
 * still on their way: await more(), then call next() again.
 */
export interface RecordReader {
  next(): boolean | undefined;
  more?(): Promise<void>;
  record(): Buffer;
  err(): WalCorruptionError | null;
}

/**
 * WALs smaller than this are read in the replay's own thread. The reader thread takes ~100 ms
 * to start and then saves a quarter to a third of the reading work on the main thread;
 * measured break-even on 2 cores lies between a 16 MB and a 42 MB WAL (bench/tsdb-wal.ts).
 */
export const PREFETCH_MIN_BYTES = 32 << 20;

const EMPTY = Buffer.alloc(0);

/**
 * Reads `parts` in a worker, in order. Use it as the RecordReader of each part in turn:
 * after next() returns false for one part, it continues with the next. close() when done.
 */
export class WalPrefetch implements RecordReader {
  private readonly worker: Worker;
  private readonly credits: Int32Array;
  private readonly queue: PrefetchMessage[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private batch: Buffer = EMPTY;
  private pos = 0;
  private rec: Buffer = EMPTY;
  private partEnded = false;
  private corruption: WalCorruptionError | null = null;

  constructor(parts: PrefetchPart[]) {
    const sab = new SharedArrayBuffer(4);
    this.credits = new Int32Array(sab);
    this.credits[0] = CREDITS;
    this.worker = startWorker('./prefetch_worker', import.meta.url, { workerData: { parts, credits: sab } });
    this.worker.on('message', (m: PrefetchMessage) => {
      this.queue.push(m);
      this.notify();
    });
    this.worker.on('error', (e) => {
      this.failure ??= new WalError(`WAL reader thread failed: ${e.message}`);
      this.notify();
    });
    this.worker.on('exit', () => {
      // A clean exit comes after the last message, which 'message' has already queued.
      this.failure ??= new WalError('WAL reader thread stopped before the end of the WAL');
      this.notify();
    });
  }

  /** Starts reading the next part (call before reading each part but the first). */
  nextPart(): void {
    this.partEnded = false;
    this.corruption = null;
  }

  next(): boolean | undefined {
    for (;;) {
      if (this.partEnded) return false;
      if (this.pos < this.batch.length) {
        const n = this.batch.readUInt32BE(this.pos);
        this.rec = this.batch.subarray(this.pos + 4, this.pos + 4 + n);
        this.pos += 4 + n;
        return true;
      }
      if (this.batch !== EMPTY) {
        this.batch = EMPTY;
        Atomics.add(this.credits, 0, 1);
        Atomics.notify(this.credits, 0);
      }
      const m = this.queue.shift();
      if (m === undefined) {
        if (this.failure) throw this.failure;
        return undefined;
      }
      if (m.kind === 'batch') {
        this.batch = Buffer.from(m.buf, 0, m.len);
        this.pos = 0;
      } else if (m.kind === 'end') {
        this.partEnded = true;
        const c = m.corruption;
        this.corruption = c && new WalCorruptionError(c.dir, c.segment, c.offset, c.reason, c.lastGood);
      } else throw new WalError(m.message);
    }
  }

  more(): Promise<void> {
    if (this.queue.length > 0 || this.failure) return Promise.resolve();
    return new Promise((r) => (this.wake = r));
  }

  record(): Buffer {
    return this.rec;
  }

  err(): WalCorruptionError | null {
    return this.corruption;
  }

  async close(): Promise<void> {
    this.failure ??= new WalError('WAL reader closed');
    await this.worker.terminate();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
