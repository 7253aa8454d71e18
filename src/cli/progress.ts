// A one-line progress bar on stderr for long commands (tsdb create-blocks-from, dump). Drawn
// only when the stream is a terminal: piped or redirected output gets no progress bytes, so
// logs and scripts see exactly what promtool would print.
import { renderError } from './errors.js';
export interface Progress {
  /** done of total units; redrawn at most every 100 ms (and always at the end). */
  update(done: number, total: number): void;
  /** Erases the bar (the line is reused by what comes next). */
  finish(): void;
}

/** What the bar writes to: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): boolean;
}

const NOOP: Progress = { update: () => undefined, finish: () => undefined };
// Redrawing more often only costs terminal bandwidth; 10 frames/s looks continuous.
const FRAME_MS = 100;

export function progressBar(label: string, stream: ProgressStream = process.stderr, now: () => number = Date.now): Progress {
  if (stream.isTTY !== true) return NOOP;
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (done < total && t - last < FRAME_MS) return;
      last = t;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const tail = ` ${String(Math.floor(frac * 100)).padStart(3)}% (${done}/${total})`;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - tail.length - 4));
      const fill = Math.round(frac * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}]${tail}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/**
 * Runs a long command's job with a bar on stderr: `print` writes a line of output after
 * erasing the bar (so output and bar never share a line). Returns the exit code; a failure is
 * printed with renderError.
 */
export async function runWithProgress(label: string, job: (p: { print: (stream: NodeJS.WritableStream, text: string) => void; bar: Progress }) => unknown): Promise<number> {
  const bar = progressBar(label);
  const print = (stream: NodeJS.WritableStream, text: string): void => {
    bar.finish();
    stream.write(text);
  };
  try {
    await job({ print, bar });
    bar.finish();
    return 0;
  } catch (err) {
    bar.finish();
    process.stderr.write(renderError(err) + '\n');
    return 1;
  }
}
