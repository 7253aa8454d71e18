// backfill: `promts tsdb create-blocks-from openmetrics` — OpenMetrics text (with timestamps)
// into TSDB blocks, the way promtool 2.42 cuts and writes them.
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { BackfillError, compatibleBlockDuration, DEFAULT_BLOCK_DURATION } from './common.js';
import { SeriesBuf } from './series-buf.js';
import { Entry, OpenMetricsParser, TextParseError } from '../../textparse/index.js';
import { Block, formatBlockList, writeBlock } from '../block/index.js';

export { BackfillError, compatibleBlockDuration, DEFAULT_BLOCK_DURATION } from './common.js';
export { createBlocksFromRules, type RulesBackfillOptions } from './rules.js';

export interface BackfillOptions {
  maxBlockDuration?: number;
  humanReadable?: boolean;
  quiet?: boolean;
  /** Receives promtool's block table, one block at a time. */
  out?: (text: string) => void;
  /** Called after each block window (one pass over the input each). */
  onProgress?: (done: number, total: number) => void;
}

/** Reads an OpenMetrics file and writes blocks into outputDir; returns the new block ULIDs. */
export function createBlocksFromOpenMetrics(inputFile: string, outputDir: string, opts: BackfillOptions = {}): string[] {
  let input: Buffer;
  try {
    input = readFileSync(inputFile);
  } catch (e) {
    throw new BackfillError(`open ${inputFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, 'give the path of an OpenMetrics text file');
  }
  const [mint, maxt] = timeRange(input, inputFile);
  const blockDuration = compatibleBlockDuration(opts.maxBlockDuration ?? DEFAULT_BLOCK_DURATION);
  mkdirSync(outputDir, { recursive: true });
  const written: string[] = [];
  let wroteHeader = false;
  let nextSampleTs = Infinity;
  const first = blockDuration * Math.floor(mint / blockDuration);
  const windows = Math.floor((maxt - first) / blockDuration) + 1;
  // One pass over the input per block window, as promtool does: memory stays one block's worth.
  for (let t = first; t <= maxt; t += blockDuration) {
    opts.onProgress?.((t - first) / blockDuration, windows);
    const upper = t + blockDuration;
    if (nextSampleTs !== Infinity && nextSampleTs >= upper) continue;
    nextSampleTs = Infinity;
    const series = new Map<string, SeriesBuf>();
    const p = new OpenMetricsParser(input);
    for (let e = next(p, inputFile); e !== Entry.EOF; e = next(p, inputFile)) {
      if (e !== Entry.Series) continue;
      const ts = p.timestamp;
      if (ts < t) continue;
      if (ts >= upper) {
        if (ts < nextSampleTs) nextSampleTs = ts;
        continue;
      }
      const key = p.series();
      let s = series.get(key);
      if (!s) series.set(key, (s = new SeriesBuf(p.labels())));
      if (s.n > 0) {
        const last = s.ts[s.n - 1]!;
        if (ts < last) throw new BackfillError(`add sample: out of order sample (series ${s.labels.toString()} at ${ts} after ${last})`, 'sort the samples of each series by timestamp in the input');
        if (ts === last) {
          if (Object.is(s.vs[s.n - 1], p.value)) continue;
          throw new BackfillError(`add sample: duplicate sample for timestamp (series ${s.labels.toString()} at ${ts})`, 'remove the duplicate sample from the input');
        }
      }
      s.push(ts, p.value);
    }
    // Chunk range 2h: what reproduces promtool's blocks byte for byte (tested on the fixtures).
    const block = writeBlock(outputDir, [...series.values()]);
    if (!block) continue;
    written.push(block.ulid);
    if (!opts.quiet && opts.out) {
      const text = formatBlockList([Block.open(`${outputDir}/${block.ulid}`)], opts.humanReadable ?? false);
      opts.out(wroteHeader ? text.slice(text.indexOf('\n') + 1) : text);
      wroteHeader = true;
    }
  }
  opts.onProgress?.(windows, windows);
  return written;
}

function next(p: OpenMetricsParser, file: string): Entry {
  try {
    const e = p.next();
    if (e === Entry.Series && !p.hasTimestamp) throw new BackfillError(`expected timestamp for series ${p.series()}, got none`, 'every sample of a backfill input needs a timestamp');
    return e;
  } catch (err) {
    if (err instanceof TextParseError) throw new BackfillError(`${file}: ${err.message}`, 'the input must be OpenMetrics text ending with "# EOF"');
    throw err;
  }
}

function timeRange(input: Buffer, file: string): [number, number] {
  let mint = Infinity;
  let maxt = -Infinity;
  const p = new OpenMetricsParser(input);
  for (let e = next(p, file); e !== Entry.EOF; e = next(p, file)) {
    if (e !== Entry.Series) continue;
    if (p.timestamp < mint) mint = p.timestamp;
    if (p.timestamp > maxt) maxt = p.timestamp;
  }
  if (mint === Infinity) throw new BackfillError('no samples found in the input', 'give an OpenMetrics file with timestamped samples');
  return [mint, maxt];
}
