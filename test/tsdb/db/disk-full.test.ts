// A full disk while blocks are rewritten. The data dir lives on a small tmpfs, mounted in a
// private mount namespace (`unshare --mount`) so nothing outside the test sees it, and filled
// until a block no longer fits: every write error below is a real ENOSPC from the kernel.
// `promts server` runs there; the test drives it through the HTTP API, as a user would:
// delete_series (a few bytes of tombstones fit), then clean_tombstones, which must rewrite a
// block and cannot. The blocks must stay as they were, the deleted series stay deleted, the
// server keeps serving, and the dir must hold no half-written block afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, fixturesDir, freePort, startProcess, tempDir, waitForHttp } from '../../helpers/index.js';

const FIXTURE = ['01M8883DD5PJSEBQFQ7X3E4788', '01M8883DT50C3PBHRATR3H4ZH7', '01M8883E8A10YYNYWD6E3CJN22', '01M8883ENE9MNS0A3N5HEZ2EW1'];
const WINDOW = ['--min-time=1675216680000', '--max-time=1675216920000'];
const DELETED = 'fixture_gappy';

/** Whether this machine lets us mount a tmpfs in a private mount namespace (root, or user namespaces). */
function privateTmpfsWorks(): boolean {
  const d = tempDir('promts-ns-');
  try {
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=64k promts-test "${d.path}"`], { stdio: 'ignore' });
    return r.status === 0;
  } finally {
    d.cleanup();
  }
}

const skip = privateTmpfsWorks() ? false : 'mounting a tmpfs in a private mount namespace is not permitted here (needs root or user namespaces)';

test('a disk that fills up while a block is rewritten leaves every block intact and the server serving', { skip, timeout: 120_000 }, async () => {
  const d = tempDir('promts-diskfull-');
  try {
    const mnt = join(d.path, 'mnt');
    const out = join(d.path, 'out');
    mkdirSync(mnt);
    mkdirSync(out);
    const cfg = join(d.path, 'prometheus.yml');
    writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
    const port = await freePort();
    const data = join(mnt, 'data');
    const node = JSON.stringify(process.execPath);
    const cli = JSON.stringify(cliPath);
    // 4 MiB of tmpfs, the fixture's ~1.2 MiB of blocks copied in, then filled to leave 160 KiB:
    // room for the server's WAL and the tombstones, not for a rewritten block (~250 KiB).
    const script = `set -e
mount -t tmpfs -o size=4096k promts-test "${mnt}"
cp -r "${join(fixturesDir, 'blocks')}" "${data}"
avail=$(df -k --output=avail "${mnt}" | tail -1)
dd if=/dev/zero of="${mnt}/filler" bs=1k count=$((avail - 160)) status=none
${node} ${cli} server --config.file="${cfg}" --storage.tsdb.path="${data}" --storage.tsdb.retention.time=10y --web.enable-admin-api --web.listen-address=127.0.0.1:${port} > "${out}/server.log" 2>&1 &
echo $! > "${out}/server.pid"
wait $! || true
${node} ${cli} tsdb list "${data}" > "${out}/list.txt" 2>&1 || true
${node} ${cli} tsdb dump ${WINDOW.join(' ')} "${data}" > "${out}/dump.txt" 2> "${out}/dump.err" || true
ls -a "${data}" > "${out}/ls.txt"
df -k --output=avail "${mnt}" | tail -1 > "${out}/avail.txt"
`;
    const ns = startProcess('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script]);
    const exited = new Promise<void>((r) => ns.proc.on('exit', () => r()));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${base}/-/ready`, 30_000, ns);
      const query = async (q: string): Promise<unknown[]> => {
        const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=1675216800`);
        const body = (await r.json()) as { data: { result: unknown[] } };
        return body.data.result;
      };
      const before = await query('sum by (__name__) ({__name__=~"fixture_.+"})');
      assert.ok(before.length > 3);
      assert.equal((await query(DELETED)).length > 0, true);

      const del = await fetch(`${base}/api/v1/admin/tsdb/delete_series?match[]=${DELETED}`, { method: 'POST' });
      assert.equal(del.status, 204, await del.text());
      assert.deepEqual(await query(DELETED), []);

      const clean = await fetch(`${base}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' });
      const body = (await clean.json()) as { status: string; errorType: string; error: string };
      assert.equal(clean.status, 500);
      assert.equal(body.status, 'error');
      assert.match(body.error, /no space left on device/i);
      assert.match(body.error, new RegExp(FIXTURE.join('|')), 'the error names the block it could not rewrite');

      // Still serving, the deleted series still deleted, everything else as before.
      assert.deepEqual(await query(DELETED), []);
      const after = await query(`sum by (__name__) ({__name__=~"fixture_.+", __name__!="${DELETED}"})`);
      assert.deepEqual(after, before.filter((s) => (s as { metric: { __name__: string } }).metric.__name__ !== DELETED));
      assert.equal((await fetch(`${base}/-/ready`)).status, 200);
    } finally {
      const pidFile = join(out, 'server.pid');
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
      clearTimeout(timer);
      await ns.stop();
    }

    // The same four blocks, no half-written one, and the tmpfs space the failed write took is free again.
    const list = readFileSync(join(out, 'list.txt'), 'utf8');
    for (const u of FIXTURE) assert.match(list, new RegExp(`^${u} `, 'm'), list);
    assert.equal(list.trim().split('\n').length, 1 + FIXTURE.length, list);
    const entries = readFileSync(join(out, 'ls.txt'), 'utf8').split('\n');
    assert.deepEqual(entries.filter((n) => n.includes('tmp')), []);
    assert.ok(Number(readFileSync(join(out, 'avail.txt'), 'utf8')) >= 100, 'the half-written block was removed');
    // Every sample of the window is still there: promtool's dump of the fixture, minus the deleted series.
    const want = readFileSync(join(fixturesDir, 'promtool-outputs', 'blocks', `dump.min-1675216680000.max-1675216920000.txt`), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.includes(`__name__="${DELETED}"`));
    const got = readFileSync(join(out, 'dump.txt'), 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(readFileSync(join(out, 'dump.err'), 'utf8'), '');
    assert.equal(got.length, want.length);
    assert.deepEqual(got, want);
  } finally {
    d.cleanup();
  }
});
