// The DB as a server uses it: write, close, reopen; crash (SIGKILL) and reopen; the lock;
// head compaction into blocks with WAL checkpointing; retention; and Debian's Prometheus
// 2.42 reading a data dir promts wrote (WAL, chunks_head and blocks).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianBinary, freePort, runCommand, startProcess, tempDir, waitForHttp, eventually } from '../../helpers/index.js';
import { openDB, DBLockError, lastCheckpoint, type DB } from '../../../src/tsdb/index.js';
import { Labels, Matcher, formatFloat } from '../../../src/model/index.js';
import { instantSelect } from './promql-lite.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Appends nSeries x nSamples (15 s apart from t0); value = i*1000 + k. One commit per step. */
async function fill(db: DB, nSeries: number, nSamples: number, t0: number, name = 'rt_metric'): Promise<void> {
  for (let k = 0; k < nSamples; k++) {
    const app = db.appender();
    for (let i = 0; i < nSeries; i++) app.append(0, Labels.fromObject({ __name__: name, i: String(i) }), t0 + k * 15_000, i * 1000 + k);
    await app.commit();
  }
}

/** Every sample of every series named `name`: "labels@t" -> v, via the DB querier. */
function dump(db: DB, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const q = db.querier(-Infinity, Infinity);
  const ss = q.select(true, undefined, new Matcher('=', '__name__', name));
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    while (it.next()) out.set(`${s.labels.get('i')}@${it.t}`, it.v);
    assert.equal(it.err(), null);
  }
  q.close();
  return out;
}

function expected(nSeries: number, nSamples: number, t0: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let k = 0; k < nSamples; k++) for (let i = 0; i < nSeries; i++) m.set(`${i}@${t0 + k * 15_000}`, i * 1000 + k);
  return m;
}

describe('persistence', () => {
  test('samples written, closed and reopened come back the same (WAL + chunks_head)', async () => {
    const d = tempDir('promts-db-');
    try {
      const t0 = 1_700_000_000_000;
      let db = await openDB(d.path, { backgroundCompaction: false });
      await fill(db, 50, 400, t0); // 400 samples: 3 completed chunks per series go to chunks_head
      await db.close();
      assert.ok(readdirSync(join(d.path, 'chunks_head')).length > 0);
      assert.ok(!existsSync(join(d.path, 'lock')), 'close releases the lock');
      db = await openDB(d.path, { backgroundCompaction: false });
      assert.deepEqual(dump(db, 'rt_metric'), expected(50, 400, t0));
      assert.equal(db.headStats().numSeries, 50);
      // And it keeps accepting appends after the restart.
      await fill(db, 50, 1, t0 + 400 * 15_000);
      assert.equal(dump(db, 'rt_metric').size, 50 * 401);
      await db.close();
    } finally {
      d.cleanup();
    }
  });

  test('after SIGKILL every committed sample is back and the stale lock does not block the start', async () => {
    const d = tempDir('promts-db-');
    try {
      const t0 = 1_700_000_000_000;
      const isTs = import.meta.url.endsWith('.ts');
      const child = startProcess(process.execPath, [...(isTs ? ['--import', 'tsx'] : []), join(here, isTs ? 'crash-child.ts' : 'crash-child.js'), d.path, '20', '300', String(t0)]);
      await eventually(async () => child.output().includes('committed'), 30_000, 50);
      assert.ok(existsSync(join(d.path, 'lock')));
      await child.kill();
      const db = await openDB(d.path, { backgroundCompaction: false });
      assert.deepEqual(dump(db, 'crash_metric'), (() => {
        const m = new Map<string, number>();
        for (let k = 0; k < 300; k++) for (let i = 0; i < 20; i++) m.set(`${i}@${t0 + k * 15_000}`, i * 1000 + k);
        return m;
      })());
      await db.close();
    } finally {
      d.cleanup();
    }
  });

  test('a second open of a locked dir fails with a clear error naming the dir', async () => {
    const d = tempDir('promts-db-');
    try {
      const db = await openDB(d.path, { backgroundCompaction: false });
      await assert.rejects(openDB(d.path), (e: unknown) => e instanceof DBLockError && e.message.includes(join(d.path, 'lock')) && e.code === 'db_locked');
      await db.close();
      const again = await openDB(d.path, { backgroundCompaction: false });
      await again.close();
      // A lock left by a process that no longer exists is taken over.
      writeFileSync(join(d.path, 'lock'), '999999999');
      const third = await openDB(d.path, { backgroundCompaction: false });
      await third.close();
    } finally {
      d.cleanup();
    }
  });
});

