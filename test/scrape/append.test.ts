// Appending scrape bodies: the cache, target labels and honor_labels, limits, staleness,
// and all-or-nothing failures, checked on an in-memory store.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/index.js';
import { Labels } from '../../src/model/index.js';
import { ScrapeCache, appendScrape, newAppendResult, type AppendOptions, mutateSampleLabels } from '../../src/scrape/index.js';
import { TextParseError } from '../../src/textparse/index.js';
import { MemStore } from './memstore.js';

const target = Labels.fromObject({ job: 'node', instance: 'h:9100' });
const opts = (o: Partial<AppendOptions> = {}): AppendOptions => ({
  targetLabels: target, honorLabels: false, honorTimestamps: true, metricRelabelConfigs: [], sampleLimit: 0,
  limits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 }, ...o,
});

async function scrape(store: MemStore, cache: ScrapeCache, body: string, t: number, o = opts(), ct?: string): Promise<{ r: ReturnType<typeof newAppendResult>; err?: Error }> {
  const app = store.appender();
  const r = newAppendResult();
  try {
    appendScrape(app, cache, Buffer.from(body), ct, t, o, r);
    await app.commit();
    return { r };
  } catch (err) {
    await app.rollback();
    const app2 = store.appender();
    appendScrape(app2, cache, Buffer.alloc(0), undefined, t, o, newAppendResult());
    await app2.commit();
    return { r, err: err as Error };
  }
}

