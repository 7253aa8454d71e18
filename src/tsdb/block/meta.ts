// meta.json (version 1): what a block holds and where it came from.
import { readFileSync } from 'node:fs';
import { writeFileSynced } from '../fsync.js';
import { BlockCorruptError, BlockOpenError } from './errors.js';

export interface BlockStats {
  numSamples?: number;
  numSeries?: number;
  numChunks?: number;
  numTombstones?: number;
}

export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

export interface BlockMeta {
  ulid: string;
  /** First sample's timestamp (ms). */
  minTime: number;
  /** Exclusive upper bound: last sample's timestamp + 1 (ms). */
  maxTime: number;
  stats: BlockStats;
  compaction: {
    level: number;
    sources?: string[];
    deletable?: boolean;
    parents?: BlockDesc[];
    failed?: boolean;
    hints?: string[];
  };
  version: number;
}

export const META_VERSION_1 = 1;

/** Reads and validates meta.json; returns the meta and the file's size in bytes. */
export function readMeta(path: string): { meta: BlockMeta; size: number } {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new BlockCorruptError(path, undefined, 'meta.json is missing');
    throw new BlockOpenError(path, `read ${path}: ${err.message}`);
  }
  let m: unknown;
  try {
    m = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    const msg = (e as Error).message;
    // V8 says "... in JSON at position N"; that position is a character index, close enough
    // to a byte offset for ASCII meta files and the best we can point at.
    const pos = /position (\d+)/.exec(msg);
    throw new BlockCorruptError(path, pos ? Number(pos[1]) : undefined, `invalid JSON: ${msg}`);
  }
  const meta = m as Partial<BlockMeta> | null;
  if (!meta || typeof meta !== 'object') throw new BlockCorruptError(path, 0, 'meta.json does not hold a JSON object');
  if (meta.version !== META_VERSION_1) throw new BlockCorruptError(path, undefined, `unexpected meta file version ${String(meta.version)}`);
  if (typeof meta.ulid !== 'string' || !isULID(meta.ulid)) throw new BlockCorruptError(path, undefined, `invalid or missing "ulid": ${JSON.stringify(meta.ulid)}`);
  for (const k of ['minTime', 'maxTime'] as const) {
    if (typeof meta[k] !== 'number' || !Number.isInteger(meta[k])) throw new BlockCorruptError(path, undefined, `invalid or missing "${k}": ${JSON.stringify(meta[k])}`);
  }
  return {
    meta: {
      ulid: meta.ulid,
      minTime: meta.minTime!,
      maxTime: meta.maxTime!,
      stats: meta.stats ?? {},
      compaction: meta.compaction ?? { level: 0 },
      version: meta.version,
    },
    size: raw.length,
  };
}

/** Serialises like Go's json.MarshalIndent(meta, "", "\t"), omitting empty optional fields. */
export function encodeMeta(meta: BlockMeta): string {
  const stats: Record<string, number> = {};
  for (const k of ['numSamples', 'numSeries', 'numChunks', 'numTombstones'] as const) {
    const v = meta.stats[k];
    if (v) stats[k] = v;
  }
  const c = meta.compaction;
  const compaction: Record<string, unknown> = { level: c.level };
  if (c.sources?.length) compaction['sources'] = c.sources;
  if (c.deletable) compaction['deletable'] = true;
  if (c.parents?.length) compaction['parents'] = c.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }));
  if (c.failed) compaction['failed'] = true;
  if (c.hints?.length) compaction['hints'] = c.hints;
  return JSON.stringify({ ulid: meta.ulid, minTime: meta.minTime, maxTime: meta.maxTime, stats, compaction, version: meta.version }, null, '\t');
}

export function writeMeta(path: string, meta: BlockMeta): number {
  return writeFileSynced(path, Buffer.from(encodeMeta(meta), 'utf8'));
}

const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isULID(s: string): boolean {
  return ULID_RE.test(s);
}
