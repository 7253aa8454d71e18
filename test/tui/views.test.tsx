// Each view, rendered from real Prometheus 2.42 answers at a fixed width: the frame holds the
// rows a user relies on. Colours are off in tests (stdout is not a TTY), so frames are text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import chalk from 'chalk';
import { Box } from 'ink';
import { ThemeContext } from '../../src/tui/theme.js';
import { OverviewView } from '../../src/tui/views/Overview.js';
import { TargetsView } from '../../src/tui/views/Targets.js';
import { AlertsView } from '../../src/tui/views/Alerts.js';
import { RulesView } from '../../src/tui/views/Rules.js';
import { TsdbView } from '../../src/tui/views/Tsdb.js';
import { QueryView } from '../../src/tui/views/Query.js';
import { loadOverview } from '../../src/tui/hooks/useOverview.js';
import type { QueryState } from '../../src/tui/hooks/useQuery.js';
import { parseQueryError } from '../../src/tui/caret.js';
import type { QueryData, RulesData, TargetsData, TsdbStatus, FlagsData, ConfigData } from '../../src/tui/api/index.js';
import { answerFor, clientFor, fixture, FIXTURE_NOW, healthyRoutes } from './helpers.js';

const WIDTH = 80;

/** Renders at a fixed width, like an 80-column terminal. */
function frame(el: ReactElement, width = WIDTH, color = false): string {
  const { lastFrame, unmount } = render(
    <ThemeContext.Provider value={{ color }}>
      <Box flexDirection="column" width={width}>
        {el}
      </Box>
    </ThemeContext.Provider>,
  );
  const f = lastFrame() ?? '';
  unmount();
  return f;
}

const polled = <T,>(data: T) => ({ data, updatedAt: FIXTURE_NOW - 2000, loading: false });
const dataOf = <T,>(body: unknown) => (body as { data: T }).data;

test('Overview shows version, uptime, config, retention, head series, ingestion sparkline, targets and alerts', async () => {
  const { api } = clientFor(healthyRoutes());
  const r = await loadOverview(api, new AbortController().signal, FIXTURE_NOW);
  assert.ok(r.ok);
  const f = frame(<OverviewView polled={polled(r.data)} nowMs={FIXTURE_NOW} width={WIDTH} height={20} />);
  assert.match(f, /overview updated 2s ago/);
  assert.match(f, /Server +version 2\.42\.0\+ds \(revision 2\.42\.0\+ds-5\+deb12u1, go1\.19\.8\)/);
  assert.match(f, /Uptime +20s \(started 2026-11-25 02:56:26 UTC\)/);
  assert.match(f, /Config +loaded/);
  assert.match(f, /Retention +15d/);
  assert.match(f, /Head +1,586 series, 2,546 chunks, 712 label pairs/);
  // The ramp 100..160 samples/s ends at 160 and draws rising bars.
  assert.match(f, /Ingestion +160 samples\/s [▁▂▃▄▅▆▇█]{10,}/);
  assert.match(f, /Targets +1 up, 1 down in 2 scrape pools/);
  assert.match(f, /Alerts +1 firing, 1 pending/);
  assert.doesNotMatch(f, /WAL replay|Remote write/, 'replay done and no remote write: those rows stay hidden');
  for (const line of f.split('\n')) assert.ok([...line].length <= WIDTH, `line wider than ${WIDTH}: ${line}`);
});

test('Overview shows WAL replay progress and "not ready" while the server starts', () => {
  const f = frame(<OverviewView polled={polled({ wal: { min: 1, max: 6, current: 3 }, notReady: true })} nowMs={FIXTURE_NOW} width={WIDTH} height={10} />);
  assert.match(f, /Status +starting: not ready yet/);
  assert.match(f, /WAL replay +█+░+ segment 3 of 1\.\.6/);
});

test('Overview lists remote-write lag per queue when the metrics exist', () => {
  const f = frame(<OverviewView polled={polled({ remoteWrite: [{ queue: 'a1b2c3', url: 'http://127.0.0.1:9201/write', lagSeconds: 2.5 }], notReady: false })} nowMs={FIXTURE_NOW} width={WIDTH} height={10} />);
  assert.match(f, /Remote write +a1b2c3 lag 2\.5s \(http:\/\/127\.0\.0\.1:9201\/write\)/);
});

