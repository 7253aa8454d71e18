// Worker-thread entry: reads WAL parts (checkpoint, then segments) with WalReader — file reads,
// CRCs, snappy — and hands whole records to the replay in big transferred buffers, so the
// main thread only decodes records and builds the head. Prometheus replays on several
// goroutines for the same reason.
import { parentPort, workerData } from 'node:worker_threads';
import { WalReader } from './reader.js';
import { BATCH_BYTES, type PrefetchJob, type PrefetchMessage } from './prefetch_protocol.js';

const job = workerData as PrefetchJob;
const credits = new Int32Array(job.credits);
/** The batch being filled: records as [u32 length][bytes] up to `len`. */
let batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
let len = 0;
/** Where the reader decompresses the next record: the free tail of the batch, past a length slot. */
const target = { buf: batch.subarray(4) };

function post(m: PrefetchMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(m, transfer);
}

function flush(): void {
  if (len > 0) {
    // Wait for a credit: the replay hands one back per batch it has consumed.
    while (Atomics.load(credits, 0) <= 0) Atomics.wait(credits, 0, 0, 1000);
    Atomics.sub(credits, 0, 1);
    post({ kind: 'batch', buf: batch.buffer as ArrayBuffer, len }, [batch.buffer as ArrayBuffer]);
    // Not zeroed: every byte up to len is written before it is sent.
    batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
    len = 0;
  }
  target.buf = batch.subarray(4);
}

/** Adds the record just read; compressed ones were decoded in place, others are copied. */
function add(rec: Buffer): void {
  const inPlace = rec.buffer === batch.buffer && rec.byteOffset === batch.byteOffset + len + 4;
  if (!inPlace) {
    if (len + 4 + rec.length > batch.length) {
      flush();
      if (4 + rec.length > batch.length) batch = Buffer.allocUnsafeSlow(4 + rec.length);
    }
    rec.copy(batch, len + 4);
  }
  batch.writeUInt32BE(rec.length, len);
  len += 4 + rec.length;
  if (batch.length - len < 4 + 1024) flush();
  else target.buf = batch.subarray(len + 4);
}

try {
  for (const part of job.parts) {
    const r = new WalReader(part.dir, part.segs);
    r.decodeInto(target);
    while (r.next()) add(r.record());
    flush();
    const e = r.err();
    post({ kind: 'end', corruption: e && { dir: e.dir, segment: e.segment, offset: e.offset, reason: e.reason, lastGood: e.lastGood } });
    // The replay stops at the first damaged part; reading further would be wasted.
    if (e) break;
  }
} catch (e) {
  post({ kind: 'fail', message: e instanceof Error ? e.message : String(e) });
}
