import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, freePort, startServer, tempDir, waitForHttp } from '../helpers/index.js';

interface VectorAnswer {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(port: number, q: string): Promise<VectorAnswer> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
  return (await r.json()) as VectorAnswer;
}

// Issue 2, quick start: with no prometheus.yml in the working directory, `promts server` runs
// the embedded config, scrapes itself and keeps its data in ./data.
test('quick start: the embedded config scrapes promts itself and `up` is 1 within 30 s', async () => {
  const dir = tempDir();
  const port = await freePort();
  const srv = startServer([`--web.listen-address=127.0.0.1:${port}`], { cwd: dir.path });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, srv);
    const up = await eventually(async () => {
      const a = await query(port, 'up');
      return a.data.result.find((s) => s.metric.job === 'promts');
    }, 30_000, 250);
    assert.deepEqual(up.metric, { __name__: 'up', instance: `localhost:${port}`, job: 'promts' });
    assert.equal(up.value[1], '1');
    // Self-metrics under Prometheus's names.
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of ['prometheus_build_info', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'prometheus_http_requests_total', 'prometheus_tsdb_head_series', 'prometheus_config_last_reload_successful 1', 'promts_event_loop_delay_seconds']) {
      assert.ok(body.includes(name), `/metrics lacks ${name}`);
    }
    const code = await srv.stop();
    assert.equal(code, 0, srv.output());
    assert.match(srv.output(), /level=info/);
    // Data went to ./data of the working directory.
    assert.ok(existsSync(join(dir.path, 'data', 'wal')), 'no ./data/wal after the run');
  } finally {
    await srv.stop();
    dir.cleanup();
  }
});

test('data survives a clean restart (SIGTERM, then start on the same data dir)', async () => {
  const dir = tempDir();
  const port = await freePort();
  const args = [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir.path, 'data')}`];
  const first = startServer(args, { cwd: dir.path });
  let before: VectorAnswer['data']['result'];
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, first);
    before = await eventually(async () => {
      const a = await query(port, 'count_over_time(up[1h])');
      return a.data.result.length > 0 && Number(a.data.result[0]!.value[1]) >= 2 ? a.data.result : undefined;
    }, 60_000, 500);
    assert.equal(await first.stop(), 0, first.output());
  } finally {
    await first.stop();
  }
  const second = startServer(args, { cwd: dir.path });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, second);
    const after = await query(port, 'count_over_time(up[1h])');
    assert.ok(Number(after.data.result[0]!.value[1]) >= Number(before[0]!.value[1]), `samples lost across restart: before ${before[0]!.value[1]}, after ${after.data.result[0]?.value[1]}`);
  } finally {
    await second.stop();
    dir.cleanup();
  }
});

test('a port in use is one clear line naming the address and the flag; exit 1', async () => {
  const dir = tempDir();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  const srv = startServer([`--web.listen-address=127.0.0.1:${port}`], { cwd: dir.path });
  try {
    const code = await new Promise<number | null>((r) => srv.proc.on('exit', r));
    assert.equal(code, 1);
    assert.match(srv.output(), new RegExp(`127\\.0\\.0\\.1:${port}.*already in use.*--web\\.listen-address`));
  } finally {
    blocker.close();
    dir.cleanup();
  }
});

test('a bad config stops the server before it starts and names file:line:col', async () => {
  const dir = tempDir();
  const cfg = join(dir.path, 'bad.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: x\n    scrape_interval: soon\n');
  const srv = startServer([`--config.file=${cfg}`, '--web.listen-address=127.0.0.1:0'], { cwd: dir.path });
  try {
    const code = await new Promise<number | null>((r) => srv.proc.on('exit', r));
    assert.equal(code, 1);
    assert.match(srv.output(), /bad\.yml:5:\d+/);
  } finally {
    dir.cleanup();
  }
});

test('--log.format=json writes one JSON object per line', async () => {
  const dir = tempDir();
  const port = await freePort();
  const srv = startServer([`--web.listen-address=127.0.0.1:${port}`, '--log.format=json'], { cwd: dir.path });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, srv);
    await srv.stop();
    const lines = srv.output().trim().split('\n');
    assert.ok(lines.length >= 2);
    for (const l of lines) {
      const o = JSON.parse(l) as Record<string, unknown>;
      assert.ok(typeof o.ts === 'string' && typeof o.level === 'string' && typeof o.msg === 'string', l);
    }
  } finally {
    await srv.stop();
    dir.cleanup();
  }
});
