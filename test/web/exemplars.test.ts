// Exemplar storage end to end, as a user runs it: `promts server --enable-feature=exemplar-storage`
// scrapes an OpenMetrics target with exemplars; /api/v1/query_exemplars answers them in
// Prometheus's JSON shape; a restart on the same data dir gets them back from the WAL; a config
// reload resizes the buffer; without the flag the endpoint answers an empty list. When Debian's
// prometheus 2.42 is installed it scrapes the same target and the answers must be identical.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { debianBinary, eventually, freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../helpers/index.js';
import { startPromtsServer } from '../remote/server.js';

const prometheus = debianBinary('prometheus');

/** Exemplar timestamps in whole ms, fixed for the run so both servers see the same target. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
const sec = (ms: number): string => (ms / 1000).toFixed(3);

/** Phase 1, then phase 2 adds newer exemplars; one exemplar has no timestamp (the scrape's is used). */
function body(phase: number): string {
  const lines = [
    '# TYPE rpc counter',
    '# HELP rpc Requests.',
    `rpc_total{code="200"} ${10 * phase} # {trace_id="ok-${phase}",span_id="s${phase}"} ${phase}.5 ${sec(T0 + phase * 1000)}`,
    // Phase 2's exemplar here is older than the stored one: out of order, dropped.
    phase === 1 ? `rpc_total{code="500"} 3 # {trace_id="err"} 0.25 ${sec(T0 + 500)}` : `rpc_total{code="500"} 4 # {trace_id="err-old"} 0.5 ${sec(T0 + 100)}`,
    '# TYPE lat histogram',
    `lat_bucket{le="0.1"} ${phase} # {trace_id="fast-${phase}"} 0.05 ${sec(T0 + phase * 1000 + 7)}`,
    `lat_bucket{le="+Inf"} ${phase + 1} # {trace_id="slow"} 3`,
    `lat_count ${phase + 1}`,
    'lat_sum 3.05',
  ];
  if (phase >= 2) lines.push('# TYPE later counter', `later_total 1 # {trace_id="later",x="ü"} 1e-07 ${sec(T0 + 9000)}`);
  lines.push('# EOF', '');
  return lines.join('\n');
}

interface Target {
  url: string;
  phase: number;
  /** Scrapes served per User-Agent product (promts / Prometheus) in the current phase. */
  scrapes: Map<string, number>;
  server: Server;
}

async function startTarget(): Promise<Target> {
  const t: Target = { url: '', phase: 1, scrapes: new Map(), server: createServer() };
  t.server.on('request', (req, res) => {
    const ua = (req.headers['user-agent'] ?? '').split('/')[0]!;
    t.scrapes.set(ua, (t.scrapes.get(ua) ?? 0) + 1);
    res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    res.end(body(t.phase));
  });
  await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
  t.url = `127.0.0.1:${(t.server.address() as AddressInfo).port}`;
  return t;
}

/** target '' leaves out the scrape job (nothing new arrives after a reload). */
function config(target: string, maxExemplars?: number): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    ...(maxExemplars === undefined ? [] : ['storage:', '  exemplars:', `    max_exemplars: ${maxExemplars}`]),
    ...(target === '' ? [] : ['scrape_configs:', '  - job_name: app', '    static_configs:', `      - targets: ["${target}"]`]),
    '',
  ].join('\n');
}

async function get(base: string, path: string, params: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  return { status: r.status, text: await r.text() };
}

async function exemplars(base: string, query: string, extra: Record<string, string> = {}): Promise<unknown> {
  const r = await get(base, '/api/v1/query_exemplars', { query, ...extra });
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text);
}

/** Waits until a server has scraped the current phase twice (so the newest scrape is stored). */
async function scrapedTwice(t: Target, ua: string): Promise<void> {
  t.scrapes.set(ua, 0);
  await eventually(async () => (t.scrapes.get(ua) ?? 0) >= 2, 20_000, 100);
  await new Promise((r) => setTimeout(r, 300));
}

async function metric(base: string, name: string): Promise<number> {
  const r = await get(base, '/metrics');
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(r.text);
  assert.ok(m, `${name} missing from /metrics`);
  return Number(m[1]);
}

