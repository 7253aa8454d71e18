// Leveled and vertical compaction of blocks on disk, as Prometheus 2.42's LeveledCompactor:
// the fixture blocks promtool wrote are merged, the result is checked through the DB, through
// Debian's promtool and through Debian's prometheus serving the compacted dir.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, debianBinary, freePort, runCommand, startProcess, tempDir, waitForHttp } from '../../helpers/index.js';
import { openDB, CompactionError } from '../../../src/tsdb/index.js';
import { Block, blockDirs, compactBlocks, setPageCacheBudget, writeBlock } from '../../../src/tsdb/block/index.js';
import { Labels, Matcher } from '../../../src/model/index.js';
import { createLogger } from '../../../src/log/index.js';
import { digestAll, seriesOf, smallBlock, totalSamples } from './block-samples.js';
import { instantSelect } from './promql-lite.js';

const H = 3_600_000;
const T0 = 1675209600000; // 2023-02-01T00:00:00Z, start of the fixture blocks' first 6h range
const FIXTURE = ['01M8883DD5PJSEBQFQ7X3E4788', '01M8883DT50C3PBHRATR3H4ZH7', '01M8883E8A10YYNYWD6E3CJN22', '01M8883ENE9MNS0A3N5HEZ2EW1'];
const FIRST3_SAMPLES = 106645 + 142288 + 139723;
const DB_OPTS = { backgroundCompaction: false, retentionTime: 10 * 365 * 24 * H, maxBlockDuration: 36 * H } as const;

/** Fixture blocks plus a newer 1h block at 12:00, so the first 6h range lies before the newest block. */
function fixtureWithNewerBlock(): { path: string; cleanup: () => void } {
  const d = copyFixture('blocks');
  smallBlock(d.path, 'later_metric', 3, T0 + 12 * H, T0 + 13 * H);
  return d;
}

