// Head select without the stall (issue 4/6): select() resolves postings and their label
// order only, series views are made as the set is walked, and the label order is kept between
// queries. Checked here: the order is Go's byte order for any subset, stays right as series
// come and go, a set already handed out is not disturbed by later changes, and iterators read
// the series' chunks directly with the same clipping, seeking and tombstones as before.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Head } from '../../../src/tsdb/head/index.js';
import { compareLabelKv } from '../../../src/tsdb/index/index.js';
import { Labels, Matcher } from '../../../src/model/index.js';

const L = (o: Record<string, string>): Labels => Labels.fromObject(o);

function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
}

/** Label values that sort differently in UTF-16 and UTF-8 (U+FFFD vs an astral character). */
const tricky = ['a', 'b', 'ab', '\uFFFD', '\u{1F600}', 'z', '', 'A', '\u00e9', '\uE000'];

function randomLabels(r: () => number, i: number): Labels {
  const o: Record<string, string> = { __name__: r() < 0.8 ? 'x' : 'y', id: String(i) };
  if (r() < 0.7) o['job'] = tricky[Math.floor(r() * tricky.length)]! || 'j';
  if (r() < 0.5) o['le'] = tricky[Math.floor(r() * tricky.length)]! + String(Math.floor(r() * 5));
  if (r() < 0.3) o['\u{1F600}'] = 'v';
  return L(o);
}

async function fill(head: Head, lsets: Labels[], t0: number, n = 3): Promise<void> {
  for (let s = 0; s < n; s++) {
    const app = head.appender();
    for (const l of lsets) app.append(0, l, t0 + s * 15_000, s);
    await app.commit();
  }
}

function labelsOf(head: Head, mint: number, maxt: number, sort: boolean, ...ms: Matcher[]): string[] {
  const ss = head.querier(mint, maxt).select(sort, undefined, ...ms);
  const out: string[] = [];
  while (ss.next()) out.push(ss.at().labels.toString());
  assert.equal(ss.err(), null);
  return out;
}

function expected(lsets: Labels[], keep: (l: Labels) => boolean): string[] {
  return lsets
    .filter(keep)
    .sort((a, b) => compareLabelKv(a.kv, b.kv))
    .map((l) => l.toString());
}

