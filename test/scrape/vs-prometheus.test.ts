// Side by side with Debian's Prometheus 2.42: both scrape the same fixed exposition with the
// same relabeling; the series Prometheus stores (read back through its /federate endpoint)
// must be exactly the series promts stores, labels and values. The scrape requests must carry
// the same Accept, Accept-Encoding and X-Prometheus-Scrape-Timeout-Seconds headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { debianBinary, eventually, freePort, startProcess, tempDir } from '../helpers/index.js';
import { asDurationMs } from '../../src/model/index.js';
import { ScrapeManager, REPORT_SERIES, SCRAPE_ACCEPT_HEADER } from '../../src/scrape/index.js';
import { Entry, PromParser } from '../../src/textparse/index.js';
import type { ScrapeConfig, RelabelConfig } from '../../src/config/index.js';
import { MemStore } from './memstore.js';

const prometheus = debianBinary('prometheus');

const BODY = `# HELP m_total A counter.
# TYPE m_total counter
m_total{job="exposed",instance="x",a="1"} 1
m_total{exported_job="e",job="j2",a="2"} 2
esc{v="a\\"b\\\\c\\nd",w="plain"} 3
hist_bucket{le="0.5",path="/api/v1"} 5
drop_me 6
rename_me{src="abc"} 7
`;

const rc = (o: Partial<RelabelConfig>): RelabelConfig => ({ source_labels: [], separator: ';', regex: '(.*)', modulus: 0, target_label: '', replacement: '$1', action: 'replace', ...o });
const relabelConfigs = [rc({ source_labels: ['__address__'], regex: '127\\.0\\.0\\.1:(\\d+)', target_label: 'port', replacement: 'p$1' }), rc({ target_label: 'team', replacement: 'infra' })];
const metricRelabel = [
  rc({ source_labels: ['__name__'], regex: 'drop_me', action: 'drop' }),
  rc({ source_labels: ['src'], regex: 'a(.*)', target_label: 'dst', replacement: 'x${1}' }),
  rc({ regex: 'src', action: 'labeldrop' }),
];

/** Only the keys a user would write (Prometheus rejects e.g. an empty source_labels on labeldrop). */
const yamlRelabel = (c: RelabelConfig): Partial<RelabelConfig> => {
  const o: Partial<RelabelConfig> = { action: c.action, regex: c.regex };
  if (c.source_labels.length > 0) o.source_labels = c.source_labels;
  if (c.target_label) o.target_label = c.target_label;
  if (c.replacement !== '$1') o.replacement = c.replacement;
  return o;
};

test('promts stores exactly the series Prometheus 2.42 stores for the same scrape, asking with the same headers', { skip: prometheus ? false : 'Debian prometheus not installed', timeout: 60_000 }, async () => {
  const seen = new Map<string, IncomingHttpHeaders>();
  const srv = createServer((req, res) => {
    seen.set(/^Prometheus\//.test(req.headers['user-agent'] ?? '') ? 'prometheus' : 'promts', req.headers);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(BODY);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const dir = tempDir();
  const web = await freePort();
  const jobs = [
    { job_name: 'plain', honor_labels: false },
    { job_name: 'honor', honor_labels: true },
  ];
  writeFileSync(join(dir.path, 'prometheus.yml'), stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s' },
    scrape_configs: jobs.map((j) => ({ ...j, static_configs: [{ targets: [addr], labels: { env: 'side-by-side' } }], relabel_configs: relabelConfigs.map(yamlRelabel), metric_relabel_configs: metricRelabel.map(yamlRelabel) })),
  }));
  const prom = startProcess(prometheus!, [`--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${web}`]);
  const store = new MemStore();
  const scrape = new ScrapeManager({ appendable: store });
  try {
    await scrape.applyConfig(jobs.map((j) => ({
      ...j, honor_timestamps: true, scrape_interval: asDurationMs(1000), scrape_timeout: asDurationMs(1000), metrics_path: '/metrics', scheme: 'http',
      body_size_limit: 0, sample_limit: 0, target_limit: 0, label_limit: 0, label_name_length_limit: 0, label_value_length_limit: 0,
      relabel_configs: relabelConfigs, metric_relabel_configs: metricRelabel, tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true,
    } as ScrapeConfig)));
    scrape.sync(new Map(jobs.map((j) => [j.job_name, [{ source: '0', targets: [{ __address__: addr }], labels: { env: 'side-by-side' } }]])));
    // Prometheus's series, read back in the exposition format through /federate.
    const theirs = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${web}/federate?match[]=${encodeURIComponent('{env="side-by-side"}')}`);
      if (!r.ok) return undefined;
      const p = new PromParser(Buffer.from(await r.arrayBuffer()));
      const out = new Map<string, number>();
      for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series) out.set(p.labels().key(), p.value);
      return out.size >= 2 * 6 ? out : undefined;
    }, 40_000, 250).catch((e: Error) => {
      throw new Error(`${e.message}\n${prom.output()}`);
    });
    await eventually(async () => store.committed().length >= 2 * 10, 10_000, 100);
    const ours = new Map(store.committed().map((s) => [s.labels.key(), s.lastValue()]));
    const isReport = (k: string): boolean => (REPORT_SERIES as readonly string[]).some((n) => k.startsWith(`{__name__="${n}"`));
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    for (const [k, v] of theirs) if (!isReport(k)) assert.equal(ours.get(k), v, k);
    assert.equal(ours.get([...ours.keys()].find((k) => k.startsWith('{__name__="up"'))!), 1);
    const [a, b] = [seen.get('prometheus')!, seen.get('promts')!];
    for (const h of ['accept', 'accept-encoding', 'x-prometheus-scrape-timeout-seconds']) assert.equal(b[h], a[h], h);
    assert.equal(b['accept'], SCRAPE_ACCEPT_HEADER);
    assert.match(a['user-agent'] ?? '', /^Prometheus\/2\.42/);
    assert.match(b['user-agent'] ?? '', /^promts\/\d+\.\d+\.\d+$/);
  } finally {
    await scrape.stop();
    await prom.stop();
    srv.close();
    dir.cleanup();
  }
});
