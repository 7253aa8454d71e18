// The series notation of `load` blocks and promtool's input_series, checked against
// upstream's TestParseSeries table (../shared/conformance/promql/series-desc-cases.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir } from '../helpers/index.js';
import { parseSeriesDesc } from '../../src/promql/index.js';
import { isStaleNaN } from '../../src/model/index.js';

interface Case {
  input: string;
  fail: boolean;
  labels?: Record<string, string>;
  values?: (number | '_')[];
}

test('series descriptions parse as upstream 2.42 parses them', () => {
  const { cases } = JSON.parse(readFileSync(join(conformanceDir, 'promql', 'series-desc-cases.json'), 'utf8')) as { cases: Case[] };
  let pass = 0;
  for (const c of cases) {
    if (c.fail) {
      assert.throws(() => parseSeriesDesc(c.input), Error, c.input);
      pass++;
      continue;
    }
    const d = parseSeriesDesc(c.input);
    assert.deepEqual(d.labels.toObject(), c.labels, c.input);
    assert.deepEqual(Array.from(d.values, (v, i) => (d.present[i] ? v : '_')), c.values, c.input);
    pass++;
  }
  console.log(`promql series descriptions: ${pass}/${cases.length} cases pass`);
});

test('the stale keyword yields the exact staleness-marker NaN', () => {
  const d = parseSeriesDesc('metric 1 stale 2');
  assert.ok(isStaleNaN(d.values[1]!));
  assert.ok(!isStaleNaN(d.values[0]!));
});

test('parseMetric reads promtool exp_samples labels', async () => {
  const { parseMetric } = await import('../../src/promql/index.js');
  assert.deepEqual(parseMetric('up{job="a", instance="b"}').toObject(), { __name__: 'up', instance: 'b', job: 'a' });
  assert.deepEqual(parseMetric('{job="a"}').toObject(), { job: 'a' });
  assert.throws(() => parseMetric('up 1 2'));
  assert.throws(() => parseMetric('up{job=~"a"}'));
});