describe('compaction and retention', () => {
  test('the head compacts into blocks, the WAL is checkpointed, and queries still see every sample', async () => {
    const d = tempDir('promts-db-');
    try {
      const hour = 3_600_000;
      const t0 = 1_700_000_000_000 - (1_700_000_000_000 % hour);
      // Small WAL segments so truncation has segments to checkpoint.
      let db = await openDB(d.path, { minBlockDuration: hour, backgroundCompaction: false, walSegmentSize: 64 * 1024 });
      const n = (4 * hour) / 15_000;
      await fill(db, 30, n, t0);
      await db.compact();
      const blocks = readdirSync(d.path).filter((x) => /^[0-9A-Z]{26}$/.test(x));
      assert.ok(blocks.length >= 2, `blocks: ${blocks}`);
      assert.ok(db.blocks.every((b) => (b.meta.minTime - t0) % hour === 0 && b.meta.maxTime - b.meta.minTime === hour), 'blocks span whole chunk ranges');
      assert.ok(db.headStats().minTime >= t0 + 2 * hour);
      assert.ok(lastCheckpoint(join(d.path, 'wal')), 'a checkpoint was written');
      assert.deepEqual(dump(db, 'rt_metric'), expected(30, n, t0));
      await db.close();
      db = await openDB(d.path, { minBlockDuration: hour, backgroundCompaction: false, workerThreads: false });
      assert.deepEqual(dump(db, 'rt_metric'), expected(30, n, t0));
      await db.close();
    } finally {
      d.cleanup();
    }
  });

  test('time retention deletes blocks older than the retention behind the newest block', async () => {
    const d = tempDir('promts-db-');
    try {
      const hour = 3_600_000;
      const t0 = 1_700_000_000_000 - (1_700_000_000_000 % hour);
      const db = await openDB(d.path, { minBlockDuration: hour, retentionTime: 2 * hour, backgroundCompaction: false, workerThreads: false });
      await fill(db, 5, (6 * hour) / 15_000, t0);
      await db.compact();
      const maxts = db.blocks.map((b) => b.meta.maxTime);
      const newest = Math.max(...maxts);
      assert.ok(db.blocks.every((b) => newest - b.meta.maxTime <= 2 * hour));
      assert.ok(db.blocks.length >= 2);
      assert.equal(readdirSync(d.path).filter((x) => /^[0-9A-Z]{26}$/.test(x)).length, db.blocks.length);
      const headSamples = dump(db, 'rt_metric').size;
      await db.close();
      // Size retention counts WAL + chunks_head first, then blocks newest first: with room for
      // the newest block only, every older block goes (checked at open, as Prometheus does).
      const sizes = db.blocks.map((b) => b.size());
      const newestBlock = [...db.blocks].sort((a, b) => b.meta.maxTime - a.meta.maxTime)[0]!;
      const small = await openDB(d.path, { minBlockDuration: hour, retentionSize: 1, backgroundCompaction: false, workerThreads: false });
      assert.equal(small.blocks.length, 0, `blocks of ${sizes} bytes exceed 1 byte`);
      assert.ok(!existsSync(join(d.path, newestBlock.meta.ulid)));
      assert.ok(dump(small, 'rt_metric').size > 0 && dump(small, 'rt_metric').size < headSamples, 'the head keeps its data');
      await small.close();
    } finally {
      d.cleanup();
    }
  });
});

