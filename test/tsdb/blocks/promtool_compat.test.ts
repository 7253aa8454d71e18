// promts's list / analyze / dump text against what Debian's promtool 2.42 printed for the
// same data dirs (../shared/fixtures/promtool-outputs), run in-process for speed; the CLI
// wiring itself is covered by cli.test.ts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { analyzeBlock, dumpDataDir, formatBlockList, openBlocks, parseSeriesSelector, pickBlock } from '../../../src/tsdb/block/index.js';
import { openDBReadOnly } from '../../../src/tsdb/index.js';
import { fixturesDir } from '../../helpers/index.js';
import { DATA_DIRS, analyzeDifferences, parseArgs, recordedCommands } from './promtool_outputs.js';

const out = (dir: string, name: string): string => readFileSync(join(fixturesDir, 'promtool-outputs', dir, name), 'utf8');

describe('tsdb list matches promtool', () => {
  for (const dir of DATA_DIRS) {
    test(`${dir}: list and list -r`, () => {
      const blocks = openBlocks(join(fixturesDir, dir));
      assert.equal(formatBlockList(blocks, false), out(dir, 'list.txt'));
      assert.equal(formatBlockList(blocks, true), out(dir, 'list-r.txt'));
    });
  }
});

describe('tsdb analyze matches promtool (ties compared as sets)', () => {
  for (const dir of DATA_DIRS) {
    test(`${dir}: every recorded analyze`, () => {
      const blocks = openBlocks(join(fixturesDir, dir));
      const cmds = recordedCommands(dir).filter((c) => c.verb === 'analyze');
      assert.ok(cmds.length >= 4);
      for (const c of cmds) {
        const { flags, positional } = parseArgs(c.args);
        const limit = Number(flags.get('limit') ?? 20);
        const text = analyzeBlock(pickBlock(blocks, positional[1]), limit, flags.has('extended'));
        assert.deepEqual(analyzeDifferences(text, c.stdout, limit), [], `${dir} ${c.name}`);
        assert.equal(c.exitCode, 0);
      }
    });
  }
});

describe('tsdb dump matches promtool', () => {
  for (const dir of DATA_DIRS) {
    test(`${dir}: every recorded dump window, stdout and exit status`, async () => {
      for (const c of recordedCommands(dir).filter((x) => x.verb === 'dump')) {
        const { flags, positional } = parseArgs(c.args);
        const chunks: Buffer[] = [];
        let error: Error | undefined;
        try {
          await dumpDataDir(positional[0]!, Number(flags.get('min-time')), Number(flags.get('max-time')), parseSeriesSelector(flags.get('match') ?? "{__name__=~'(?s:.*)'}"), (b) => chunks.push(b), (d) => openDBReadOnly(d, true));
        } catch (e) {
          error = e as Error;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        assert.equal(error ? 1 : 0, c.exitCode, `${dir} ${c.name}: exit status (${error?.message})`);
        assert.ok(text === c.stdout, `${dir} ${c.name}: stdout differs (${text.length} vs ${c.stdout.length} chars)`);
        if (error) assert.equal(error.message + '\n', c.stderr, `${dir} ${c.name}: error text`);
      }
    });
  }
});