function chattrWorks(): boolean {
  const t = tempDir('promts-chattr-');
  try {
    execFileSync('chattr', ['+i', t.path], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', t.path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    t.cleanup();
  }
}

describe('leveled compaction', () => {
  test('three 2h fixture blocks in one 6h range become one level-2 block holding the union of their samples', { timeout: 120_000 }, async () => {
    const d = fixtureWithNewerBlock();
    try {
      const db = await openDB(d.path, DB_OPTS);
      const before = digestAll(db);
      assert.equal(db.ranges.join(','), [2 * H, 6 * H, 18 * H].join(','));
      await db.compact();
      assert.equal(db.blocks.length, 3);
      const merged = db.blocks[0]!.meta;
      assert.equal(merged.compaction.level, 2);
      assert.deepEqual(merged.compaction.sources, FIXTURE.slice(0, 3));
      assert.deepEqual(merged.compaction.parents?.map((p) => p.ulid), FIXTURE.slice(0, 3));
      assert.equal(merged.minTime, 1675211399983);
      assert.equal(merged.maxTime, 1675231199977);
      assert.equal(merged.stats.numSamples, FIRST3_SAMPLES);
      assert.equal(db.blocks[1]!.meta.ulid, FIXTURE[3]);
      assert.deepEqual(digestAll(db), before);
      await db.close();
      // On disk: parents gone, the merged block opens on its own, nothing temporary left.
      const names = readdirSync(d.path);
      for (const u of FIXTURE.slice(0, 3)) assert.ok(!names.includes(u), `${u} deleted`);
      assert.deepEqual(names.filter((n) => n.includes('tmp')), []);
      const reopened = await openDB(d.path, DB_OPTS);
      assert.deepEqual(digestAll(reopened), before);
      await reopened.compact();
      assert.equal(reopened.blocks.length, 3, 'nothing more to plan');
      await reopened.close();
    } finally {
      d.cleanup();
    }
  });

  test('a delete issued while blocks are being merged applies to the merged block: the samples stay deleted', { timeout: 120_000 }, async () => {
    const d = fixtureWithNewerBlock();
    try {
      const db = await openDB(d.path, { ...DB_OPTS, workerThreads: true });
      const gappy = [new Matcher('=', '__name__', 'fixture_gappy')];
      const gappySeries = (q: Parameters<typeof digestAll>[0]): number => [...digestAll(q).keys()].filter((k) => k.includes('fixture_gappy')).length;
      assert.ok(gappySeries(db) > 0);
      // The merge runs in the worker thread; the delete arrives once it is writing the new
      // block (its parents' tombstones already read).
      const compaction = db.compact();
      let writing = false;
      void compaction.finally(() => (writing = true));
      while (!writing) {
        writing = readdirSync(d.path).some((n) => n.endsWith('.tmp-for-creation'));
        await new Promise((r) => setImmediate(r));
      }
      const deleted = db.delete(-8.64e15, 8.64e15, gappy);
      await compaction;
      assert.ok((await deleted) > 0);
      assert.equal(db.blocks.length, 3, 'the first three blocks were merged');
      assert.equal(gappySeries(db), 0);
      await db.close();
      const again = await openDB(d.path, DB_OPTS);
      assert.equal(gappySeries(again), 0, 'still deleted after a restart');
      await again.close();
    } finally {
      d.cleanup();
    }
  });

  test('a query running across a head compaction sees every sample: the head is truncated only once it is closed', { timeout: 60_000 }, async () => {
    const d = tempDir('promts-compact-reader-');
    const db = await openDB(d.path, { ...DB_OPTS, workerThreads: false });
    try {
      const t0 = 100 * 2 * H;
      const lsets = [0, 1, 2].map((i) => Labels.fromObject({ __name__: 'r', i: String(i) }));
      let written = 0;
      for (let t = t0; t < t0 + 3.5 * H; t += 15_000) {
        const app = db.appender();
        for (const l of lsets) app.append(0 as never, l, t, t);
        await app.commit();
        written += lsets.length;
      }
      const q = db.querier(t0, t0 + 4 * H);
      const set = q.select(true, undefined, new Matcher('=', '__name__', 'r'));
      // The block for the first 2 h is written while the query is open (its series not read yet).
      const compaction = db.compactHeadRange(t0, t0 + 2 * H);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(db.blocks.length, 1, 'the block is written and visible to new queries');
      let read = 0;
      while (set.next()) {
        const it = set.at().iterator();
        while (it.next()) read++;
      }
      assert.equal(read, written, 'the open query still reads the samples that moved into the block');
      q.close();
      await compaction;
      assert.ok(db.head.minTime >= t0 + 2 * H, 'the head was truncated once the query closed');
      assert.equal(totalSamples(digestAll(db)), written);
    } finally {
      await db.close();
      d.cleanup();
    }
  });

  test('a query that began before a compaction still reads the parents it holds after they are deleted', { timeout: 120_000 }, async () => {
    const d = fixtureWithNewerBlock();
    // No page cache: every read of the parents goes to their (by then deleted) files.
    const budget = setPageCacheBudget(0);
    const db = await openDB(d.path, DB_OPTS);
    try {
      const before = digestAll(db);
      const q = db.querier(-8.64e15, 8.64e15);
      await db.compact();
      for (const u of FIXTURE.slice(0, 3)) assert.ok(!existsSync(join(d.path, u)), `${u} deleted`);
      assert.deepEqual(digestAll({ querier: () => q }), before);
    } finally {
      await db.close();
      setPageCacheBudget(budget);
      d.cleanup();
    }
  });

  test('overlapping blocks are merged first (vertical compaction) and identical samples kept once', { timeout: 120_000 }, async () => {
    const d = copyFixture('blocks');
    try {
      const b2 = Block.open(join(d.path, FIXTURE[1]!));
      // A copy of b2's `up` series (identical samples) plus a new series spanning b2 and b3.
      writeBlock(d.path, seriesOf(b2).filter((s) => s.labels.get('__name__') === 'up'));
      smallBlock(d.path, 'overlap_metric', 2, T0 + 3 * H, T0 + 5 * H);
      const db = await openDB(d.path, { ...DB_OPTS, workerThreads: false });
      const before = digestAll(db);
      assert.equal(totalSamples(before), 459716 + 2 * 480, 'the copy of up is deduplicated by the querier');
      await db.compact();
      assert.deepEqual(
        db.blocks.map((b) => b.meta.compaction.level),
        [1, 2, 1],
      );
      const m = db.blocks[1]!.meta;
      assert.equal(m.compaction.parents?.length, 4, 'b2, its copy, the overlapping block and b3');
      assert.equal(m.stats.numSamples, 142288 + 139723 + 2 * 480);
      assert.deepEqual(digestAll(db), before);
      await db.close();
    } finally {
      d.cleanup();
    }
  });

  test('a merge that cannot write its block leaves the parents intact and names them', { timeout: 120_000, skip: chattrWorks() ? false : 'chattr +i is not available here' }, async () => {
    const d = fixtureWithNewerBlock();
    try {
      const db = await openDB(d.path, { ...DB_OPTS, workerThreads: false });
      const before = digestAll(db);
      // Even root cannot create entries in an immutable directory.
      execFileSync('chattr', ['+i', d.path]);
      try {
        await assert.rejects(db.compact(), (e: Error) => {
          assert.ok(e instanceof CompactionError);
          for (const u of FIXTURE.slice(0, 3)) assert.match(e.message, new RegExp(u));
          assert.match(e.message, new RegExp(d.path));
          return true;
        });
      } finally {
        execFileSync('chattr', ['-i', d.path]);
      }
      assert.equal(db.blocks.length, 5);
      assert.deepEqual(digestAll(db), before);
      await db.close();
      assert.equal(blockDirs(d.path).length, 5);
      assert.deepEqual(readdirSync(d.path).filter((n) => n.includes('tmp')), []);
      const again = await openDB(d.path, DB_OPTS);
      await again.compact(); // after a restart the merge is tried again and succeeds
      assert.equal(again.blocks.length, 3);
      assert.deepEqual(digestAll(again), before);
      await again.close();
    } finally {
      d.cleanup();
    }
  });

  test('a failure after the new block is complete (rename refused) removes it and keeps the parents', () => {
    const d = copyFixture('blocks');
    try {
      const ulid = '01M8883ZZZZZZZZZZZZZZZZZZZ';
      // A non-empty directory in the way makes the final rename fail.
      mkdirSync(join(d.path, ulid, 'x'), { recursive: true });
      const dirs = FIXTURE.slice(0, 2).map((u) => join(d.path, u));
      assert.throws(() => compactBlocks(d.path, dirs, { mode: 'merge', ulid }), /ENOTEMPTY|EEXIST/);
      for (const dir of dirs) assert.ok(existsSync(join(dir, 'meta.json')));
      assert.deepEqual(readdirSync(d.path).filter((n) => n.includes('tmp')), []);
    } finally {
      d.cleanup();
    }
  });
});

describe("Debian's tools read the compacted dir", { skip: debianBinary('prometheus') && debianBinary('promtool') ? false : 'Debian prometheus/promtool not installed' }, () => {
  test('promtool tsdb list agrees and prometheus answers queries as before the compaction', { timeout: 180_000 }, async () => {
    const d = fixtureWithNewerBlock();
    try {
      const db = await openDB(d.path, DB_OPTS);
      const probes = [T0 + 0.75 * H, T0 + 3 * H + 7_000, T0 + 4.25 * H, T0 + 5.99 * H];
      const selectors = [new Matcher('=', '__name__', 'up'), new Matcher('=~', '__name__', 'temperature_celsius|rpc_duration_seconds')];
      const ours = probes.map((t) => selectors.map((m) => instantSelect(db, t, m)));
      await db.compact();
      const metas = db.blocks.map((b) => b.meta);
      await db.close();

      const list = await runCommand(debianBinary('promtool')!, ['tsdb', 'list', d.path]);
      assert.equal(list.code, 0, list.stderr);
      const rows = list.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s{2,}|\t+/));
      assert.equal(rows.length, metas.length);
      for (const m of metas) {
        const row = rows.find((r) => r[0] === m.ulid);
        assert.ok(row, `promtool lists ${m.ulid}:\n${list.stdout}`);
        assert.equal(row[1], String(m.minTime));
        assert.equal(row[2], String(m.maxTime));
        assert.equal(row[4], String(m.stats.numSamples));
        assert.equal(row[5], String(m.stats.numChunks));
        assert.equal(row[6], String(m.stats.numSeries));
      }

      const cfg = join(d.path, '..', `${d.path.split('/').pop()}-prometheus.yml`);
      writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
      const port = await freePort();
      const prom = startProcess(debianBinary('prometheus')!, [`--config.file=${cfg}`, `--storage.tsdb.path=${d.path}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=10y']);
      try {
        await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, prom);
        assert.doesNotMatch(prom.output(), /level=(warn|error).*(block|corrupt|chunk|index)/i);
        for (let i = 0; i < probes.length; i++) {
          for (let j = 0; j < selectors.length; j++) {
            const q = encodeURIComponent(`{${selectors[j]!.toString()}}`);
            const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${q}&time=${probes[i]! / 1000}`);
            const body = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
            const theirs = new Map(body.data.result.map((x) => [JSON.stringify(Object.fromEntries(Object.entries(x.metric).sort(([a], [b]) => (a < b ? -1 : 1)))), x.value[1]]));
            assert.ok(theirs.size > 0);
            assert.deepEqual(theirs, ours[i]![j], `${selectors[j]} at ${probes[i]}`);
          }
        }
      } finally {
        await prom.stop();
      }
    } finally {
      d.cleanup();
    }
  });
});

