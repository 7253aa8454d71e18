// The promts tsdb commands as a user runs them (built CLI; `npx tsc -p .` first), against
// promtool's recorded outputs, and damaged copies of a fixture block.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cpSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { ChunkReader, analyzeBlock, blockDirs, dumpDataDir, openBlocks, parseSeriesSelector, pickBlock } from '../../../src/tsdb/block/index.js';
import { IndexReader } from '../../../src/tsdb/index/index.js';
import { fixturesDir, runCli, tempDir } from '../../helpers/index.js';
import { analyzeDifferences, recordedCommands } from './promtool_outputs.js';

const out = (dir: string, name: string): string => readFileSync(join(fixturesDir, 'promtool-outputs', dir, name), 'utf8');

describe('promts tsdb list / analyze / dump (CLI)', () => {
  test('list -r prints what promtool prints', async () => {
    const h = await runCli(['tsdb', 'list', '-r', join(fixturesDir, 'live')]);
    assert.equal(h.code, 0, h.stderr);
    assert.equal(h.stdout, out('live', 'list-r.txt'));
  });

  test('list with the data dir defaulting to data/ prints what promtool prints', async () => {
    const tmp = tempDir();
    try {
      symlinkSync(join(fixturesDir, 'crashed'), join(tmp.path, 'data'));
      const r = await runCli(['tsdb', 'list'], { cwd: tmp.path });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, out('crashed', 'list.txt'));
    } finally {
      tmp.cleanup();
    }
  });

  test('analyze --extended --limit=5 of a given block matches promtool (ties as sets)', async () => {
    const c = recordedCommands('live').find((x) => x.name === 'analyze-extended-limit5')!;
    const r = await runCli(['tsdb', 'analyze', ...c.args]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(analyzeDifferences(r.stdout, c.stdout, 5), []);
    assert.throws(() => pickBlock(openBlocks(join(fixturesDir, 'blocks')), '01ARZ3NDEKTSV4RRFFQ69G5FAV'), /block 01ARZ3NDEKTSV4RRFFQ69G5FAV not found/);
  });

  test('dump prints promtool\'s text and fails like promtool when the WAL is needed but absent', async () => {
    const cmds = recordedCommands('blocks').filter((c) => c.verb === 'dump');
    const ok = cmds.find((c) => c.exitCode === 0 && c.args.some((a) => a.startsWith('--match')))!;
    const r = await runCli(['tsdb', 'dump', ...ok.args]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout === ok.stdout, 'dump output differs');
    const bad = cmds.find((c) => c.exitCode === 1)!;
    const f = await runCli(['tsdb', 'dump', ...bad.args]);
    assert.equal(f.code, 1);
    assert.equal(f.stdout, '');
    assert.equal(f.stderr.split('\n')[0] + '\n', bad.stderr);
  });
});

// Library-level where possible: each CLI start costs seconds of CPU on a shared machine. The
// last case checks the CLI's rendering and exit status.
describe('damaged blocks are reported with file and byte offset', () => {
  let tmp: { path: string; cleanup: () => void };
  let src: string;
  before(() => {
    tmp = tempDir();
    src = blockDirs(join(fixturesDir, 'blocks'))[3]!;
  });
  after(() => tmp.cleanup());

  /** A data dir holding one fresh copy of the fixture block. */
  const copy = (name: string): { dataDir: string; block: string } => {
    const dataDir = join(tmp.path, name);
    const block = join(dataDir, src.slice(-26));
    cpSync(src, block, { recursive: true });
    return { dataDir, block };
  };

  test('a flipped byte in a series entry: analyze names the index and the entry offset', async () => {
    const { dataDir, block } = copy('series');
    const ix = IndexReader.open(join(block, 'index'));
    const id = ix.postings('__name__', 'up')[0]!;
    const file = join(block, 'index');
    const b = readFileSync(file);
    b[id * 16 + 3]! ^= 0xff;
    writeFileSync(file, b);
    assert.throws(() => analyzeBlock(pickBlock(openBlocks(dataDir), undefined), 20, false), new RegExp(`${escape(file)}: at byte offset ${id * 16}: read series: invalid checksum`));
  });

  test('a damaged TOC: list fails naming the index and the TOC offset', async () => {
    const { dataDir, block } = copy('toc');
    const file = join(block, 'index');
    const b = readFileSync(file);
    b[b.length - 40]! ^= 0x01;
    writeFileSync(file, b);
    assert.throws(() => openBlocks(dataDir), new RegExp(`${escape(file)}: at byte offset ${b.length - 52}: read TOC: invalid checksum`));
  });

  test('a truncated chunk file: dump fails naming the segment and the cut chunk', async () => {
    const { dataDir, block } = copy('chunks');
    const seg = join(block, 'chunks', '000001');
    const refs = ChunkReader.open(join(block, 'chunks')).allRefs();
    const cut = refs[Math.floor(refs.length / 2)]!;
    truncateSync(seg, cut + 5);
    const meta = JSON.parse(readFileSync(join(block, 'meta.json'), 'utf8')) as { minTime: number; maxTime: number };
    await assert.rejects(
      dumpDataDir(dataDir, meta.minTime, meta.maxTime - 1, parseSeriesSelector('{__name__=~".+"}'), () => {}),
      new RegExp(`${escape(seg)}: at byte offset ${cut}: segment doesn't include enough bytes to read the chunk - required:\\d+, available:${statSync(seg).size}`),
    );
  });

  test('a broken meta.json: promts tsdb list exits 1 naming the file and the position, with a hint', async () => {
    const { dataDir, block } = copy('meta');
    const file = join(block, 'meta.json');
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(':');
    writeFileSync(file, text.slice(0, at) + ';' + text.slice(at + 1));
    const r = await runCli(['tsdb', 'list', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${escape(file)}: at byte offset ${at}: invalid JSON`));
    assert.match(r.stderr, /Try this:/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
