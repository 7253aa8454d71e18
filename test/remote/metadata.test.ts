// metadata_config end to end: `promts server` scrapes a target exposing HELP/TYPE/UNIT and
// remote-writes to a sink that decodes every WriteRequest. Every send_interval the metadata
// of the active targets arrives in metadata-only requests of at most max_samples_per_send
// entries, with Prometheus's MetricMetadata type enum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWriteRequest, decompress, type MetadataEntry } from '../../src/storage/remote/index.js';
import { eventually, freePort, waitForHttp } from '../helpers/index.js';
import { listen } from './prom.js';
import { startPromtsServer, fileScope } from './server.js';

const { procs, servers, dir } = fileScope('promts-e2e-md-');

interface Received {
  samples: number;
  metadata: MetadataEntry[];
  /** MetricMetadata.type as sent on the wire, per family (checked against prompb's enum). */
  rawTypes: Map<string, number>;
}

/** Reads field 1 (type) of each MetricMetadata (field 3) with no help from src/. */
function rawTypes(buf: Buffer, out: Map<string, number>): void {
  const varint = (p: { i: number }): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const c = buf[p.i++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
  };
  const p = { i: 0 };
  while (p.i < buf.length) {
    const tag = varint(p);
    const len = varint(p);
    const end = p.i + len;
    if (tag === 0x1a) {
      let type = 0;
      let family = '';
      while (p.i < end) {
        const t = varint(p);
        if (t === 0x08) type = varint(p);
        else {
          const l = varint(p);
          if (t === 0x12) family = buf.subarray(p.i, p.i + l).toString('utf8');
          p.i += l;
        }
      }
      out.set(family, type);
    }
    p.i = end;
  }
}

test('promts server sends scraped metadata every send_interval, max_samples_per_send per request', { timeout: 90_000 }, async () => {
  const target = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      '# HELP md_requests_total Requests served.\n# TYPE md_requests_total counter\nmd_requests_total 1\n' +
        '# HELP md_temperature_celsius Temperature.\n# TYPE md_temperature_celsius gauge\nmd_temperature_celsius 21\n' +
        '# HELP md_latency_seconds Latency.\n# TYPE md_latency_seconds summary\nmd_latency_seconds_sum 1\nmd_latency_seconds_count 2\n',
    );
  });
  servers.push(target.server);
  const requests: Received[] = [];
  const sink = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = decompress(Buffer.concat(chunks));
    const r: Received = { samples: 0, metadata: [], rawTypes: new Map() };
    decodeWriteRequest(raw, {
      series: (_l, _t, _v, n) => void (r.samples += n),
      metadata: (md) => void r.metadata.push(md),
    });
    rawTypes(raw, r.rawTypes);
    requests.push(r);
    res.writeHead(204).end();
  });
  servers.push(sink.server);
  const cfg = join(dir.path, 'promts.yml');
  writeFileSync(
    cfg,
    `global: {scrape_interval: 1s}
scrape_configs:
  - job_name: md
    static_configs: [{targets: ['127.0.0.1:${target.port}']}]
remote_write:
  - url: http://127.0.0.1:${sink.port}/api/v1/write
    queue_config: {batch_send_deadline: 200ms}
    metadata_config: {send_interval: 1s, max_samples_per_send: 2}
`,
  );
  const port = await freePort();
  const srv = startPromtsServer([`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  procs.push(srv);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, srv);
  // Two rounds of metadata: the ticker keeps sending, not only once.
  await eventually(async () => requests.filter((r) => r.metadata.length > 0).length >= 4, 30_000);
  const md = requests.filter((r) => r.metadata.length > 0);
  for (const r of md) {
    assert.equal(r.samples, 0, 'metadata goes in requests of its own');
    assert.ok(r.metadata.length <= 2, `at most max_samples_per_send entries per request, got ${r.metadata.length}`);
  }
  const families = new Map(md.flatMap((r) => r.metadata).map((m) => [m.family, m]));
  assert.deepEqual(families.get('md_requests_total'), { family: 'md_requests_total', type: 'counter', help: 'Requests served.', unit: '' });
  assert.deepEqual(families.get('md_temperature_celsius'), { family: 'md_temperature_celsius', type: 'gauge', help: 'Temperature.', unit: '' });
  assert.deepEqual(families.get('md_latency_seconds'), { family: 'md_latency_seconds', type: 'summary', help: 'Latency.', unit: '' });
  // prompb.MetricMetadata.MetricType: COUNTER = 1, GAUGE = 2, SUMMARY = 5.
  const wire = new Map(md.flatMap((r) => [...r.rawTypes]));
  assert.equal(wire.get('md_requests_total'), 1);
  assert.equal(wire.get('md_temperature_celsius'), 2);
  assert.equal(wire.get('md_latency_seconds'), 5);
  assert.ok(requests.some((r) => r.samples > 0), 'samples are still sent');
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sent = Number(/^prometheus_remote_storage_metadata_total\{[^}]*\} (\S+)$/m.exec(metrics)?.[1]);
  assert.ok(sent >= 3, `prometheus_remote_storage_metadata_total = ${sent}`);
});