describe('scrape append', () => {
  test('samples get target labels; a steady-state scrape hits the cache for every series', async () => {
    const store = new MemStore();
    const cache = new ScrapeCache();
    const body = readFileSync(join(conformanceDir, 'textparse', 'promtestdata.txt'), 'utf8');
    const first = await scrape(store, cache, body, 1000);
    assert.equal(first.r.total, 410);
    assert.equal(first.r.seriesAdded, 410);
    const lookups = store.lookups;
    const second = await scrape(store, cache, body, 2000);
    assert.equal(second.r.seriesAdded, 0);
    assert.equal(store.lookups, lookups, 'second scrape must reuse series refs from the cache');
    const s = store.one({ __name__: 'go_goroutines' });
    assert.deepEqual(s.labels.toObject(), { __name__: 'go_goroutines', instance: 'h:9100', job: 'node' });
    assert.deepEqual(s.ts, [1000, 2000]);
    // HELP/TYPE are kept per target for the metadata APIs.
    assert.deepEqual(cache.getMetadata('go_goroutines'), { type: 'gauge', help: 'Number of goroutines that currently exist.', unit: '' });
    assert.equal(cache.getMetadata('go_gc_duration_seconds')?.type, 'summary');
  });

  test('series in another order, after a failed scrape, or new ones: each lands on its own series, none duplicated', async () => {
    const store = new MemStore();
    const cache = new ScrapeCache();
    await scrape(store, cache, 'a 1\nb 2\nc 3\n', 1000);
    // Reordered: the positional guess misses and the hash lookup finds each series.
    const re = await scrape(store, cache, 'c 30\na 10\nb 20\n', 2000);
    assert.equal(re.r.seriesAdded, 0);
    const failed = await scrape(store, cache, 'a 1 x\n', 3000); // a parse error: the scrape fails
    assert.ok(failed.err);
    const back = await scrape(store, cache, 'a 100\nd 4\nb 200\nc 300\n', 4000);
    assert.equal(back.r.seriesAdded, 1);
    assert.deepEqual(store.one({ __name__: 'a' }).ts.filter((_, i) => !store.one({ __name__: 'a' }).isStale(i)), [1000, 2000, 4000]);
    assert.equal(store.one({ __name__: 'c' }).value(1), 30);
    assert.equal(store.one({ __name__: 'c' }).lastValue(), 300);
    assert.equal(store.find({ __name__: 'd' }).length, 1);
    assert.equal(store.series.size, 4, 'no series was created twice');
  });

  test('a series that disappears gets a staleness marker at the next scrape time', async () => {
    const store = new MemStore();
    const cache = new ScrapeCache();
    await scrape(store, cache, 'a 1\nb 2\n', 1000);
    await scrape(store, cache, 'a 1\n', 2000);
    const b = store.one({ __name__: 'b' });
    assert.deepEqual(b.ts, [1000, 2000]);
    assert.ok(b.isStale(1));
    assert.equal(store.one({ __name__: 'a' }).value(1), 1);
  });

  test('a parse error stores nothing of the scrape, names the line, and marks the previous series stale', async () => {
    const store = new MemStore();
    const cache = new ScrapeCache();
    await scrape(store, cache, 'a 1\nb 2\n', 1000);
    const { err } = await scrape(store, cache, 'a 3\nc 4\nthis is not valid\n', 2000);
    assert.ok(err instanceof TextParseError);
    assert.equal(err.line, 3);
    assert.equal(store.find({ __name__: 'c' }).length, 0, 'nothing half-stored');
    assert.ok(store.lastIsStale({ __name__: 'b' }));
  });

  test('honor_labels=false moves clashing exposed labels to exported_*, true keeps them', () => {
    const exposed = Labels.fromObject({ __name__: 'm', job: 'pushed', exported_job: 'x', instance: '' });
    assert.deepEqual(mutateSampleLabels(exposed, target, false, [])!.toObject(), { __name__: 'm', job: 'node', instance: 'h:9100', exported_job: 'x', exported_exported_job: 'pushed' });
    assert.deepEqual(mutateSampleLabels(exposed, target, true, [])!.toObject(), { __name__: 'm', job: 'pushed', exported_job: 'x', instance: 'h:9100' });
  });

  test('honor_timestamps decides between the exposed timestamp and the scrape time', async () => {
    for (const honor of [true, false]) {
      const store = new MemStore();
      await scrape(store, new ScrapeCache(), 'a 1 500\n', 1000, opts({ honorTimestamps: honor }));
      assert.deepEqual(store.one({ __name__: 'a' }).ts, [honor ? 500 : 1000]);
    }
  });

  test('sample_limit fails the scrape with Prometheus wording but still counts every sample', async () => {
    const store = new MemStore();
    const { err, r } = await scrape(store, new ScrapeCache(), 'a 1\nb 2\nc 3\n', 1000, opts({ sampleLimit: 2 }));
    assert.equal(err?.message, 'sample limit exceeded');
    assert.equal(r.total, 3);
    assert.equal(store.committed().length, 0);
  });

  test('label limits fail the scrape with the limit named', async () => {
    const cases: [Partial<AppendOptions['limits']>, RegExp][] = [
      [{ labelLimit: 3 }, /^label_limit exceeded \(metric: a, number of labels: 4, limit: 3\)$/],
      [{ labelNameLengthLimit: 5 }, /^label_name_length_limit exceeded \(metric: a, label name: __name__, length: 8, limit: 5\)$/],
      [{ labelValueLengthLimit: 3 }, /^label_value_length_limit exceeded \(metric: a, label name: instance, value: "h:9100", length: 6, limit: 3\)$/],
    ];
    for (const [l, re] of cases) {
      const { err } = await scrape(new MemStore(), new ScrapeCache(), 'a{x="y"} 1\n', 1000, opts({ limits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, ...l } }));
      assert.match(err?.message ?? '', re);
    }
  });

  test('metric_relabel_configs drop series (cached as dropped) and count post-relabel samples', async () => {
    const store = new MemStore();
    const cache = new ScrapeCache();
    const o = opts({ metricRelabelConfigs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop', separator: ';', modulus: 0, target_label: '', replacement: '$1' }] });
    const { r } = await scrape(store, cache, 'go_x 1\ngo_y 2\nkeep 3\n', 1000, o);
    assert.deepEqual([r.total, r.added, r.seriesAdded], [3, 1, 1]);
    const again = await scrape(store, cache, 'go_x 1\ngo_y 2\nkeep 3\n', 2000, o);
    assert.deepEqual([again.r.total, again.r.added], [3, 1]);
    assert.deepEqual(store.committed().map((s) => s.labels.key()), ['{__name__="keep", instance="h:9100", job="node"}']);
  });

  test('OpenMetrics bodies are chosen by content type; exemplars reach the appender', async () => {
    const store = new MemStore();
    await scrape(store, new ScrapeCache(), '# TYPE foo counter\nfoo_total 17.0 1520879607.789 # {xx="yy"} 5\n# EOF\n', 1000, opts(), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.deepEqual(store.one({ __name__: 'foo_total' }).ts, [1520879607789]);
    assert.equal(store.exemplars.length, 1);
    assert.equal(store.exemplars[0]!.exemplar.value, 5);
  });
});
