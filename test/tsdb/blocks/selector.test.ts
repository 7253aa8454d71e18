import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeriesSelector, SelectorParseError } from '../../../src/tsdb/block/index.js';
import { recordedCommands, parseArgs, DATA_DIRS } from './promtool_outputs.js';

const show = (s: string): string[] => parseSeriesSelector(s).map((m) => `${m.name}${m.type}${m.value}`);

test('--match selectors parse like PromQL series selectors', () => {
  assert.deepEqual(show('up'), ['__name__=up']);
  assert.deepEqual(show('up{job="api", instance!~"10\\\\.0.*"}'), ['__name__=up', 'job=api', 'instance!~10\\.0.*']);
  assert.deepEqual(show("{__name__=~'(?s:.*)'}"), ['__name__=~(?s:.*)']);
  assert.deepEqual(show('{a=`raw\\n`, b="tab\\there", c="\\u00fc\\x41",}'), ['a=raw\\n', 'b=tab\there', 'c=üA']);
  assert.deepEqual(show('ns:metric:rate5m { }'), ['__name__=ns:metric:rate5m']);
  // Every selector promtool was given in the fixtures parses.
  for (const d of DATA_DIRS) for (const c of recordedCommands(d)) {
    const m = parseArgs(c.args).flags.get('match');
    if (m) assert.ok(parseSeriesSelector(m).length > 0, m);
  }
});

test('bad selectors fail with the offset of the problem', () => {
  const cases: [string, number][] = [
    ['{job="api"', 11],
    ['{job=api}', 6],
    ['{job~"x"}', 5],
    ['{job=~"(x"}', 7],
    ['up}', 3],
    ['{job="a\\qb"}', 6],
  ];
  for (const [s, col] of cases) {
    assert.throws(
      () => parseSeriesSelector(s),
      (e: unknown) => e instanceof SelectorParseError && e.message.startsWith(`1:${col}: parse error`),
      s,
    );
  }
});