test('Targets are grouped by scrape pool with health, URL, last scrape, duration, labels and the last error', () => {
  const data = dataOf<TargetsData>(fixture('targets'));
  const f = frame(<TargetsView polled={polled(data)} nowMs={FIXTURE_NOW} width={WIDTH} height={20} filter="" />);
  assert.match(f, /2 targets/);
  assert.match(f, /^down {2}0\/1 up$/m);
  assert.match(f, /^ {2}down {2}http:\/\/127\.0\.0\.1:1\/metrics +\d+s ago +490µs$/m);
  assert.match(f, /env="demo" instance="127\.0\.0\.1:1" job="down"/);
  assert.match(f, /error: Get "http:\/\/127\.0\.0\.1:1\/metrics": dial tcp 127\.0\.0\.1:1: connect:/);
  assert.match(f, /^prometheus {2}1\/1 up$/m);
  assert.match(f, /^ {2}up {4}http:\/\/127\.0\.0\.1:\d+\/metrics +\d+s ago +6\.41ms$/m);
});

test('Targets filter keeps matching targets only and says how many', () => {
  const data = dataOf<TargetsData>(fixture('targets'));
  const f = frame(<TargetsView polled={polled(data)} nowMs={FIXTURE_NOW} width={WIDTH} height={20} filter="refused" editing={{ text: 'refused', cursor: 7 }} />);
  assert.match(f, /filter "refused": 1 of 2 targets/);
  assert.match(f, /^filter: refused/m);
  assert.match(f, /down {2}0\/1 up/);
  assert.doesNotMatch(f, /prometheus {2}1\/1 up/);
});

test('Alerts lists firing before pending before inactive, with labels, annotations and active-since', () => {
  const rules = dataOf<RulesData>(fixture('rules'));
  const f = frame(<AlertsView polled={polled(rules)} nowMs={FIXTURE_NOW} height={20} />);
  assert.match(f, /1 firing, 1 pending, 1 inactive/);
  const firing = f.indexOf('firing   AlwaysFiring');
  const pending = f.indexOf('pending  TargetDown (1 active, for 10m)');
  const inactive = f.indexOf('inactive NeverFires (0 active)');
  assert.ok(firing >= 0 && pending > firing && inactive > pending, f);
  assert.match(f, /firing {2}severity="page" {2}since 19s ago {2}value 1/);
  assert.match(f, /summary: Always firing, for the dashboard demo\./);
  assert.match(f, /pending env="demo" instance="127\.0\.0\.1:1" job="down" severity="warning"/);
  assert.match(f, /summary: 127\.0\.0\.1:1 of down is down/);
});

test('Rules shows groups with last evaluation, and rule health with the last error', () => {
  const rules = dataOf<RulesData>(fixture('rules'));
  const f = frame(<RulesView polled={polled(rules)} nowMs={FIXTURE_NOW} width={WIDTH} height={20} />);
  assert.match(f, /2 groups, 5 rules, 1 with errors/);
  assert.match(f, /^demo-alerts {2}every 1s {2}evaluated \d+s ago in [\d.]+(ms|µs) {2}rules\.yml$/m);
  assert.match(f, /^ {2}ok {3}alert {2}AlwaysFiring +vector\(1\)/m);
  assert.match(f, /^ {2}ok {3}record job:up:sum +sum by \(job\) \(up\)/m);
  assert.match(f, /^ {2}err {2}record demo:duplicate +up \* on \(\) up/m);
  assert.match(f, /error: found duplicate series for the match group/);
});

test('TSDB status shows head stats and the top lists from status/tsdb (live fixture answer)', () => {
  const tsdb = dataOf<TsdbStatus>(answerFor('live', '/api/v1/status/tsdb'));
  const data = { tsdb, flags: dataOf<FlagsData>(fixture('status_flags')), config: dataOf<ConfigData>(fixture('status_config')) };
  const f = frame(<TsdbView polled={polled(data)} page="stats" nowMs={FIXTURE_NOW} width={WIDTH} height={70} />);
  assert.match(f, /Head 960 series, 1,920 chunks, 696 label pairs/);
  assert.match(f, /Top series count by metric name/);
  const top = tsdb.seriesCountByMetricName![0]!;
  assert.match(f, new RegExp(`^  ${top.name} +${top.value}$`, 'm'));
  assert.match(f, /Top label value count by label name/);
  assert.match(f, /Top series count by label-value pair/);
  const flags = frame(<TsdbView polled={polled(data)} page="flags" nowMs={FIXTURE_NOW} width={WIDTH} height={40} />);
  assert.match(flags, /^storage\.tsdb\.path +data$/m);
  const config = frame(<TsdbView polled={polled(data)} page="config" nowMs={FIXTURE_NOW} width={WIDTH} height={40} />);
  assert.match(config, /^global:$/m);
  assert.match(config, /^ {2}scrape_interval: 1s$/m);
});

