// Blocks are read in pages on demand (tsdb/paged_file.ts), not held whole in memory: a data
// dir may hold more chunk bytes than the machine has RAM, as Prometheus's do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cachedPageBytes, dumpDataDir, openBlocks, parseSeriesSelector, setPageCacheBudget, PAGE_SIZE } from '../../../src/tsdb/block/index.js';
import { fixturesDir } from '../../helpers/index.js';
import { recordedCommands, parseArgs } from './promtool_outputs.js';

const blocks = join(fixturesDir, 'blocks');

async function dump(args: readonly string[]): Promise<string> {
  const { flags } = parseArgs(args);
  const parts: Buffer[] = [];
  await dumpDataDir(blocks, Number(flags.get('min-time')), Number(flags.get('max-time')), parseSeriesSelector(flags.get('match') ?? "{__name__=~'(?s:.*)'}"), (b) => void parts.push(Buffer.from(b)));
  return Buffer.concat(parts).toString('utf8');
}

test('opening blocks reads only their index tables, no chunk bytes; a query reads only the pages it touches', () => {
  const before = cachedPageBytes();
  const bs = openBlocks(blocks);
  const indexPages = bs.reduce((n, b) => n + Math.ceil(b.index.size() / PAGE_SIZE) * PAGE_SIZE, 0);
  assert.ok(cachedPageBytes() - before <= indexPages, 'open reads the index tables it checks and chunk segment headers');
  const opened = cachedPageBytes();
  const total = bs.reduce((n, b) => n + b.chunks.size(), 0);
  const b = bs[0]!;
  const ss = b.select(b.meta.minTime, b.meta.maxTime, ...parseSeriesSelector('{__name__="fixture_constant"}'));
  let n = 0;
  while (ss.next()) for (const it = ss.at().iterator(); it.next(); ) n++;
  assert.ok(n > 0);
  const read = cachedPageBytes() - opened;
  assert.ok(read > 0 && read <= 2 * PAGE_SIZE, `one series read ${read} bytes of ${total}`);
  for (const x of bs) x.close();
});

test('with a cache far smaller than the blocks, dumps still match promtool\'s, and the cache stays within its budget', async () => {
  const old = setPageCacheBudget(2 * PAGE_SIZE);
  try {
    const cmds = recordedCommands('blocks').filter((c) => c.verb === 'dump' && c.exitCode === 0);
    assert.ok(cmds.length >= 3);
    for (const c of cmds) {
      assert.ok((await dump(c.args)) === c.stdout, `${c.name}: dump differs from promtool's`);
      assert.ok(cachedPageBytes() <= 2 * PAGE_SIZE, `cache holds ${cachedPageBytes()} bytes`);
    }
  } finally {
    setPageCacheBudget(old);
  }
});