test('a head compaction that keeps failing is retried with backoff, not on every commit', { timeout: 60_000, skip: chattrWorks() ? false : 'chattr +i is not available here' }, async () => {
  const d = tempDir('promts-backoff-');
  const lines: string[] = [];
  const logger = createLogger({ level: 'error', write: (l) => lines.push(l) });
  const db = await openDB(d.path, { backgroundCompaction: true, workerThreads: false }, logger);
  try {
    const end = Math.floor(Date.now() / 15_000) * 15_000;
    const app = db.appender();
    // 4 h of one series: more than 1.5 block ranges, so every commit asks for a head compaction.
    for (let t = end - 4 * H; t < end - 60_000; t += 15_000) app.append(0 as never, Labels.fromObject({ __name__: 'm' }), t, 1);
    // The data dir takes no new entries: the block cannot be created.
    execFileSync('chattr', ['+i', d.path]);
    try {
      await app.commit();
      // ~1.5 s of commits, one every 50 ms.
      for (let i = 0; i < 30; i++) {
        const a = db.appender();
        a.append(0 as never, Labels.fromObject({ __name__: 'm' }), end - 60_000 + i * 1000, 1);
        await a.commit();
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      execFileSync('chattr', ['-i', d.path]);
    }
    const failed = lines.filter((l) => l.includes('msg="compaction failed"'));
    // The first try at once, the next after 1 s; 30 tries without the backoff.
    assert.ok(failed.length >= 1 && failed.length <= 3, `${failed.length} failed compactions logged:\n${failed.join('\n')}`);
    assert.equal(db.blocks.length, 0);
  } finally {
    await db.close();
    d.cleanup();
  }
});
