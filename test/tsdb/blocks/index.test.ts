import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Matcher } from '../../../src/model/index.js';
import { IndexReader, encodeIndex, intersect, merge, without, compareUtf8, compareLabelKv } from '../../../src/tsdb/index/index.js';
import { blockDirs, postingsForMatchers, readMeta } from '../../../src/tsdb/block/index.js';
import { fixturesDir } from '../../helpers/index.js';

const allBlockDirs = ['blocks', 'live', 'crashed'].flatMap((d) => blockDirs(join(fixturesDir, d)));

describe('postings set operations', () => {
  let seed = 42;
  const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const list = (n: number, max: number): Uint32Array => Uint32Array.from(new Set(Array.from({ length: n }, () => rnd(max)))).sort();
  test('intersect, merge and without agree with plain set logic', () => {
    for (let k = 0; k < 200; k++) {
      const a = list(rnd(300), 1000);
      const b = list(rnd(3000), 1000);
      const c = list(rnd(50), 1000);
      const sb = new Set(b);
      const sc = new Set(c);
      assert.deepEqual([...intersect([a, b, c])], [...a].filter((x) => sb.has(x) && sc.has(x)));
      assert.deepEqual([...merge([a, b, c])], [...new Set([...a, ...b, ...c])].sort((x, y) => x - y));
      assert.deepEqual([...without(a, b)], [...a].filter((x) => !sb.has(x)));
      assert.equal(intersect([a, new Uint32Array(0)]).length, 0);
    }
  });
});

describe('index v2 reader on Prometheus-written blocks', () => {
  test('series count, label names and values agree with meta.json and with each other', () => {
    for (const dir of allBlockDirs) {
      const ix = IndexReader.open(join(dir, 'index'));
      const { meta } = readMeta(join(dir, 'meta.json'));
      const all = ix.allPostings();
      assert.equal(all.length, meta.stats.numSeries, dir);
      let chunks = 0;
      const names = new Set<string>();
      let prev: string[] | undefined;
      for (const id of all) {
        const s = ix.readSeries(id);
        chunks += s.chunks.length;
        for (let i = 0; i < s.labels.kv.length; i += 2) names.add(s.labels.kv[i]!);
        // Series ids ascend in label order.
        if (prev) assert.ok(compareLabelKv(prev, s.labels.kv) < 0, 'series ids ascend in label order');
        prev = [...s.labels.kv];
        for (let i = 1; i < s.chunks.length; i++) assert.ok(s.chunks[i]!.mint > s.chunks[i - 1]!.maxt);
      }
      assert.equal(chunks, meta.stats.numChunks, dir);
      assert.deepEqual(ix.labelNames(), [...names].sort(compareUtf8));
    }
  });

  test('postings for matchers equal a brute-force scan, including regex, negative and empty-matching ones', () => {
    const dir = blockDirs(join(fixturesDir, 'blocks'))[0]!;
    const ix = IndexReader.open(join(dir, 'index'));
    const series = [...ix.allPostings()].map((id) => ({ id, labels: ix.readSeries(id).labels }));
    const cases: Matcher[][] = [
      [new Matcher('=', '__name__', 'up')],
      [new Matcher('=', 'job', 'api'), new Matcher('!=', 'instance', '10.0.0.3:8080')],
      [new Matcher('=~', '__name__', 'http_.*'), new Matcher('!~', 'code', '5..')],
      [new Matcher('=~', '__name__', 'fixture_escapes|temperature_celsius'), new Matcher('!~', 'kind', 'long_.*')],
      [new Matcher('=', 'nonexistent', '')],
      [new Matcher('!=', 'le', '')],
      [new Matcher('=~', 'le', '|0.005')],
      [new Matcher('=~', '__name__', '(?s:.*)')],
      [new Matcher('=', '__name__', 'no_such_metric')],
      [new Matcher('=~', 'location', 'Z.*'), new Matcher('=~', '__name__', '.+')],
      [new Matcher('!~', '__name__', '.*_bucket'), new Matcher('=', 'job', '')],
    ];
    for (const ms of cases) {
      const want = series.filter((s) => ms.every((m) => m.matches(s.labels.get(m.name)))).map((s) => s.id);
      assert.deepEqual([...postingsForMatchers(ix, ms)], want, ms.join(','));
    }
  });

  test('re-encoding a Prometheus index from its own series gives the same bytes', () => {
    // crashed/ is left out: its blocks carry symbols of head series that had no samples in
    // the block's range, which a writer given only the block's series cannot know about.
    for (const dir of ['blocks', 'live'].flatMap((d) => blockDirs(join(fixturesDir, d)))) {
      const ix = IndexReader.open(join(dir, 'index'));
      const series = [...ix.allPostings()].map((id) => {
        const s = ix.readSeries(id);
        return { labels: s.labels, chunks: s.chunks.slice() };
      });
      assert.ok(encodeIndex(series).equals(readFileSync(join(dir, 'index'))), dir);
    }
  });
});