/** The exemplar scraped without its own timestamp gets the scrape's: mask it for comparisons. */
function maskScrapeTimes(v: unknown): unknown {
  const d = v as { data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; timestamp: number }[] }[] };
  for (const s of d.data) for (const e of s.exemplars) if (e.labels.trace_id === 'slow') e.timestamp = 0;
  return d;
}

const QUERIES = ['rpc_total', 'lat_bucket{le="+Inf"}', '{__name__=~"rpc_total|lat_bucket|later_total"}', 'rate(rpc_total[5m]) / ignoring(code) group_left lat_count', 'later_total', 'nothing_here'];

describe('exemplar storage (--enable-feature=exemplar-storage)', () => {
  let target: Target;
  let dir: { path: string; cleanup: () => void };
  let promts: RunningProcess | undefined;
  let base = '';
  let port = 0;
  const cfgFile = () => join(dir.path, 'prometheus.yml');
  const start = (features: string[] = ['--enable-feature=exemplar-storage']) => {
    promts = startPromtsServer([`--config.file=${cfgFile()}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-lifecycle', ...features]);
    return waitForHttp(`${base}/-/ready`, 60_000, promts);
  };

  before(async () => {
    target = await startTarget();
    dir = tempDir();
    writeFileSync(cfgFile(), config(target.url));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await promts?.stop();
    target.server.close();
    dir.cleanup();
  });

  test('scraped exemplars are answered in Prometheus JSON, survive a restart and follow max_exemplars on reload', async () => {
    await start();
    await scrapedTwice(target, 'promts');
    const got = (await exemplars(base, 'rpc_total')) as { status: string; data: unknown[] };
    const inst = { instance: target.url, job: 'app' };
    assert.deepEqual(got, {
      status: 'success',
      data: [
        { seriesLabels: { __name__: 'rpc_total', code: '200', ...inst }, exemplars: [{ labels: { span_id: 's1', trace_id: 'ok-1' }, value: '1.5', timestamp: (T0 + 1000) / 1000 }] },
        { seriesLabels: { __name__: 'rpc_total', code: '500', ...inst }, exemplars: [{ labels: { trace_id: 'err' }, value: '0.25', timestamp: (T0 + 500) / 1000 }] },
      ],
    });
    // The exact bytes: value as a string, timestamp as seconds with the milliseconds.
    const raw = (await get(base, '/api/v1/query_exemplars', { query: 'rpc_total{code="500"}' })).text;
    assert.equal(raw, `{"status":"success","data":[{"seriesLabels":{"__name__":"rpc_total","code":"500","instance":"${target.url}","job":"app"},"exemplars":[{"labels":{"trace_id":"err"},"value":"0.25","timestamp":${sec(T0 + 500)}}]}]}`);

    target.phase = 2;
    await scrapedTwice(target, 'promts');
    const before = maskScrapeTimes(await exemplars(base, '{__name__=~".+"}'));
    const d = (before as { data: { exemplars: unknown[] }[] }).data;
    assert.equal(d.length, 5, JSON.stringify(d));
    assert.equal(d.reduce((n, s) => n + s.exemplars.length, 0), 7);
    // A time window selects by exemplar timestamp.
    const win = (await exemplars(base, 'rpc_total', { start: sec(T0 + 1500), end: sec(T0 + 2500) })) as { data: { exemplars: { labels: { trace_id: string } }[] }[] };
    assert.deepEqual(win.data.map((s) => s.exemplars.map((e) => e.labels.trace_id)), [['ok-2']]);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_exemplars_in_storage'), 7);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_series_with_exemplars_in_storage'), 5);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_max_exemplars'), 100000);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_exemplars_appended_total'), 7);
    // No selectors: no data (204), as Prometheus.
    assert.equal((await get(base, '/api/v1/query_exemplars', { query: '1 + 1' })).status, 204);
    assert.equal((await get(base, '/api/v1/query_exemplars', { query: 'rpc_total{' })).status, 400);

    // Restart on the same data dir: the WAL gives them back.
    await promts!.stop();
    await start();
    assert.deepEqual(maskScrapeTimes(await exemplars(base, '{__name__=~".+"}')), before);
    await scrapedTwice(target, 'promts');
    assert.deepEqual(maskScrapeTimes(await exemplars(base, '{__name__=~".+"}')), before, 'rescraping the same exemplars stores no duplicates');

    // Shrinking on reload keeps the newest ones.
    writeFileSync(cfgFile(), config(target.url, 2));
    assert.equal((await fetch(`${base}/-/reload`, { method: 'POST' })).status, 200);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_max_exemplars'), 2);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_exemplars_in_storage'), 2);
    writeFileSync(cfgFile(), config(target.url));
    assert.equal((await fetch(`${base}/-/reload`, { method: 'POST' })).status, 200);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_max_exemplars'), 100000);
    await promts!.stop();
    promts = undefined;
  });

  test('without the feature the endpoint answers an empty list and nothing is kept', async () => {
    await promts?.stop();
    target.phase = 1;
    await start([]);
    await scrapedTwice(target, 'promts');
    assert.equal((await get(base, '/api/v1/query_exemplars', { query: 'rpc_total' })).text, '{"status":"success","data":[]}');
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_max_exemplars'), 0);
    assert.equal(await metric(base, 'prometheus_tsdb_exemplar_exemplars_appended_total'), 0);
    await promts!.stop();
    promts = undefined;
  });
});

describe('exemplars side by side with Debian prometheus 2.42', { skip: prometheus ? false : 'Debian prometheus is not installed' }, () => {
  let target: Target;
  let dir: { path: string; cleanup: () => void };
  const procs: RunningProcess[] = [];
  let pBase = '';
  let tBase = '';

  before(async () => {
    target = await startTarget();
    dir = tempDir();
    const cfg = join(dir.path, 'prometheus.yml');
    writeFileSync(cfg, config(target.url));
    const pPort = await freePort();
    const tPort = await freePort();
    pBase = `http://127.0.0.1:${pPort}`;
    tBase = `http://127.0.0.1:${tPort}`;
    const common = [`--config.file=${cfg}`, '--enable-feature=exemplar-storage', '--web.enable-lifecycle'];
    procs.push(startProcess(prometheus!, [...common, `--storage.tsdb.path=${join(dir.path, 'prom')}`, `--web.listen-address=127.0.0.1:${pPort}`]));
    procs.push(startPromtsServer([...common, `--storage.tsdb.path=${join(dir.path, 'promts')}`, `--web.listen-address=127.0.0.1:${tPort}`]));
    await waitForHttp(`${pBase}/-/ready`, 60_000, procs[0]);
    await waitForHttp(`${tBase}/-/ready`, 60_000, procs[1]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    target.server.close();
    dir.cleanup();
  });

  const both = async (ua: string[]) => {
    for (const u of ua) await scrapedTwice(target, u);
  };

  test('query_exemplars answers the same JSON, before and after a resize on reload', async () => {
    await both(['Prometheus', 'promts']);
    target.phase = 2;
    await both(['Prometheus', 'promts']);
    const compare = async (label: string) => {
      for (const q of QUERIES) {
        for (const extra of [{}, { start: sec(T0 + 1500), end: sec(T0 + 8000) }] as Record<string, string>[]) {
          const p = await get(pBase, '/api/v1/query_exemplars', { query: q, ...extra });
          const t = await get(tBase, '/api/v1/query_exemplars', { query: q, ...extra });
          assert.equal(t.status, p.status, `${label} ${q}`);
          if (p.status === 200) assert.deepEqual(maskScrapeTimes(JSON.parse(t.text)), maskScrapeTimes(JSON.parse(p.text)), `${label} ${q} ${JSON.stringify(extra)}`);
          // Byte for byte where no scrape-assigned timestamp is involved.
          if (q === 'rpc_total' || q === 'later_total') assert.equal(t.text, p.text, `${label} ${q}`);
        }
      }
      for (const q of ['1 + 1', 'rpc_total{', 'time()']) {
        const p = await get(pBase, '/api/v1/query_exemplars', { query: q });
        const t = await get(tBase, '/api/v1/query_exemplars', { query: q });
        assert.equal(t.status, p.status, `${label} ${q}`);
        assert.equal(t.text, p.text, `${label} ${q}`);
      }
      for (const m of ['exemplars_in_storage', 'series_with_exemplars_in_storage', 'max_exemplars', 'exemplars_appended_total', 'out_of_order_exemplars_total']) {
        const name = `prometheus_tsdb_exemplar_${m}`;
        assert.equal(await metric(tBase, name), await metric(pBase, name), `${label} ${name}`);
      }
    };
    await compare('phase 2');
    // The comparison means something only if phase 2 reached Prometheus.
    const count = async () => {
      const d = JSON.parse((await get(pBase, '/api/v1/query_exemplars', { query: '{__name__=~".+"}' })).text) as { data: { exemplars: unknown[] }[] };
      return d.data.reduce((n, x) => n + x.exemplars.length, 0);
    };
    assert.equal(await count(), 7);
    // Shrink with the scrape job gone: the kept exemplars depend only on ingestion order
    // (a still-running scrape would re-add the evicted ones and churn the buffer).
    writeFileSync(join(dir.path, 'prometheus.yml'), config('', 3));
    for (const b of [pBase, tBase]) assert.equal((await fetch(`${b}/-/reload`, { method: 'POST' })).status, 200);
    await new Promise((r) => setTimeout(r, 500));
    await compare('after resize to 3');
    assert.equal(await count(), 3);
  });
});

describe('remote write send_exemplars', () => {
  let target: Target;
  let dir: { path: string; cleanup: () => void };
  const procs: RunningProcess[] = [];

  before(async () => {
    target = await startTarget();
    target.phase = 2;
    dir = tempDir();
  });
  after(async () => {
    for (const p of procs) await p.stop();
    target.server.close();
    dir.cleanup();
  });

  test('exemplars reach a promts receiver (and Debian prometheus 2.42 when installed) as the sender stores them', async () => {
    const receivers: { name: string; base: string }[] = [];
    const rPort = await freePort();
    procs.push(startPromtsServer([`--config.file=${join(dir.path, 'empty.yml')}`, `--storage.tsdb.path=${join(dir.path, 'recv')}`, `--web.listen-address=127.0.0.1:${rPort}`, '--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage']));
    receivers.push({ name: 'promts receiver', base: `http://127.0.0.1:${rPort}` });
    if (prometheus) {
      const pPort = await freePort();
      procs.push(startProcess(prometheus, [`--config.file=${join(dir.path, 'empty.yml')}`, `--storage.tsdb.path=${join(dir.path, 'prom')}`, `--web.listen-address=127.0.0.1:${pPort}`, '--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage']));
      receivers.push({ name: 'prometheus receiver', base: `http://127.0.0.1:${pPort}` });
    }
    writeFileSync(join(dir.path, 'empty.yml'), 'global:\n  scrape_interval: 1m\n');
    for (let i = 0; i < receivers.length; i++) await waitForHttp(`${receivers[i]!.base}/-/ready`, 60_000, procs[i]);
    const rw = receivers.map((r) => [`  - url: ${r.base}/api/v1/write`, '    send_exemplars: true', '    queue_config:', '      batch_send_deadline: 200ms'].join('\n'));
    writeFileSync(join(dir.path, 'sender.yml'), config(target.url) + 'remote_write:\n' + rw.join('\n') + '\n');
    const sPort = await freePort();
    const sBase = `http://127.0.0.1:${sPort}`;
    const sender = startPromtsServer([`--config.file=${join(dir.path, 'sender.yml')}`, `--storage.tsdb.path=${join(dir.path, 'send')}`, `--web.listen-address=127.0.0.1:${sPort}`, '--enable-feature=exemplar-storage']);
    procs.push(sender);
    await waitForHttp(`${sBase}/-/ready`, 60_000, sender);
    await scrapedTwice(target, 'promts');
    const want = await exemplars(sBase, '{__name__=~".+"}');
    assert.equal((want as { data: unknown[] }).data.length, 5);
    for (const r of receivers) {
      await eventually(async () => {
        const got = await exemplars(r.base, '{__name__=~".+"}');
        assert.deepEqual(got, want, r.name);
        return true;
      }, 20_000, 250);
    }
    const sent = [...(await get(sBase, '/metrics')).text.matchAll(/^prometheus_remote_storage_exemplars_total\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(sent, receivers.map(() => 5));
  });
});
