// The admin API's clean_tombstones and snapshot (issue 6), through HTTP against a running
// `promts server --web.enable-admin-api` on a copy of the fixture blocks that also scrapes
// itself (so the head has samples); snapshots are checked with Debian's promtool and by a
// second promts server started on the snapshot dir.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, debianBinary, eventually, freePort, runCommand, startServer, waitForHttp, type RunningProcess } from '../../helpers/index.js';
import { readMeta } from '../../../src/tsdb/block/index.js';

const H = 3_600_000;
const T0 = 1675209600000; // 2023-02-01T00:00:00Z
const FIXTURE = ['01M8883DD5PJSEBQFQ7X3E4788', '01M8883DT50C3PBHRATR3H4ZH7', '01M8883E8A10YYNYWD6E3CJN22', '01M8883ENE9MNS0A3N5HEZ2EW1'];

interface Vec {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function query(base: string, path: string, params: Record<string, string>): Promise<Vec[]> {
  const r = await fetch(`${base}/api/v1/${path}?${new URLSearchParams(params)}`);
  const body = (await r.json()) as { status: string; data: { result: Vec[] }; error?: string };
  assert.equal(body.status, 'success', body.error);
  return body.data.result.sort((a, b) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1));
}

/** Answers that depend only on the fixture blocks, at a few times across all four. */
async function fixtureAnswers(base: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const t of [T0 + 1 * H, T0 + 3 * H, T0 + 5 * H, T0 + 6.5 * H]) {
    out.push(await query(base, 'query', { query: 'http_requests_total', time: String(t / 1000) }));
    out.push(await query(base, 'query', { query: 'count by (job) (up)', time: String(t / 1000) }));
  }
  out.push(await query(base, 'query_range', { query: 'rpc_duration_seconds{service="billing"}', start: String((T0 + H) / 1000), end: String((T0 + 2 * H) / 1000), step: '60' }));
  return out;
}

async function post(base: string, path: string, form = ''): Promise<Response> {
  return fetch(`${base}/api/v1/admin/tsdb/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
}

describe('admin API: clean_tombstones and snapshot', () => {
  test('clean_tombstones rewrites blocks without deleted samples; snapshots hold the blocks (+ head) and serve the same answers', { timeout: 240_000 }, async () => {
    const d = copyFixture('blocks');
    const servers: RunningProcess[] = [];
    try {
      // copyFixture puts the blocks into d.path itself: that is the server's data dir (the
      // config files next to them are not block dirs, so the TSDB ignores them).
      const port = await freePort();
      const cfg = join(d.path, 'self.yml');
      writeFileSync(cfg, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
      const common = ['--web.enable-admin-api', '--storage.tsdb.retention.time=10y'];
      const srv = startServer([`--config.file=${cfg}`, `--storage.tsdb.path=${d.path}`, `--web.listen-address=127.0.0.1:${port}`, ...common]);
      servers.push(srv);
      const base = `http://127.0.0.1:${port}`;
      await waitForHttp(`${base}/-/ready`, 60_000, srv);
      await eventually(async () => (await query(base, 'query', { query: 'count_over_time(up{job="self"}[1m]) >= 4' })).length === 1, 30_000);

      // delete_series then clean_tombstones: the deleted series stay gone, the blocks are new.
      const all = await query(base, 'query', { query: 'http_requests_total', time: String((T0 + 3 * H) / 1000) });
      assert.equal((await post(base, 'delete_series', 'match[]=http_requests_total{instance="10.0.0.2:8080"}')).status, 204);
      const afterDelete = await fixtureAnswers(base);
      const left = afterDelete[2] as Vec[];
      assert.ok(left.length > 0 && left.length < all.length, `${left.length} of ${all.length} series left`);
      assert.ok(left.every((v) => v.metric['instance'] !== '10.0.0.2:8080'));
      const r = await post(base, 'clean_tombstones');
      assert.equal(r.status, 204, await r.text());
      assert.deepEqual(await fixtureAnswers(base), afterDelete);
      const blocks = readdirSync(d.path).filter((n) => /^[0-9A-Z]{26}$/.test(n));
      assert.equal(blocks.length, 4);
      for (const u of blocks) {
        assert.ok(!FIXTURE.includes(u), `${u} is a rewritten block`);
        const { meta } = readMeta(join(d.path, u, 'meta.json'));
        assert.equal(meta.compaction.level, 1);
        assert.equal(meta.compaction.parents?.length, 1);
        assert.ok(FIXTURE.includes(meta.compaction.parents![0]!.ulid));
        assert.equal(statSync(join(d.path, u, 'tombstones')).size, 9, 'empty tombstones file');
      }

      // snapshot (with head) and snapshot?skip_head=true
      const snap = await post(base, 'snapshot');
      assert.equal(snap.status, 200);
      const { data: sd } = (await snap.json()) as { data: { name: string } };
      assert.match(sd.name, /^\d{8}T\d{6}Z-[0-7][0-9a-f]{15}$/);
      const snapDir = join(d.path, 'snapshots', sd.name);
      const snapBlocks = readdirSync(snapDir).sort();
      assert.equal(snapBlocks.length, 5, 'four blocks and one from the head');
      for (const u of blocks) {
        assert.ok(snapBlocks.includes(u));
        assert.equal(statSync(join(snapDir, u, 'index')).ino, statSync(join(d.path, u, 'index')).ino, 'index is hard-linked');
      }
      const headBlock = snapBlocks.find((u) => !blocks.includes(u))!;
      const headMeta = readMeta(join(snapDir, headBlock, 'meta.json')).meta;
      const skip = (await (await post(base, 'snapshot', 'skip_head=true')).json()) as { data: { name: string } };
      assert.equal(readdirSync(join(d.path, 'snapshots', skip.data.name)).length, 4);

      const promtool = debianBinary('promtool');
      if (promtool) {
        const list = await runCommand(promtool, ['tsdb', 'list', snapDir]);
        assert.equal(list.code, 0, list.stderr);
        for (const u of snapBlocks) assert.match(list.stdout, new RegExp(`^${u}\\s`, 'm'));
      }

      // A fresh server on the snapshot answers like the running one.
      const port2 = await freePort();
      writeFileSync(join(d.path, 'empty.yml'), 'global:\n  scrape_interval: 1m\n');
      const srv2 = startServer([`--config.file=${join(d.path, 'empty.yml')}`, `--storage.tsdb.path=${snapDir}`, `--web.listen-address=127.0.0.1:${port2}`, ...common]);
      servers.push(srv2);
      const base2 = `http://127.0.0.1:${port2}`;
      await waitForHttp(`${base2}/-/ready`, 60_000, srv2);
      assert.deepEqual(await fixtureAnswers(base2), afterDelete);
      const window = { query: 'up{job="self"}', start: String(headMeta.minTime / 1000), end: String((headMeta.maxTime - 1) / 1000), step: '1' };
      const theirs = await query(base2, 'query_range', window);
      assert.equal(theirs.length, 1);
      // One point per second of the head block's span: every step finds a sample (5m lookback).
      assert.equal(theirs[0]!.values!.length, Math.floor((headMeta.maxTime - 1 - headMeta.minTime) / 1000) + 1);
      assert.deepEqual(theirs, await query(base, 'query_range', window));
    } finally {
      for (const s of servers) await s.stop();
      d.cleanup();
    }
  });
});
