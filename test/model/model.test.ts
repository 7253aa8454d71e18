import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, compareStrings, quoteLabelValue } from '../../src/model/index.js';

test('label sets sort by UTF-8 bytes like Prometheus, also for characters above U+FFFF', () => {
  // U+1F680 (rocket, a surrogate pair in UTF-16) sorts after U+FF5E in Go's byte order.
  const rocket = '\u{1F680}';
  const fullwidth = '\uFF5E';
  assert.equal(compareStrings(rocket, fullwidth), 1);
  assert.equal(compareStrings(fullwidth, rocket), -1);
  assert.equal(compareStrings('a', 'ab'), -1);
  assert.equal(compareStrings('b', 'ab'), 1);
  const a = Labels.fromObject({ x: rocket });
  const b = Labels.fromObject({ x: fullwidth });
  assert.deepEqual([a, b].sort(Labels.compare), [b, a]);
});

test('labels are sorted, empty values dropped, later duplicates win', () => {
  const l = Labels.fromPairs([['job', 'a'], ['__name__', 'up'], ['empty', ''], ['job', 'b']]);
  assert.deepEqual(l.kv, ['__name__', 'up', 'job', 'b']);
  assert.equal(l.toString(), '{__name__="up", job="b"}');
});

test('label values are quoted like Go strconv.Quote', () => {
  assert.equal(quoteLabelValue('a"b\\c\nd\te'), '"a\\"b\\\\c\\nd\\te"');
  assert.equal(quoteLabelValue('Zürich'), '"Zürich"');
});

test('durations print like Prometheus: years and weeks only when exact', async () => {
  const { formatDuration, parseDuration } = await import('../../src/model/index.js');
  assert.equal(formatDuration(parseDuration('15d')), '15d');
  assert.equal(formatDuration(parseDuration('14d')), '2w');
  assert.equal(formatDuration(parseDuration('1h30m')), '1h30m');
  assert.equal(formatDuration(parseDuration('365d')), '1y');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1500), '1s500ms');
});
