// `promtool tsdb dump`: every sample of the matching series as `labels value timestamp`.
import type { Matcher } from '../../../model/index.js';
import type { Querier } from '../../../storage/index.js';
import { formatGoG } from './gofmt.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PromtsError } from '../../../model/index.js';
import { blocksQuerier, openBlocks } from '../datadir.js';

const OUT_SIZE = 1 << 20;

/**
 * Writes the samples of every series matching `matchers` to `write` as promtool does
 * ("labels value timestamp" lines). Lines are assembled straight into 1 MiB Buffers (the
 * label text encoded once per series), not as per-sample strings; each Buffer is handed to
 * `write` once and never touched again. Throws the first read error.
 */
export function dumpSamples(q: Querier, matchers: readonly Matcher[], write: (chunk: Buffer) => void): void {
  const ss = q.select(false, undefined, ...matchers);
  let out = Buffer.allocUnsafe(OUT_SIZE);
  let pos = 0;
  const flush = (): void => {
    if (pos > 0) write(out.subarray(0, pos));
    out = Buffer.allocUnsafe(OUT_SIZE);
    pos = 0;
  };
  while (ss.next()) {
    const s = ss.at();
    const prefix = Buffer.from(s.labels.toString() + ' ', 'utf8');
    const it = s.iterator();
    while (it.next()) {
      // Prefix + value (<= 24 chars) + space + timestamp (<= 20) + newline.
      if (pos + prefix.length + 64 > out.length) {
        flush();
        if (prefix.length + 64 > out.length) out = Buffer.allocUnsafe(prefix.length + 64);
      }
      out.set(prefix, pos);
      pos += prefix.length;
      const v = it.v;
      // Integers below 1e6 print as plain digits in Go's %g: skip the string round trip.
      if (v === Math.trunc(v) && v < 1e6 && v > -1e6 && (v !== 0 || !Object.is(v, -0))) pos = writeInt(out, pos, v);
      else pos += out.write(formatGoG(v), pos, 'latin1');
      out[pos++] = 0x20;
      pos = writeInt(out, pos, it.t);
      out[pos++] = 0x0a;
    }
    const e = it.err();
    if (e) {
      flush();
      throw e;
    }
  }
  flush();
  const e = ss.err();
  if (e) throw e;
}

/** Writes a safe integer's decimal digits at pos; returns the new position. */
function writeInt(out: Buffer, pos: number, n: number): number {
  if (n < 0) {
    out[pos++] = 0x2d;
    n = -n;
  }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let p = pos + digits;
  do {
    const q = Math.floor(n / 10);
    out[--p] = 0x30 + (n - q * 10);
    n = q;
  } while (n > 0);
  return pos + digits;
}

/** A dump whose range reaches past the last block needs the head (WAL). */
export class HeadNeededError extends PromtsError {}

/** Opens a data dir with its head (WAL replayed), as the tsdb area's read-only DB does. */
export type OpenWithHead = (dir: string) => Promise<{ querier(mint: number, maxt: number): Querier }>;

/**
 * `tsdb dump` over a data dir. Like promtool, the head (WAL) is read only when the range
 * reaches the newest block's maxTime; then `openWithHead` (the tsdb area's read-only DB)
 * does the work. Blocks alone are read here, without replaying any WAL.
 */
export async function dumpDataDir(dir: string, mint: number, maxt: number, matchers: readonly Matcher[], write: (chunk: Buffer) => void, openWithHead?: OpenWithHead): Promise<void> {
  const blocks = openBlocks(dir);
  const maxBlockTime = blocks.length > 0 ? blocks[blocks.length - 1]!.meta.maxTime : Number.MIN_SAFE_INTEGER;
  if (maxBlockTime <= maxt) {
    const hint = blocks.length > 0 ? `end --max-time before the newest block's maxTime (${maxBlockTime}) to dump persisted blocks only` : undefined;
    const wal = join(dir, 'wal');
    if (!existsSync(wal)) throw new HeadNeededError('wal_missing', `read WAL: find last checkpoint: open ${wal}: no such file or directory`, hint);
    if (!openWithHead) throw new HeadNeededError('head_unsupported', `reading the head (WAL) of ${dir} is not supported here`, hint);
    const db = await openWithHead(dir);
    dumpSamples(db.querier(mint, maxt), matchers, write);
    return;
  }
  dumpSamples(blocksQuerier(blocks, mint, maxt), matchers, write);
}

/** One error as the CLI shows it: the message, then "Try this:" with the hint when there is one. */
export function formatCliError(e: unknown): string {
  if (e instanceof PromtsError) return e.hint ? `${e.message}\nTry this: ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
