// Chunk CRCs (issue 4/6): like Prometheus's chunks.Reader, every chunk read from a block is
// checked against its CRC32C, but a chunk that passed once is not hashed again on the next
// query. A damaged chunk fails on every read, with Prometheus's message, and through the
// querier and `tsdb analyze`/`dump` alike.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, tempDir } from '../../helpers/index.js';
import { Block, ChunkReader, blockDirs, analyzeBlock, dumpSamples, parseSeriesSelector } from '../../../src/tsdb/block/index.js';
import { Matcher } from '../../../src/model/index.js';

const fixtureBlock = blockDirs(join(fixturesDir, 'blocks'))[0]!;

/** A copy of the first fixture block with one data byte of the chunk at `nth` flipped. */
function damagedCopy(nth: number): { dir: string; ref: number; cleanup: () => void } {
  const tmp = tempDir();
  const dir = join(tmp.path, fixtureBlock.slice(-26));
  cpSync(fixtureBlock, dir, { recursive: true });
  const refs = ChunkReader.open(join(dir, 'chunks')).allRefs();
  const ref = refs[nth]!;
  const seg = join(dir, 'chunks', '000001');
  const b = readFileSync(seg);
  b[ref + 5]! ^= 0x10; // inside the chunk data (after the length and encoding bytes)
  writeFileSync(seg, b);
  return { dir, ref, cleanup: tmp.cleanup };
}

describe('chunk CRCs', () => {
  test('a damaged chunk fails with the checksum error on every read; its neighbours read fine, twice', () => {
    const d = damagedCopy(3);
    try {
      const cr = ChunkReader.open(join(d.dir, 'chunks'));
      assert.throws(() => cr.allRefs(), /checksum mismatch expected:[0-9a-f]{8}, actual:[0-9a-f]{8}/);
      const others = ChunkReader.open(join(fixtureBlock, 'chunks')).allRefs().filter((r) => r !== d.ref);
      for (let round = 0; round < 2; round++) {
        assert.throws(() => cr.chunk(d.ref), /000001: at byte offset \d+: checksum mismatch expected:/);
        for (const r of others) assert.doesNotThrow(() => cr.chunk(r));
      }
    } finally {
      d.cleanup();
    }
  });

  test('a chunk that passed once is served again without a second CRC, with the same bytes', () => {
    const cr = ChunkReader.open(join(fixtureBlock, 'chunks'));
    const refs = cr.allRefs();
    const first = refs.map((r) => Buffer.from(cr.chunk(r).data).toString('hex'));
    const again = refs.map((r) => Buffer.from(cr.chunk(r).data).toString('hex'));
    assert.deepEqual(again, first);
  });

  test('queries, analyze --extended and dump all report the damaged chunk', () => {
    const d = damagedCopy(0);
    try {
      const b = Block.open(d.dir);
      const ss = b.querier(b.meta.minTime, b.meta.maxTime).select(true, undefined, new Matcher('=~', '__name__', '.+'));
      let failed: Error | null = null;
      while (ss.next() && failed === null) {
        const it = ss.at().iterator();
        while (it.next()) {
          /* drain */
        }
        failed = it.err();
      }
      assert.match(String(failed?.message), /checksum mismatch/);
      assert.throws(() => analyzeBlock(b, 20, true), /checksum mismatch/);
      assert.throws(() => dumpSamples(b.querier(b.meta.minTime, b.meta.maxTime), parseSeriesSelector("{__name__=~'(?s:.*)'}"), () => {}), /checksum mismatch/);
    } finally {
      d.cleanup();
    }
  });
});
