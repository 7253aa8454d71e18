import type { Block } from '../block.js';
import { formatBase2Bytes, formatGoDuration, formatGoUTCSeconds, tabwrite } from './gofmt.js';

/** `promtool tsdb list [-r]`: one row per block, Go tabwriter layout (min width 13, padding 2). */
export function formatBlockList(blocks: readonly Block[], humanReadable: boolean): string {
  const rows: string[][] = [['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE']];
  const time = (t: number): string => (humanReadable ? formatGoUTCSeconds(t) : String(t));
  for (const b of blocks) {
    const m = b.meta;
    rows.push([
      m.ulid,
      time(m.minTime),
      time(m.maxTime),
      formatGoDuration(m.maxTime - m.minTime),
      String(m.stats.numSamples ?? 0),
      String(m.stats.numChunks ?? 0),
      String(m.stats.numSeries ?? 0),
      humanReadable ? formatBase2Bytes(b.size()) : String(b.size()),
    ]);
  }
  return tabwrite(rows, 13, 2);
}
