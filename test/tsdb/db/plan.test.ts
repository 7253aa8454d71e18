// Prometheus 2.42's LeveledCompactor.Plan rules, on block metas (cases from tsdb/compact_test.go's TestLeveledCompactor_plan).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockRanges, planCompaction } from '../../../src/tsdb/index.js';
import type { BlockMeta } from '../../../src/tsdb/block/index.js';

const H = 3_600_000;

function m(ulid: string, minTime: number, maxTime: number, extra: { tomb?: number; series?: number; failed?: boolean } = {}): BlockMeta {
  return { ulid, minTime, maxTime, version: 1, stats: { numTombstones: extra.tomb, numSeries: extra.series ?? 100 }, compaction: { level: 1, sources: [ulid], failed: extra.failed } };
}

describe('compaction plan', () => {
  test('ranges are 2h x 3^i up to the max block duration (default 10% of 15d retention = 36h)', () => {
    assert.deepEqual(blockRanges(2 * H, 36 * H), [2 * H, 6 * H, 18 * H]);
    assert.deepEqual(blockRanges(2 * H, 31 * 24 * H).length, 6);
    assert.deepEqual(blockRanges(2 * H, 2 * H), [2 * H]);
  });

  const r = [20, 60, 180, 540, 1620];
  test('the newest block is never merged by range, and a group needs > 1 block', () => {
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 20, 40)], r), []);
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 20, 40), m('C', 40, 60)], r), [], 'the group before the newest block is not full and reaches past its start');
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 20, 40), m('C', 40, 60), m('D', 60, 80)], r), ['A', 'B', 'C']);
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 20, 40), m('D', 60, 80)], r), [], 'the range may still be filled');
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 20, 40), m('D', 60, 80), m('E', 80, 100)], r), ['A', 'B'], 'a range before the newest block is merged with its gap');
  });

  test('a full 60 range of 3 blocks, then the next level', () => {
    const level2 = [m('A', 0, 60), m('B', 60, 120), m('C', 120, 180), m('D', 180, 200)];
    assert.deepEqual(planCompaction(level2, r), ['A', 'B', 'C']);
  });

  test('overlapping blocks come first, whatever their age', () => {
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 19, 40), m('C', 40, 60), m('D', 50, 70), m('E', 80, 100)], r), ['A', 'B']);
    assert.deepEqual(planCompaction([m('A', 0, 20), m('B', 20, 40), m('C', 30, 60), m('D', 50, 70)], r), ['B', 'C', 'D']);
  });

  test('a range holding a block whose compaction failed is skipped', () => {
    const ms = [m('A', 0, 20), m('B', 20, 40), m('C', 40, 60), m('D', 60, 80)];
    assert.deepEqual(planCompaction(ms, r, new Set(['B'])), []);
    assert.deepEqual(planCompaction([ms[0]!, { ...ms[1]!, compaction: { level: 1, failed: true } }, ms[2]!, ms[3]!], r), []);
  });

  test('tombstones: > 5% of series in a big block, or a small block entirely deleted', () => {
    // big = at least ranges[len/2] = 180 wide
    assert.deepEqual(planCompaction([m('A', 0, 540, { tomb: 6, series: 100 }), m('B', 540, 560)], r), ['A']);
    assert.deepEqual(planCompaction([m('A', 0, 540, { tomb: 5, series: 100 }), m('B', 540, 560)], r), []);
    assert.deepEqual(planCompaction([m('A', 0, 20, { tomb: 50, series: 100 }), m('B', 20, 40)], r), []);
    assert.deepEqual(planCompaction([m('A', 0, 20, { tomb: 100, series: 100 }), m('B', 20, 40)], r), ['A']);
  });
});
