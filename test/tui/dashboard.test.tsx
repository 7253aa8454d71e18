// The whole dashboard driven by keys, against a fake server answering with real Prometheus
// 2.42 bodies: view switching, the target filter, queries (run, complete, history, cancel),
// help, resize, losing and regaining the server, quitting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { Dashboard } from '../../src/tui/index.js';
import { clientFor, FakeTerminal, FIXTURE_NOW, healthyRoutes, waitForFrame, type Route } from './helpers.js';

const ESC = '\x1b';
const TAB = '\t';
const ENTER = '\r';
const UP = '\x1b[A';

function start(routes: Record<string, unknown | Route> = healthyRoutes(), size: [number, number] = [80, 24], refreshMs = 200) {
  const { api, fetch } = clientFor(routes, 1000);
  const term = new FakeTerminal(size[0], size[1]);
  const app = render(<Dashboard api={api} refreshMs={refreshMs} now={() => FIXTURE_NOW} stdout={term} color={false} />);
  const press = async (...keys: string[]) => {
    await ready;
    for (const k of keys) {
      app.stdin.write(k);
      // ink reads stdin on 'readable'; give it a turn between keys, as a person would.
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const frame = (check: (f: string) => boolean, timeoutMs?: number) => waitForFrame(app.lastFrame, check, timeoutMs);
  // Keys typed before the first frame would reach no handler yet; a person sees the screen first.
  const ready = frame((f) => f.includes('promts  1 Overview'));
  return { app, press, frame, term, fetch };
}

test('number keys and Tab switch views; each view shows its data; ? shows help (q quitting is in e2e.test.ts)', async () => {
  const { app, press, frame } = start();
  try {
    await frame((f) => f.includes('Server       version 2.42.0+ds'));
    await press('2');
    await frame((f) => f.includes('prometheus  1/1 up'));
    await press('3');
    await frame((f) => f.includes('firing   AlwaysFiring'));
    await press(TAB);
    await frame((f) => f.includes('err  record demo:duplicate'));
    await press('6');
    await frame((f) => f.includes('Top series count by metric name'));
    await press('f');
    await frame((f) => /^config\.file +prometheus\.yml$/m.test(f));
    await press('c');
    await frame((f) => /^global:$/m.test(f));
    await press('?');
    await frame((f) => f.includes('quit and restore the terminal'));
    await press('x'); // any key closes help
    await frame((f) => /^global:$/m.test(f));
    const last = app.lastFrame()!;
    assert.equal(last.split('\n').length, 23, 'the frame fills 80×24 minus one row');
    for (const line of last.split('\n')) assert.ok([...line].length <= 80, `line wider than 80: ${line}`);
  } finally {
    app.unmount();
  }
});

test('targets filter: / then typing narrows the list, Enter keeps it, Esc clears it', async () => {
  const { app, press, frame } = start();
  try {
    await press('2');
    await frame((f) => f.includes('prometheus  1/1 up'));
    await press('/', 'refused');
    let f = await frame((x) => x.includes('filter "refused": 1 of 2 targets'));
    assert.match(f, /^filter: refused/m);
    assert.doesNotMatch(f, /prometheus {2}1\/1 up/);
    await press('1'); // typed into the filter, not a view switch
    await frame((x) => x.includes('filter "refused1": 0 of 2 targets'));
    await press('\x7f', ENTER);
    f = await frame((x) => x.includes('filter "refused": 1 of 2 targets') && !x.includes('filter: '));
    await press(ESC);
    await frame((x) => x.includes('prometheus  1/1 up') && x.includes('2 targets'));
  } finally {
    app.unmount();
  }
});

test('query: type, Enter shows the table; ↑ recalls history; Tab completes metric names and label values', async () => {
  const { app, press, frame, fetch } = start();
  try {
    await press('5');
    await frame((f) => f.includes('Type a PromQL expression'));
    await press('up', ENTER);
    await frame((f) => /\[table\] 2 series in \d+ms/.test(f) && /^1 {2}up\{instance="127\.0\.0\.1:\d+", job="prometheus"\}$/m.test(f));
    // Completion: the metric names come from /label/__name__/values (the live fixture).
    await press('\x15', 'backup_si', TAB);
    await frame((f) => f.includes('> backup_size_bytes'));
    await press('{job="ba', TAB);
    await frame((f) => f.includes('backup  batch_nightly'), 2000);
    await press('t', TAB);
    await frame((f) => f.includes('> backup_size_bytes{job="batch_nightly"'));
    assert.ok(fetch.calls.some((c) => c.startsWith('/api/v1/label/job/values')));
    await press('\x15', 'rat', TAB);
    await frame((f) => f.includes('> rate('), 2000);
    await press('\x15', 'prometheus_', TAB);
    await frame((f) => /prometheus_\S+ {2}prometheus_/.test(f) || f.includes('> prometheus_'));
    await press('\x15', UP);
    await frame((f) => /^> up *$/m.test(f));
  } finally {
    app.unmount();
  }
});

test('query: a parse error shows the caret; Ctrl-G draws a braille graph', async () => {
  const { app, press, frame } = start();
  try {
    await press('5');
    await frame((f) => f.includes('Type a PromQL expression'));
    await press('sum(rate(foo[1m]', ENTER);
    const f = await frame((x) => x.includes('error: 1:17: parse error: unclosed left parenthesis'));
    const lines = f.split('\n');
    const i = lines.indexOf('  sum(rate(foo[1m]');
    assert.ok(i > 0, f);
    assert.equal(lines[i + 1], '  ' + ' '.repeat(16) + '^');
    await press('\x15', 'node_load1', ENTER, '\x07');
    await frame((x) => x.includes('[graph, last 1h] 2 series') && /[\u2801-\u28ff]/.test(x) && x.includes('└──'));
  } finally {
    app.unmount();
  }
});

test('query: a slow query shows a spinner, Esc cancels it, the UI keeps answering keys', async () => {
  const routes = healthyRoutes();
  routes['query'] = () => new Promise(() => {}); // never answers
  const { app, press, frame } = start(routes);
  try {
    await press('5');
    await frame((f) => f.includes('Type a PromQL expression'));
    await press('up', ENTER);
    await frame((f) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running \(table\) [\d.]+s: Esc cancels/.test(f));
    await press(ESC);
    await frame((f) => f.includes('[table] cancelled'));
    await press(ESC, '1');
    await frame((f) => f.includes('Server       version'));
  } finally {
    app.unmount();
  }
});

test('server goes away: "disconnected, retrying", stale data kept; it recovers when the server is back', async () => {
  let down = false;
  const routes = healthyRoutes();
  const wrapped: Record<string, unknown | Route> = {};
  for (const [k, v] of Object.entries(routes)) {
    wrapped[k] = (u: URL, s: AbortSignal) => {
      if (down) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9090'), { code: 'ECONNREFUSED' }) });
      return typeof v === 'function' ? (v as Route)(u, s) : v;
    };
  }
  const { app, frame } = start(wrapped);
  try {
    await frame((f) => f.includes('Server       version') && f.includes('● connected'));
    down = true;
    const f = await frame((x) => x.includes('disconnected, retrying every 200ms'));
    assert.match(f, /ECONNREFUSED 127\.0\.0\.1:9090/);
    assert.match(f, /server unreachable/);
    assert.match(f, /Server {7}version 2\.42\.0/, 'the last data stays on screen');
    down = false;
    await frame((x) => x.includes('● connected') && x.includes('overview updated'));
  } finally {
    app.unmount();
  }
});

test('redraws at the new size on resize, and asks for room below 40×8', async () => {
  const { app, frame, term } = start(healthyRoutes(), [80, 24]);
  try {
    await frame((f) => f.includes('Server       version'));
    term.resize(160, 48);
    await frame((f) => f.split('\n').length === 47 && f.includes('promts  1 Overview'));
    term.resize(30, 6);
    await frame((f) => f.includes('needs at least 40×8 (now 30×6)'));
    term.resize(80, 24);
    await frame((f) => f.split('\n').length === 23);
  } finally {
    app.unmount();
  }
});