describe('head select', () => {
  test('sorted selects come out in Go label order for all, dense and sparse subsets', async () => {
    const r = rng(5);
    const head = new Head({ chunkRange: 7_200_000 });
    const lsets = Array.from({ length: 3000 }, (_, i) => randomLabels(r, i));
    await fill(head, lsets, 1000);
    const cases: [Matcher[], (l: Labels) => boolean][] = [
      [[new Matcher('=~', '__name__', '.+')], () => true],
      [[new Matcher('=', '__name__', 'x')], (l) => l.get('__name__') === 'x'],
      [[new Matcher('=', 'job', '\uFFFD')], (l) => l.get('job') === '\uFFFD'],
      [[new Matcher('=~', 'id', '1.*')], (l) => l.get('id').startsWith('1')],
      [[new Matcher('=~', 'id', '12.')], (l) => /^12.$/.test(l.get('id'))],
      [[new Matcher('!=', 'le', '')], (l) => l.get('le') !== ''],
    ];
    for (const [ms, keep] of cases) {
      assert.deepEqual(labelsOf(head, 0, 1e9, true, ...ms), expected(lsets, keep), ms.join(','));
      // Asking again uses the kept order and must give the same answer.
      assert.deepEqual(labelsOf(head, 0, 1e9, true, ...ms), expected(lsets, keep), ms.join(','));
    }
    // Unsorted selects keep ref (creation) order.
    assert.deepEqual(labelsOf(head, 0, 1e9, false, new Matcher('=~', 'id', '7.*')), lsets.filter((l) => l.get('id').startsWith('7')).map((l) => l.toString()));
  });

  test('the order stays right as series are added and removed between queries', async () => {
    const r = rng(6);
    const head = new Head({ chunkRange: 7_200_000 });
    const old = Array.from({ length: 500 }, (_, i) => randomLabels(r, i));
    await fill(head, old, 1000);
    const all = new Matcher('=~', '__name__', '.+');
    assert.deepEqual(labelsOf(head, 0, 1e12, true, all), expected(old, () => true));
    // New series interleave with the old ones in label order.
    const later = Array.from({ length: 300 }, (_, i) => randomLabels(r, 10_000 + i));
    await fill(head, [...old.slice(0, 100), ...later], 3_600_000);
    assert.deepEqual(labelsOf(head, 0, 1e12, true, all), expected([...old, ...later], () => true));
    assert.deepEqual(labelsOf(head, 0, 1e12, true, new Matcher('=', '__name__', 'y')), expected([...old, ...later], (l) => l.get('__name__') === 'y'));
    // Truncation drops the old series that got no new samples.
    head.truncateMemory(3_000_000);
    const live = [...old.slice(0, 100), ...later];
    assert.deepEqual(labelsOf(head, 0, 1e12, true, all), expected(live, () => true));
    // And series added after a removal still find their place.
    const more = Array.from({ length: 50 }, (_, i) => randomLabels(r, 20_000 + i));
    await fill(head, more, 3_700_000);
    assert.deepEqual(labelsOf(head, 0, 1e12, true, all), expected([...live, ...more], () => true));
    assert.deepEqual(labelsOf(head, 0, 1e12, true, new Matcher('=', '__name__', 'x')), expected([...live, ...more], (l) => l.get('__name__') === 'x'));
  });

  test('a series set already handed out is not disturbed by series created or removed later', async () => {
    const r = rng(7);
    const head = new Head({ chunkRange: 7_200_000 });
    const lsets = Array.from({ length: 200 }, (_, i) => randomLabels(r, i));
    await fill(head, lsets, 1000);
    const all = new Matcher('=~', '__name__', '.+');
    const ss = head.querier(0, 1e12).select(true, undefined, all);
    assert.ok(ss.next());
    const first = ss.at().labels.toString();
    await fill(head, Array.from({ length: 100 }, (_, i) => randomLabels(r, 1000 + i)), 100_000, 1);
    labelsOf(head, 0, 1e12, true, all); // rebuilds the kept order
    const rest = [first];
    while (ss.next()) rest.push(ss.at().labels.toString());
    assert.deepEqual(rest, expected(lsets, () => true));
  });

  test('series with no chunk in the range are skipped; label sets are the series own, not copies', async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const a = L({ __name__: 'm', i: 'a' });
    const b = L({ __name__: 'm', i: 'b' });
    let app = head.appender();
    app.append(0, a, 1000, 1);
    await app.commit();
    app = head.appender();
    app.append(0, b, 50_000, 2);
    await app.commit();
    assert.deepEqual(labelsOf(head, 40_000, 60_000, true, new Matcher('=', '__name__', 'm')), ['{__name__="m", i="b"}']);
    const ss = head.querier(0, 60_000).select(true, undefined, new Matcher('=', '__name__', 'm'));
    assert.ok(ss.next());
    assert.equal(ss.at().labels, head.getByLabels(a)!.labels);
  });

  test('iterators walk completed and open chunks, clip, seek forward across chunks and honour tombstones', async () => {
    const head = new Head({ chunkRange: 7_200_000 });
    const l = L({ __name__: 'm' });
    const ts: number[] = [];
    for (let i = 0; i < 700; i++) {
      const app = head.appender();
      const t = 1000 + i * 10_000 + (i % 3);
      app.append(0, l, t, i);
      await app.commit();
      ts.push(t);
    }
    assert.ok(head.getByLabels(l)!.mmCount() >= 3, 'several completed chunks');
    const q = (mint: number, maxt: number) => {
      const ss = head.querier(mint, maxt).select(true, undefined, new Matcher('=', '__name__', 'm'));
      assert.ok(ss.next());
      return ss.at();
    };
    const s = q(ts[100]!, ts[650]!);
    const got: number[] = [];
    const it = s.iterator();
    while (it.next()) got.push(it.t);
    assert.deepEqual(got, ts.slice(100, 651));
    // Seeks to random targets agree with a scan of the clipped list, and never go back.
    const r = rng(8);
    const targets = Array.from({ length: 40 }, () => Math.floor(r() * 7_200_000));
    targets.sort((x, y) => x - y);
    const sit = s.iterator(it);
    let last = -Infinity;
    for (const target of targets) {
      const want = got.find((t) => t >= Math.max(target, last));
      const ok = sit.seek(target);
      assert.equal(ok, want !== undefined, `seek ${target}`);
      if (ok) {
        assert.equal(sit.t, want, `seek ${target}`);
        last = sit.t;
      }
    }
    // Tombstones hide the deleted samples.
    head.addTombstone(head.getByLabels(l)!.ref, ts[200]!, ts[299]!);
    const d: number[] = [];
    const dit = q(ts[100]!, ts[650]!).iterator();
    while (dit.next()) d.push(dit.t);
    assert.deepEqual(d, [...ts.slice(100, 200), ...ts.slice(300, 651)]);
  });
});