describe('deletion', () => {
  test('deleted samples disappear from blocks and head, stay deleted after a restart, and promtool agrees', async () => {
    const d = tempDir('promts-db-');
    try {
      const hour = 3_600_000;
      const t0 = 1_700_000_000_000 - (1_700_000_000_000 % hour);
      const n = (4 * hour) / 15_000;
      let db = await openDB(d.path, { minBlockDuration: hour, backgroundCompaction: false, workerThreads: false });
      await fill(db, 3, n, t0);
      await db.compact();
      assert.ok(db.blocks.length > 0 && db.headStats().numSeries === 3, 'data in blocks and head');
      const [from, to] = [t0 + hour + 7_000, t0 + 3 * hour];
      assert.equal((await db.delete(from, to, [new Matcher('=', 'i', '1')])) > 0, true);
      const want = expected(3, n, t0);
      for (const k of [...want.keys()]) {
        const [i, t] = k.split('@').map(Number) as [number, number];
        if (i === 1 && t >= from && t <= to) want.delete(k);
      }
      assert.deepEqual(dump(db, 'rt_metric'), want);
      await db.close();
      db = await openDB(d.path, { minBlockDuration: hour, backgroundCompaction: false, workerThreads: false });
      assert.deepEqual(dump(db, 'rt_metric'), want);
      await db.close();
      const promtool = debianBinary('promtool');
      if (promtool) {
        const res = await runCommand(promtool, ['tsdb', 'dump', '--match={__name__="rt_metric"}', d.path], { timeoutMs: 60_000 });
        assert.equal(res.code, 0, res.stderr);
        const theirs = new Map<string, number>();
        for (const line of res.stdout.split('\n')) {
          const m = /i="(\d+)"\} (\S+) (\d+)$/.exec(line);
          if (m) theirs.set(`${m[1]}@${m[3]}`, Number(m[2]));
        }
        assert.deepEqual(theirs, want);
      }
    } finally {
      d.cleanup();
    }
  });
});

describe("Debian's Prometheus 2.42 reads what promts wrote", { skip: debianBinary('prometheus') ? false : 'Debian prometheus is not installed' }, () => {
  test('WAL, chunks_head and blocks: /api/v1/query returns the values promts stored', async () => {
    const d = tempDir('promts-interop-');
    const data = join(d.path, 'data');
    mkdirSync(data);
    try {
      const hour = 3_600_000;
      const now = Date.now();
      const t0 = now - 3.5 * hour - ((now - 3.5 * hour) % hour);
      const n = Math.floor((now - 60_000 - t0) / 15_000);
      const db = await openDB(data, { minBlockDuration: hour, backgroundCompaction: false });
      await fill(db, 20, n, t0, 'interop_metric');
      await db.compact(); // blocks for the older hours, head for the rest
      assert.ok(db.blocks.length >= 2);
      const probeTimes = [t0 + 10 * 15_000, t0 + Math.floor(n / 2) * 15_000, t0 + (n - 1) * 15_000];
      const ours = probeTimes.map((t) => instantSelect(db, t, new Matcher('=', '__name__', 'interop_metric')));
      await db.close();
      const cfg = join(d.path, 'prometheus.yml');
      writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
      const port = await freePort();
      const prom = startProcess(debianBinary('prometheus')!, [
        `--config.file=${cfg}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.min-block-duration=1h',
        '--storage.tsdb.retention.time=10y',
      ]);
      try {
        await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, prom);
        assert.doesNotMatch(prom.output(), /level=(warn|error).*(WAL|corrupt|chunk)/i);
        for (let i = 0; i < probeTimes.length; i++) {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=interop_metric&time=${probeTimes[i]! / 1000}`);
          const body = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
          const theirs = new Map(body.data.result.map((x) => [JSON.stringify(Object.fromEntries(Object.entries(x.metric).sort())), x.value[1]]));
          assert.equal(theirs.size, 20);
          assert.deepEqual(theirs, ours[i], `at ${probeTimes[i]}`);
          for (const [, v] of theirs) assert.equal(v, formatFloat(Number(v)));
        }
      } finally {
        await prom.stop();
      }
    } finally {
      d.cleanup();
    }
  });
});