function queryState(over: Partial<QueryState>): QueryState {
  return { line: { text: '', cursor: 0 }, editing: true, mode: 'table', rangeS: 3600, choices: [], cancelled: false, ...over };
}

test('Query shows an instant vector as a table of values and series', () => {
  const data = answerFor('live', '/api/v1/query', 'up') as { data: QueryData };
  const f = frame(<QueryView state={queryState({ line: { text: 'up', cursor: 2 }, result: { query: 'up', mode: 'table', data: data.data, tookMs: 12 } })} nowMs={FIXTURE_NOW} width={WIDTH} height={20} />);
  assert.match(f, /^> up/m);
  assert.match(f, /\[table\] \d+ series in 12ms/);
  assert.match(f, /^1 {2}up\{env="fixture", instance="127\.0\.0\.1:39100", job="node", region="eu-zü/m);
  assert.match(f, /^1 {2}up\{instance="127\.0\.0\.1:39090", job="prometheus"\}$/m);
});

test('Query shows a parse error with a caret under the position the server reported', () => {
  const err = (fixture('query_parse_error') as { error: string }).error;
  const q = 'sum(rate(foo[1m]';
  const f = frame(<QueryView state={queryState({ line: { text: q, cursor: q.length }, failure: { query: q, kind: 'api', error: parseQueryError(err) } })} nowMs={FIXTURE_NOW} width={WIDTH} height={20} />);
  assert.match(f, /error: 1:17: parse error: unclosed left parenthesis/);
  const lines = f.split('\n');
  const qi = lines.findIndex((l) => l === '  ' + q);
  assert.ok(qi > 0, f);
  assert.equal(lines[qi + 1], '  ' + ' '.repeat(16) + '^');
});

test('Query draws a range result as a braille chart with axes and a legend', () => {
  const body = answerFor('live', '/api/v1/query_range', 'node_load1') as { data: QueryData };
  const start = 1795573272.736;
  const end = 1795573630.508;
  const f = frame(
    <QueryView state={queryState({ mode: 'graph', line: { text: 'node_load1', cursor: 10 }, result: { query: 'node_load1', mode: 'graph', data: body.data, tookMs: 5, start, end, step: 5 } })} nowMs={FIXTURE_NOW} width={WIDTH} height={20} />,
  );
  assert.match(f, /\[graph, last 1h\] 2 series/);
  assert.match(f, /[\u2801-\u28ff]/, 'braille dots drawn');
  assert.match(f, /^ *[\d.]+ ┤/m, 'y axis with labels');
  assert.match(f, /└─{20,}/, 'x axis');
  assert.match(f, /02:21:12 .* 02:27:10 UTC/, 'time labels at both edges');
  assert.match(f, /^1\. node_load1\{env="fixture", instance="127\.0\.0\.1:39100", job="node"/m, 'legend, numbered without colour');
  assert.match(f, /^2\. node_load1\{host="127\.0\.0\.1"/m);
});

test('NO_COLOR: with colour off the frame carries no colour codes, with it on it does', () => {
  const data = dataOf<TargetsData>(fixture('targets'));
  // Chalk is off in tests (stdout is not a TTY); turn it on so only the theme can remove colour.
  const level = chalk.level;
  chalk.level = 1;
  try {
    const on = frame(<TargetsView polled={polled(data)} nowMs={FIXTURE_NOW} width={WIDTH} height={20} filter="" />, WIDTH, true);
    const off = frame(<TargetsView polled={polled(data)} nowMs={FIXTURE_NOW} width={WIDTH} height={20} filter="" />, WIDTH, false);
    assert.match(on, /\x1b\[3[1-7]m/);
    assert.doesNotMatch(off, /\x1b\[3[0-9]m/);
    assert.match(off, /\x1b\[1m/, 'bold stays: it carries meaning without colour');
  } finally {
    chalk.level = level;
  }
});
