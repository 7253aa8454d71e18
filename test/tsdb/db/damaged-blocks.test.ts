// `promts server` on a data dir with a damaged block, as a user meets it: the server says which
// file is damaged, where, and what to do; it never serves wrong samples, and once the user has
// done what it said, it serves the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, fixturesDir, freePort, runCli, startServer, tempDir, waitForHttp } from '../../helpers/index.js';

const DAMAGED = '01M8883DT50C3PBHRATR3H4ZH7'; // the second fixture block, 02:00-04:00
const FLAGS = ['--storage.tsdb.retention.time=10y'];
const IN_FIRST_BLOCK = 1675215000; // 01:30
const IN_DAMAGED_BLOCK = 1675220700; // 03:05

/** Prometheus's recorded answer to `up` at 01:30 on the intact fixture (http-api/blocks). */
function prometheusUpAnswer(): unknown {
  const lines = readFileSync(join(fixturesDir, 'promtool-outputs', 'http-api', 'blocks', 'promql-answers.jsonl'), 'utf8').split('\n');
  for (const l of lines) {
    if (l === '') continue;
    const a = JSON.parse(l) as { endpoint: string; query: string; params: { time?: string }; response: { data: unknown } };
    if (a.endpoint === '/api/v1/query' && a.query === 'up' && a.params.time === String(IN_FIRST_BLOCK)) return a.response.data;
  }
  throw new Error('no recorded answer for up at 01:30');
}

/** `promts server` flags for dataDir with an empty config (in cfgDir) on a free port. */
async function serverArgs(dataDir: string, cfgDir: string): Promise<{ args: string[]; base: string }> {
  const cfg = join(cfgDir, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  return { args: [`--config.file=${cfg}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, ...FLAGS], base: `http://127.0.0.1:${port}` };
}

async function up(base: string, time: number): Promise<{ status: string; error?: string; data?: unknown }> {
  const r = await fetch(`${base}/api/v1/query?query=up&time=${time}`);
  return (await r.json()) as { status: string; error?: string; data?: unknown };
}

test('a block with a damaged index stops the start naming the file, offset and remedy; with the block moved out the rest is served', { timeout: 60_000 }, async () => {
  const d = copyFixture('blocks');
  const aside = tempDir('promts-damaged-aside-');
  try {
    truncateSync(join(d.path, DAMAGED, 'index'), 20_000);
    const { args, base } = await serverArgs(d.path, aside.path);
    const r = await runCli(['server', ...args], { timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Opening storage failed/);
    assert.match(r.stderr, new RegExp(`${join(d.path, DAMAGED, 'index')}: at byte offset \\d+`));
    assert.match(r.stderr, /move the block directory out of the data dir/);

    renameSync(join(d.path, DAMAGED), join(aside.path, DAMAGED));
    const s = startServer(args);
    try {
      await waitForHttp(`${base}/-/ready`, 30_000, s);
      assert.deepEqual((await up(base, IN_FIRST_BLOCK)).data, prometheusUpAnswer());
      assert.deepEqual((await up(base, IN_DAMAGED_BLOCK)).data, { resultType: 'vector', result: [] });
    } finally {
      await s.stop();
    }
  } finally {
    d.cleanup();
    aside.cleanup();
  }
});

test('a missing chunk segment: queries that need it fail naming the missing file, the other blocks still answer', { timeout: 60_000 }, async () => {
  const d = copyFixture('blocks');
  const cfgDir = tempDir('promts-damaged-cfg-');
  try {
    rmSync(join(d.path, DAMAGED, 'chunks', '000001'));
    const { args, base } = await serverArgs(d.path, cfgDir.path);
    const s = startServer(args);
    try {
      await waitForHttp(`${base}/-/ready`, 30_000, s);
      const bad = await up(base, IN_DAMAGED_BLOCK);
      assert.equal(bad.status, 'error');
      assert.match(bad.error ?? '', new RegExp(`${join(d.path, DAMAGED, 'chunks', '000001')}: chunk segment file is missing`));
      assert.deepEqual((await up(base, IN_FIRST_BLOCK)).data, prometheusUpAnswer());
    } finally {
      await s.stop();
    }
  } finally {
    d.cleanup();
    cfgDir.cleanup();
  }
});

test('a gap in the chunk segment numbers is reported by name, not read from the wrong file', { timeout: 30_000 }, async () => {
  const d = copyFixture('blocks');
  try {
    // Refs address segments by position: with 000001 gone, 000002 would be read in its place.
    renameSync(join(d.path, DAMAGED, 'chunks', '000001'), join(d.path, DAMAGED, 'chunks', '000002'));
    const r = await runCli(['tsdb', 'dump', d.path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${join(d.path, DAMAGED, 'chunks', '000001')}: chunk segment file is missing \\(found 000002 after it\\)`));
  } finally {
    d.cleanup();
  }
});
