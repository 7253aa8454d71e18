// The pieces behind remote_read in PromQL: which time range each selector needs (as
// Prometheus's getTimeRangesForSelector), and how remote series merge with local ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher } from '../../src/model/index.js';
import { ArraySampleIterator, MemoryStorage, type Series } from '../../src/storage/index.js';
import { parseExpr } from '../../src/promql/index.js';
import { mergedQueryable, selectorRanges } from '../../src/storage/remote/index.js';

const M = 60_000;

test('selector time ranges account for lookback, ranges, offsets, subqueries and @', () => {
  const r = (q: string) => selectorRanges(parseExpr(q), 100 * M, 200 * M, 5 * M).map((s) => [s.mint / M, s.maxt / M]);
  assert.deepEqual(r('up'), [[95, 200]]);
  assert.deepEqual(r('rate(up[10m])'), [[90, 200]]);
  assert.deepEqual(r('up offset 1h'), [[35, 140]]);
  assert.deepEqual(r('max_over_time(rate(up[2m])[30m:1m] offset 10m)'), [[58, 190]]);
  assert.deepEqual(r('up @ 1800'), [[25, 30]]);
  assert.deepEqual(r('up @ end()'), [[195, 200]]);
  assert.deepEqual(r('up + down'), [[95, 200], [95, 200]]);
});

function remoteSeries(labels: Record<string, string>, ts: number[], vs: number[]): Series {
  const l = Labels.fromObject(labels);
  return { labels: l, iterator: () => new ArraySampleIterator(ts, vs) };
}

test('remote series join the local selection; a series on both sides merges, local winning ties', async () => {
  const local = new MemoryStorage();
  const app = local.appender();
  app.append(0, Labels.fromObject({ __name__: 'm', side: 'both' }), 20, 2);
  app.append(0, Labels.fromObject({ __name__: 'm', side: 'both' }), 30, 3);
  app.append(0, Labels.fromObject({ __name__: 'm', side: 'local' }), 10, 1);
  await app.commit();
  const remote = [remoteSeries({ __name__: 'm', side: 'both' }, [10, 20, 40], [10, 20, 40]), remoteSeries({ __name__: 'm', side: 'remote' }, [5], [5]), remoteSeries({ __name__: 'other' }, [1], [1])];
  const q = mergedQueryable(local, remote, ['remote_read http://x: slow']).querier(0, 100);
  const set = q.select(false, undefined, new Matcher('=', '__name__', 'm'));
  const got: string[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const pts: string[] = [];
    while (it.next()) pts.push(`${it.t}:${it.v}`);
    got.push(`${s.labels.get('side')} ${pts.join(' ')}`);
  }
  assert.deepEqual(got, ['both 10:10 20:2 30:3 40:40', 'local 10:1', 'remote 5:5']);
  assert.deepEqual(set.warnings(), ['remote_read http://x: slow']);
  q.close();
});
