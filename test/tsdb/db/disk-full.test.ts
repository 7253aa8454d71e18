// A full disk while blocks are written. The data dir lives on a small tmpfs, mounted in a
// private mount namespace (`unshare --mount`) so nothing outside the test sees it, and filled
// until a block no longer fits: every write error below is a real ENOSPC from the kernel.
// `promts server` runs there and the test drives it through the HTTP API, as a user would.
// Nothing that was on disk before may be lost, and no half-written block may stay behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, fixturesDir, freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../../helpers/index.js';
import { openDB } from '../../../src/tsdb/index.js';
import { Labels } from '../../../src/model/index.js';

const FIXTURE = ['01M8883DD5PJSEBQFQ7X3E4788', '01M8883DT50C3PBHRATR3H4ZH7', '01M8883E8A10YYNYWD6E3CJN22', '01M8883ENE9MNS0A3N5HEZ2EW1'];
const WINDOW = ['--min-time=1675216680000', '--max-time=1675216920000'];

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

interface FullDisk {
  /** The data dir, as the namespace sees it. */
  data: string;
  /** Where the script leaves logs, pid files and command outputs (outside the tmpfs). */
  out: string;
  port: number;
  base: string;
  ns: RunningProcess;
  /** Resolves when the namespace's script has finished. */
  done: Promise<void>;
}

/**
 * Runs `steps` (sh) in a private mount namespace where `data` is a copy of `src` on a tmpfs of
 * `sizeKb`, filled to leave `freeKb`. In steps, `serve N [flags]` runs `promts server` on the
 * data dir until it is stopped (stopServer), logging to out/serverN.log.
 */
