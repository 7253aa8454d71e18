// Opening real Prometheus 2.42 data dirs: the head after replay matches what Prometheus
// reported for the same dirs (recovery/*.json, the live /api/v1/status/tsdb answer), the torn
// WAL is repaired like Prometheus does (same log lines, exactly the torn record lost), and
// queries over blocks + head give the answers Prometheus's HTTP API gave.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, fixturesDir, runCommand, copyFixture } from '../../helpers/index.js';
import { openDB, openSegmentsReader, type DB } from '../../../src/tsdb/index.js';
import { createLogger } from '../../../src/log/index.js';
import { Matcher } from '../../../src/model/index.js';
import { instantSelect, rangeSelect } from './promql-lite.js';

interface ApiAnswer {
  endpoint: string;
  query?: string;
  params: Record<string, string>;
  response: { status: string; data: unknown };
}
const liveAnswers = readFileSync(join(fixturesDir, 'promtool-outputs', 'http-api', 'live', 'api-answers.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as ApiAnswer);
const recovery = (name: string): { head_stats: Record<string, number>; queries: { query: string; time: string; body: { data: { result: { metric: Record<string, string>; value: [number, string] }[] } } }[] } =>
  JSON.parse(readFileSync(join(fixturesDir, 'recovery', `${name}.json`), 'utf8'));

/** The flags the fixture servers ran with (runs/: 1 m min and 3 m max block duration). */
async function open(dir: string, compress: boolean, lines: string[] = []): Promise<DB> {
  const logger = createLogger({ level: 'info', write: (l) => lines.push(l) });
  const replayProgress = { min: 0, max: 0, current: 0, done: true };
  const p = openDB(dir, { minBlockDuration: 60_000, maxBlockDuration: 180_000, walCompression: compress, backgroundCompaction: false, replayProgress }, logger);
  // /-/ready and /api/v1/status/walreplay read this while the replay runs.
  assert.equal(replayProgress.done, false, 'not ready while replaying');
  const db = await p;
  assert.equal(replayProgress.done, true);
  return db;
}

function headStats(db: DB): Record<string, number> {
  const c = db.headCardinality();
  return { numSeries: c.numSeries, numLabelPairs: c.numLabelPairs, chunkCount: c.chunkCount, minTime: c.minTime, maxTime: c.maxTime };
}

describe('crashed/ and crashed-torn/ (SIGKILLed Prometheus)', () => {
  for (const name of ['crashed', 'crashed-torn']) {
    test(`${name}: the replayed head has the stats Prometheus reported after its restart, and the same query answers`, async () => {
      const d = copyFixture(name);
      try {
        const db = await open(d.path, false);
        const rec = recovery(name);
        assert.deepEqual(headStats(db), rec.head_stats);
        assert.equal(db.ready(), true);
        // Replay progress covers the segments Prometheus's log names (it creates the last one).
        const log = readFileSync(join(fixturesDir, 'recovery', `${name}.log`), 'utf8');
        const segs = [...log.matchAll(/WAL segment loaded" segment=(\d+) maxSegment=(\d+)/g)];
        assert.equal(db.replayProgress.min, Number(segs[0]![1]));
        assert.equal(db.replayProgress.max, Number(segs[0]![2]));
        const t = rec.head_stats.maxTime!;
        const all = instantSelect(db, t, new Matcher('=~', '__name__', '.+'));
        const up = instantSelect(db, t, new Matcher('=', '__name__', 'up'));
        const byJob = new Map<string, number>();
        for (const k of up.keys()) {
          const job = (JSON.parse(k) as Record<string, string>).job!;
          byJob.set(job, (byJob.get(job) ?? 0) + 1);
        }
        for (const q of rec.queries) {
          if (q.query === 'count({__name__=~".+"})') assert.equal(String(all.size), q.body.data.result[0]!.value[1]);
          if (q.query === 'count by (job) (up)') {
            assert.deepEqual(Object.fromEntries([...byJob].map(([k, v]) => [k, String(v)])), Object.fromEntries(q.body.data.result.map((r) => [r.metric.job, r.value[1]])));
          }
        }
        await db.close();
      } finally {
        d.cleanup();
      }
    });
  }

  test('crashed-torn: the WAL is repaired as Prometheus does it, losing exactly the torn record', async () => {
    const d = copyFixture('crashed-torn');
    try {
      const lines: string[] = [];
      const db = await open(d.path, false, lines);
      const torn = JSON.parse(readFileSync(join(fixturesDir, 'runs', 'crashed-torn.json'), 'utf8')) as { last_fragment: { samples: unknown[] } };
      const crashedDir = copyFixture('crashed');
      const crashed = await open(crashedDir.path, false);
      const count = (x: DB): number => {
        let n = 0;
        const ss = x.head.querier(-Infinity, Infinity).select(false, undefined);
        while (ss.next()) for (const it = ss.at().iterator(); it.next(); ) n++;
        return n;
      };
      assert.equal(count(crashed) - count(db), torn.last_fragment.samples.length);
      await crashed.close();
      crashedDir.cleanup();
      // Prometheus's lines: the warning with the reader's error, then the repair steps.
      const theirs = readFileSync(join(fixturesDir, 'recovery', 'crashed-torn.notable.log'), 'utf8');
      const strip = (l: string): string => l.replace(/^.*?msg=/, 'msg=').replace(/\S+\/wal\//g, 'DIR/wal/');
      for (const msg of ['Encountered WAL read error, attempting repair', 'Starting corruption repair', 'Deleting all segments newer than corrupted segment', 'Rewrite corrupted segment']) {
        const want = theirs.split('\n').find((l) => l.includes(msg))!;
        const got = lines.find((l) => l.includes(msg));
        assert.ok(got, `logged "${msg}"`);
        assert.equal(strip(got), strip(want));
        assert.match(got, /level=warn/);
      }
      await db.close();
      // The repaired WAL reads cleanly and a restart does not repair again.
      const r = openSegmentsReader(join(d.path, 'wal'));
      while (r.next());
      assert.equal(r.err(), null);
      // Prometheus's own reader agrees: promtool dump, which fails on the torn WAL (exit 1,
      // promtool-outputs/crashed-torn), now succeeds and prints crashed/'s dump minus the
      // samples of the torn record (all at its timestamp).
      const promtool = debianBinary('promtool');
      if (promtool) {
        const name = 'dump.min-1795573540000.max-1795573570000.match-pushgateway-and-alerts';
        const tsv = readFileSync(join(fixturesDir, 'promtool-outputs', 'crashed', 'commands.tsv'), 'utf8');
        const cmd = tsv.split('\n').find((l) => l.startsWith(name + '\t'))!.split('\t')[2]!.split(' ');
        const args = cmd.slice(1, -1);
        const res = await runCommand(promtool, [...args, d.path], { timeoutMs: 60_000 });
        assert.equal(res.code, 0, res.stderr);
        const tornT = String((torn.last_fragment.samples[0] as { t: number }).t);
        const want = readFileSync(join(fixturesDir, 'promtool-outputs', 'crashed', `${name}.txt`), 'utf8').split('\n').filter((l) => l !== '' && !l.endsWith(' ' + tornT));
        assert.deepEqual(res.stdout.split('\n').filter((l) => l !== ''), want);
      }
      const lines2: string[] = [];
      const again = await open(d.path, false, lines2);
      assert.ok(!lines2.some((l) => l.includes('repair')));
      assert.equal(again.headStats().maxTime, 1795573569573);
      await again.close();
    } finally {
      d.cleanup();
    }
  });
});

describe('live/ (cleanly stopped Prometheus)', () => {
  test('head stats and cardinality match /api/v1/status/tsdb', async () => {
    const d = copyFixture('live');
    try {
      const db = await open(d.path, true);
      const ans = liveAnswers.find((a) => a.endpoint === '/api/v1/status/tsdb')!.response.data as Record<string, { name: string; value: number }[]> & { headStats: Record<string, number> };
      assert.deepEqual(headStats(db), ans.headStats);
      const ours = db.headCardinality(10);
      // Ties come in random order in Prometheus (map iteration): compare counts, then names by count.
      for (const key of ['seriesCountByMetricName', 'labelValueCountByLabelName', 'memoryInBytesByLabelName', 'seriesCountByLabelValuePair'] as const) {
        assert.deepEqual(ours[key].map((s) => s.value), ans[key]!.map((s) => s.value), key);
        const theirs = new Map(ans[key]!.map((s) => [s.name, s.value]));
        const lowest = ans[key]![ans[key]!.length - 1]!.value;
        for (const s of ours[key]) if (s.value > lowest) assert.equal(theirs.get(s.name), s.value, `${key} ${s.name}`);
      }
      await db.close();
    } finally {
      d.cleanup();
    }
  });

  test('instant and range selections over blocks + head equal the HTTP API answers (incl. staleness)', async () => {
    const d = copyFixture('live');
    try {
      const db = await open(d.path, true);
      let checked = 0;
      for (const a of liveAnswers) {
        const sel = a.query === undefined ? undefined : /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(a.query) ? a.query : undefined;
        if (!sel) continue;
        const m = new Matcher('=', '__name__', sel);
        if (a.endpoint === '/api/v1/query') {
          const t = Math.round(Number(a.params.time) * 1000);
          const want = (a.response.data as { result: { metric: Record<string, string>; value: [number, string] }[] }).result;
          const got = instantSelect(db, t, m);
          assert.deepEqual(new Map(want.map((r) => [JSON.stringify(sortObj(r.metric)), r.value[1]])), got, `${sel} @ ${t}`);
          checked++;
        } else if (a.endpoint === '/api/v1/query_range') {
          const start = Math.round(Number(a.params.start) * 1000);
          const end = Math.round(Number(a.params.end) * 1000);
          const step = Number(a.params.step) * 1000;
          const want = (a.response.data as { result: { metric: Record<string, string>; values: [number, string][] }[] }).result;
          const got = rangeSelect(db, start, end, step, m);
          assert.deepEqual(got, new Map(want.map((r) => [JSON.stringify(sortObj(r.metric)), r.values.map(([t, v]) => [Math.round(t * 1000), v] as [number, string])])), `${sel} range`);
          checked++;
        }
      }
      assert.ok(checked >= 8, `compared ${checked} answers`);
      // /api/v1/series {job="pushgateway"} and /api/v1/label/__name__/values over the whole range.
      const q = db.querier(-Infinity, Infinity);
      const seriesAns = liveAnswers.find((a) => a.endpoint === '/api/v1/series')!.response.data as Record<string, string>[];
      const ss = q.select(true, undefined, new Matcher('=', 'job', 'pushgateway'));
      const got: string[] = [];
      while (ss.next()) got.push(JSON.stringify(ss.at().labels.toObject()));
      assert.deepEqual(got, seriesAns.map((s) => JSON.stringify(sortObj(s))));
      const names = liveAnswers.find((a) => a.endpoint === '/api/v1/label/__name__/values')!.response.data as string[];
      assert.deepEqual(q.labelValues('__name__'), names);
      await db.close();
    } finally {
      d.cleanup();
    }
  });
});

function sortObj(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))));
}
