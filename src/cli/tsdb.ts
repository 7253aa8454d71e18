// The work of `promts tsdb list|analyze|dump`, shared by their oclif commands and the fast
// path (fastpath.ts). Each writes its report to stdout, a problem to stderr (file and offset,
// then "Try this:"), and returns the exit status: 0, or 1 as promtool.
import { analyzeBlock, dumpDataDir, formatBlockList, formatCliError, openBlocks, parseSeriesSelector, pickBlock } from '../tsdb/block/index.js';
import { UsageError } from './errors.js';

export function tsdbList(dbPath: string, humanReadable: boolean): number {
  return report(() => process.stdout.write(formatBlockList(openBlocks(dbPath), humanReadable)));
}

export function tsdbAnalyze(dbPath: string, blockId: string | undefined, limit: number, extended: boolean): number {
  return report(() => process.stdout.write(analyzeBlock(pickBlock(openBlocks(dbPath), blockId), limit, extended)));
}

/** `minTime`/`maxTime` as typed: promtool takes any integer of milliseconds, default ±2^63. */
export async function tsdbDump(dbPath: string, minTime: string, maxTime: string, match: string): Promise<number> {
  try {
    const mint = millis('min-time', minTime);
    const maxt = millis('max-time', maxTime);
    const write = (chunk: Buffer): boolean => process.stdout.write(chunk);
    // The head's modules (WAL, head chunks) load only when the range reaches the head, from
    // dist/ by URL: the fast path's bundle (fastpath.ts) leaves them out.
    const openWithHead = async (dir: string) => ((await import(new URL('../tsdb/index.js', import.meta.url).href)) as typeof import('../tsdb/index.js')).openDBReadOnly(dir, true);
    await dumpDataDir(dbPath, mint, maxt, parseSeriesSelector(match), write, openWithHead);
    return 0;
  } catch (e) {
    process.stderr.write(formatCliError(e) + '\n');
    return 1;
  }
}

function millis(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v)) throw new UsageError(`invalid value for --${flag}: ${text}`, 'give an integer number of milliseconds since the epoch');
  return v;
}

function report(work: () => void): number {
  try {
    work();
    return 0;
  } catch (e) {
    process.stderr.write(formatCliError(e) + '\n');
    return 1;
  }
}