async function onFullDisk(dir: string, src: string, sizeKb: number, freeKb: number, steps: string): Promise<FullDisk> {
  const mnt = join(dir, 'mnt');
  const out = join(dir, 'out');
  mkdirSync(mnt);
  mkdirSync(out);
  const cfg = join(dir, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const data = join(mnt, 'data');
  const script = `set -e
mount -t tmpfs -o size=${sizeKb}k promts-test "${mnt}"
cp -r "${src}" "${data}"
avail=$(df -k --output=avail "${mnt}" | tail -1)
dd if=/dev/zero of="${mnt}/filler" bs=1k count=$((avail - ${freeKb})) status=none
promts() { "${process.execPath}" "${cliPath}" "$@"; }
serve() {
  n=$1; shift
  "${process.execPath}" "${cliPath}" server --config.file="${cfg}" --storage.tsdb.path="${data}" --web.listen-address=127.0.0.1:${port} "$@" > "${out}/server$n.log" 2>&1 &
  echo $! > "${out}/server$n.pid" # node's own pid: stopServer signals it
  wait $! || true
}
${steps}
`;
  const ns = startProcess('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script]);
  const done = new Promise<void>((r) => ns.proc.on('exit', () => r()));
  return { data, out, port, base: `http://127.0.0.1:${port}`, ns, done };
}

/** Stops server run n (SIGTERM, as systemd would) and waits until it has exited. */
async function stopServer(f: FullDisk, n: number): Promise<void> {
  const pidFile = join(f.out, `server${n}.pid`);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  await until(() => !alive(pid), 30_000, `server run ${n} to exit`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the namespace's script to end (and ends it if it does not). */
async function finish(f: FullDisk): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([f.done, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
  clearTimeout(timer);
  await f.ns.stop();
}

async function query(base: string, q: string, time: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${time}`);
  const body = (await r.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

test('a disk that fills up while clean_tombstones rewrites a block leaves every block intact and the server serving', { skip, timeout: 120_000 }, async () => {
  const d = tempDir('promts-diskfull-');
  const deleted = 'fixture_gappy';
  try {
    // 4 MiB of tmpfs holding the fixture's ~1.2 MiB of blocks, filled to leave 160 KiB: room
    // for the server's WAL and the tombstones, not for a rewritten block (~250 KiB).
    const f = await onFullDisk(d.path, join(fixturesDir, 'blocks'), 4096, 160, `serve 1 --storage.tsdb.retention.time=10y --web.enable-admin-api
promts tsdb list "${join(d.path, 'mnt', 'data')}" > "${join(d.path, 'out', 'list.txt')}" 2>&1 || true
promts tsdb dump ${WINDOW.join(' ')} "${join(d.path, 'mnt', 'data')}" > "${join(d.path, 'out', 'dump.txt')}" 2> "${join(d.path, 'out', 'dump.err')}" || true
ls -a "${join(d.path, 'mnt', 'data')}" > "${join(d.path, 'out', 'ls.txt')}"
df -k --output=avail "${join(d.path, 'mnt')}" | tail -1 > "${join(d.path, 'out', 'avail.txt')}"`);
    const at = 1675216800;
    try {
      await waitForHttp(`${f.base}/-/ready`, 30_000, f.ns);
      const before = await query(f.base, 'sum by (__name__) ({__name__=~"fixture_.+"})', at);
      assert.ok(before.length > 3);
      assert.ok((await query(f.base, deleted, at)).length > 0);

      const del = await fetch(`${f.base}/api/v1/admin/tsdb/delete_series?match[]=${deleted}`, { method: 'POST' });
      assert.equal(del.status, 204, await del.text());
      assert.deepEqual(await query(f.base, deleted, at), []);

      const clean = await fetch(`${f.base}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' });
      const body = (await clean.json()) as { status: string; errorType: string; error: string };
      assert.equal(clean.status, 500);
      assert.equal(body.status, 'error');
      assert.match(body.error, /no space left on device/i);
      assert.match(body.error, new RegExp(FIXTURE.join('|')), 'the error names the block it could not rewrite');

      // Still serving, the deleted series still deleted, everything else as before.
      assert.deepEqual(await query(f.base, deleted, at), []);
      const after = await query(f.base, `sum by (__name__) ({__name__=~"fixture_.+", __name__!="${deleted}"})`, at);
      assert.deepEqual(after, before.filter((s) => s.metric['__name__'] !== deleted));
      assert.equal((await fetch(`${f.base}/-/ready`)).status, 200);
    } finally {
      await stopServer(f, 1);
      await finish(f);
    }

    // The same four blocks, no half-written one, and the space the failed write took is free again.
    const list = readFileSync(join(f.out, 'list.txt'), 'utf8');
    for (const u of FIXTURE) assert.match(list, new RegExp(`^${u} `, 'm'), list);
    assert.equal(list.trim().split('\n').length, 1 + FIXTURE.length, list);
    assert.deepEqual(readFileSync(join(f.out, 'ls.txt'), 'utf8').split('\n').filter((n) => n.includes('tmp')), []);
    const avail = Number(readFileSync(join(f.out, 'avail.txt'), 'utf8'));
    assert.ok(avail >= 100, `the half-written block was removed: ${avail} KiB free`);
    // Every sample of the window is still there: promtool's dump of the fixture, minus the deleted series.
    const want = readFileSync(join(fixturesDir, 'promtool-outputs', 'blocks', 'dump.min-1675216680000.max-1675216920000.txt'), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.includes(`__name__="${deleted}"`));
    const got = readFileSync(join(f.out, 'dump.txt'), 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(readFileSync(join(f.out, 'dump.err'), 'utf8'), '');
    assert.equal(got.length, want.length);
    assert.deepEqual(got, want);
  } finally {
    d.cleanup();
  }
});

test('a disk too full for head compaction loses no sample: the WAL stays, and the block is written once there is room', { skip, timeout: 120_000 }, async () => {
  const d = tempDir('promts-diskfull-head-');
  try {
    // A head of 4 h (200 series every 15 s, ending now): more than 1.5 block ranges, so the
    // server compacts its oldest 2 h into a block as soon as it starts.
    const src = join(d.path, 'src');
    const end = Math.floor(Date.now() / 15_000) * 15_000;
    const start = end - 4 * 3_600_000;
    const db = await openDB(src, { backgroundCompaction: false });
    let written = 0;
    for (let t = start; t <= end; t += 15_000) {
      const app = db.appender();
      for (let i = 0; i < 200; i++) app.append(0 as never, Labels.fromObject({ __name__: 'disk_full_probe', series: String(i) }), t, (t / 1000) % 977 + i);
      await app.commit();
      written += 200;
    }
    await db.close();

    // 8 MiB of tmpfs with 100 KiB left: too little for the ~300 KiB block. Run 1 on the full
    // disk, then the filler goes and run 2 starts on the same dir.
    const f = await onFullDisk(d.path, src, 8192, 100, `serve 1
rm "${join(d.path, 'mnt', 'filler')}"
serve 2
promts tsdb list "${join(d.path, 'mnt', 'data')}" > "${join(d.path, 'out', 'list.txt')}" 2>&1 || true`);
    const total = `sum(count_over_time(disk_full_probe[5h]))`;
    const at = end / 1000;
    try {
      await waitForHttp(`${f.base}/-/ready`, 30_000, f.ns);
      const log1 = join(f.out, 'server1.log');
      await until(() => /compaction failed/.test(readFileSync(log1, 'utf8')), 30_000, () => `the failed head compaction in run 1; its log:\n${readFileSync(log1, 'utf8')}`);
      assert.match(readFileSync(log1, 'utf8'), /no space left on device/i);
      assert.deepEqual((await query(f.base, total, at)).map((s) => s.value[1]), [String(written)]);
      await stopServer(f, 1);

      await until(() => existsSync(join(f.out, 'server2.log')), 30_000, 'run 2 to start');
      await waitForHttp(`${f.base}/-/ready`, 30_000, f.ns);
      const log2 = join(f.out, 'server2.log');
      await until(() => /msg="write block"/.test(readFileSync(log2, 'utf8')), 60_000, () => `the head compaction in run 2; its log:\n${readFileSync(log2, 'utf8')}`);
      assert.deepEqual((await query(f.base, total, at)).map((s) => s.value[1]), [String(written)]);
    } finally {
      await stopServer(f, 1);
      await stopServer(f, 2);
      await finish(f);
    }
    // One block or two, depending on where the 2 h boundaries fall in these 4 h.
    const list = readFileSync(join(f.out, 'list.txt'), 'utf8');
    assert.ok(list.trim().split('\n').length >= 2, `run 2 wrote the head's oldest range as blocks:\n${list}`);
  } finally {
    d.cleanup();
  }
});
