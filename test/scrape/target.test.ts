// Target label building as Prometheus 2.42's populateLabels (its TestPopulateLabels cases,
// restated), the scrape URL and target offsets.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, asDurationMs } from '../../src/model/index.js';
import { populateLabels, Target, targetsFromGroup } from '../../src/scrape/index.js';
import type { ScrapeConfig } from '../../src/config/index.js';

const cfg = (o: Partial<ScrapeConfig> = {}): ScrapeConfig => ({
  job_name: 'job', honor_labels: false, honor_timestamps: true, scrape_interval: asDurationMs(1000), scrape_timeout: asDurationMs(1000),
  metrics_path: '/metrics', scheme: 'https', body_size_limit: 0, sample_limit: 0, target_limit: 0, label_limit: 0,
  label_name_length_limit: 0, label_value_length_limit: 0, relabel_configs: [], metric_relabel_configs: [],
  tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: true, ...o,
} as ScrapeConfig);
const pop = (l: Record<string, string>, c = cfg()) => {
  const r = populateLabels(Labels.fromObject(l), c);
  return { labels: r.labels?.toObject() ?? null, discovered: r.discovered.toObject() };
};
const err = (l: Record<string, string>, c = cfg()): string => {
  try {
    populateLabels(Labels.fromObject(l), c);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('populateLabels', () => {
  test('fills job, scheme, path, interval, timeout and instance', () => {
    assert.deepEqual(pop({ __address__: '1.2.3.4:1000', custom: 'value' }).labels, {
      __address__: '1.2.3.4:1000', __metrics_path__: '/metrics', __scheme__: 'https', __scrape_interval__: '1s', __scrape_timeout__: '1s',
      custom: 'value', instance: '1.2.3.4:1000', job: 'job',
    });
  });
  test('labels already set by discovery win over the config', () => {
    const l = pop({ __address__: '1.2.3.4:1000', __scheme__: 'http', __metrics_path__: '/custom', job: 'custom-job', __scrape_interval__: '2s', __scrape_timeout__: '2s' });
    assert.equal(l.labels!['__scheme__'], 'http');
    assert.equal(l.labels!['__metrics_path__'], '/custom');
    assert.equal(l.labels!['job'], 'custom-job');
    assert.equal(l.labels!['__scrape_interval__'], '2s');
  });
  test('a missing port defaults from the scheme', () => {
    assert.equal(pop({ __address__: '1.2.3.4' }).labels!['__address__'], '1.2.3.4:443');
    assert.equal(pop({ __address__: '1.2.3.4' }).labels!['instance'], '1.2.3.4:443');
    assert.equal(pop({ __address__: '1.2.3.4' }, cfg({ scheme: 'http' })).labels!['__address__'], '1.2.3.4:80');
    assert.equal(pop({ __address__: '[::1]' }, cfg({ scheme: 'http' })).labels!['__address__'], '[::1]:80');
  });
  test('meta labels are removed after relabeling; instance is kept when set', () => {
    const l = pop({ __address__: 'h:1', __meta_x: 'y', instance: 'mine' });
    assert.equal(l.labels!['__meta_x'], undefined);
    assert.equal(l.labels!['instance'], 'mine');
    assert.equal(l.discovered['__meta_x'], 'y');
  });
  test('a target dropped by relabeling has no labels but keeps its discovered ones', () => {
    const c = cfg({ relabel_configs: [{ source_labels: ['__address__'], regex: 'drop.*', action: 'drop', separator: ';', modulus: 0, target_label: '', replacement: '$1' }] });
    const r = pop({ __address__: 'drop-me:1' }, c);
    assert.equal(r.labels, null);
    assert.equal(r.discovered['__address__'], 'drop-me:1');
  });
  test('errors use Prometheus wording', () => {
    assert.equal(err({ custom: 'value' }), 'no address');
    assert.equal(err({ __address__: 'h' }, cfg({ scheme: 'ftp' })), 'invalid scheme: "ftp"');
    assert.equal(err({ __address__: 'h:1/x' }), '"h:1/x" is not a valid hostname');
    assert.equal(err({ __address__: 'h:1', __scrape_interval__: '0s' }), 'scrape interval cannot be 0');
    assert.equal(err({ __address__: 'h:1', __scrape_timeout__: '0s' }), 'scrape timeout cannot be 0');
    assert.equal(err({ __address__: 'h:1', __scrape_interval__: '2notseconds' }), 'error parsing scrape interval: not a valid duration string: "2notseconds"');
    assert.equal(err({ __address__: 'h:1', __scrape_timeout__: '2notseconds' }), 'error parsing scrape timeout: not a valid duration string: "2notseconds"');
    assert.equal(err({ __address__: 'h:1', __scrape_timeout__: '2s' }), 'scrape timeout cannot be greater than scrape interval ("2s" > "1s")');
  });
  test('targetsFromGroup merges group labels under target labels and reports failures per instance', () => {
    const r = targetsFromGroup({ source: 'src', targets: [{ __address__: 'a:1', l: 'own' }, { l: 'x' }], labels: { l: 'group', g: 'y' } }, cfg());
    assert.equal(r.active.length, 1);
    assert.equal(r.active[0]!.labels.get('l'), 'own');
    assert.equal(r.active[0]!.labels.get('g'), 'y');
    assert.deepEqual(r.errors, ['instance 1 in group src: no address']);
  });
});

describe('Target', () => {
  test('URL carries config params (which override discovered __param_ labels) and other __param_ labels, sorted and escaped like Go', () => {
    const c = cfg({ scheme: 'http', params: { module: ['if_mib', 'x'], 'a b': ['c d'] } });
    const r = populateLabels(Labels.fromObject({ __address__: 'h:9116', __param_target: '10.0.0.1', __param_module: 'dns' }), c);
    const t = new Target(r.labels!, r.discovered, c.params);
    assert.equal(t.url(), 'http://h:9116/metrics?a+b=c+d&module=if_mib&module=x&target=10.0.0.1');
    assert.deepEqual(t.publicLabels().toObject(), { instance: 'h:9116', job: 'job' });
  });
  test('offsets spread targets within the interval', () => {
    const offs = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const t = new Target(Labels.fromObject({ __address__: `h${i}:1`, __scheme__: 'http', __metrics_path__: '/m' }), Labels.EMPTY);
      const o = t.offset(10_000, 0n, 1_000_000);
      assert.ok(o >= 0 && o <= 10_000);
      offs.add(o);
    }
    assert.ok(offs.size > 15, 'offsets should differ per target');
  });
});
