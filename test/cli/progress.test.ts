// The tsdb commands' progress bar: drawn on a terminal's stderr, absent when stderr is piped.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { progressBar } from '../../src/cli/index.js';
import { cliPath, runCli, runCommand, tempDir } from '../helpers/index.js';

function fakeStream(isTTY: boolean): { isTTY: boolean; columns: number; out: string[]; write(s: string): boolean } {
  return { isTTY, columns: 80, out: [], write(s) { this.out.push(s); return true; } };
}

/** Two 2h block windows of one series, as OpenMetrics text. */
function smallInput(dir: string): string {
  const p = join(dir, 'in.om');
  let s = '# TYPE m gauge\n';
  for (let t = 1675209600; t < 1675209600 + 4 * 3600; t += 600) s += `m 1 ${t}\n`;
  writeFileSync(p, s + '# EOF\n');
  return p;
}

describe('progress bar', () => {
  test('nothing is written when the stream is not a terminal', () => {
    const s = fakeStream(false);
    const bar = progressBar('x', s);
    bar.update(1, 2);
    bar.update(2, 2);
    bar.finish();
    assert.deepEqual(s.out, []);
  });

  test('on a terminal: frames at most every 100 ms, always the last one, erased at the end', () => {
    const s = fakeStream(true);
    let now = 0;
    const bar = progressBar('work', s, () => now);
    bar.update(0, 4);
    now = 50;
    bar.update(1, 4); // throttled
    now = 150;
    bar.update(2, 4);
    now = 160;
    bar.update(4, 4); // the end is always drawn
    bar.finish();
    assert.equal(s.out.length, 4);
    assert.match(s.out[0]!, /^\rwork \[-+\]   0% \(0\/4\)$/);
    assert.match(s.out[1]!, /^\rwork \[#+-+\]  50% \(2\/4\)$/);
    assert.match(s.out[2]!, /^\rwork \[#+\] 100% \(4\/4\)$/);
    assert.equal(s.out[3], '\r\x1b[K');
  });

  test('create-blocks-from openmetrics: no progress bytes when piped, a bar on a pseudo-terminal', { timeout: 60_000 }, async (t) => {
    const d = tempDir();
    try {
      const input = smallInput(d.path);
      const piped = await runCli(['tsdb', 'create-blocks-from', 'openmetrics', input, join(d.path, 'a')]);
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stderr, '');
      assert.doesNotMatch(piped.stdout, /\r|\x1b/);
      const script = await runCommand('script', ['--version']);
      if (script.code !== 0) {
        t.skip('script (util-linux) is not installed');
        return;
      }
      // script runs the command on a pseudo-terminal and copies what it printed to stdout.
      const cmd = `${process.execPath} ${cliPath} tsdb create-blocks-from openmetrics ${input} ${join(d.path, 'b')}`;
      const tty = await runCommand('script', ['-qec', cmd, '/dev/null']);
      assert.equal(tty.code, 0, tty.stdout + tty.stderr);
      assert.match(tty.stdout, /\rcreating blocks \[#+\] 100% \(2\/2\)/);
      assert.match(tty.stdout, /\r\x1b\[K/);
      assert.match(tty.stdout, /BLOCK ULID/);
    } finally {
      d.cleanup();
    }
  });
});
