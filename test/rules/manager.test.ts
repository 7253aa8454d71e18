// Rule evaluation semantics over MemoryStorage with the real PromQL engine: recording output and
// staleness, alert pending -> firing, ALERTS series, limits, reload and `for`-state restore.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Labels, Matcher, isStaleNaN } from '../../src/model/index.js';
import { Engine } from '../../src/promql/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { AlertingRule, RuleManager, RulesLoadError, evalTimestamp, groupHash } from '../../src/rules/index.js';
import { tempDir } from '../helpers/index.js';

const dir = tempDir('promts-rules-');
after(() => dir.cleanup());

function write(name: string, text: string): string {
  const p = join(dir.path, name);
  writeFileSync(p, text);
  return p;
}

function samples(s: MemoryStorage, name: string): { labels: string; t: number; v: number }[] {
  const q = s.querier(-Infinity, Infinity);
  const set = q.select(true, undefined, new Matcher('=', '__name__', name));
  const out: { labels: string; t: number; v: number }[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) out.push({ labels: set.at().labels.toString(), t: it.t, v: it.v });
  }
  q.close();
  return out;
}

async function put(s: MemoryStorage, labels: Record<string, string>, t: number, v: number): Promise<void> {
  const app = s.appender();
  app.append(0, Labels.fromObject(labels), t, v);
  await app.commit();
}

function manager(s: MemoryStorage, extra: Partial<ConstructorParameters<typeof RuleManager>[0]> = {}): RuleManager {
  return new RuleManager({ appendable: s, queryable: s, engine: new Engine(), externalURL: 'http://prom.example:9090', ...extra });
}

test('recording rules write renamed series with rule labels, and stale markers when a series disappears', async () => {
  const s = new MemoryStorage();
  await put(s, { __name__: 'req', job: 'a' }, 0, 1);
  await put(s, { __name__: 'req', job: 'b' }, 0, 2);
  await put(s, { __name__: 'req', job: 'a' }, 60_000, 3);
  const file = write('rec.yml', 'groups:\n  - name: rec\n    rules:\n      - record: job:req:sum\n        expr: sum by (job) (req)\n        labels:\n          team: x\n');
  const m = manager(s);
  await m.update([file], 60_000);
  await m.stop();
  const g = m.groups()[0]!;
  await g.eval(0);
  // job="b" is older than 5m lookback at t=6m: it disappears and gets a stale marker.
  await g.eval(360_000);
  const got = samples(s, 'job:req:sum');
  const b = got.filter((x) => x.labels.includes('job="b"'));
  assert.deepEqual(b.map((x) => x.t), [0, 360_000]);
  assert.equal(b[0]!.v, 2);
  assert.ok(isStaleNaN(b[1]!.v), 'stale marker written when the series vanished');
  assert.ok(got[0]!.labels.includes('team="x"'));
  assert.equal(m.rules()[0]!.rules[0]!.health, 'ok');
});

test('alerting rules go pending then firing after `for`, write ALERTS and ALERTS_FOR_STATE, and expose the API shapes', async () => {
  const s = new MemoryStorage();
  for (let t = 0; t <= 600_000; t += 60_000) await put(s, { __name__: 'up', job: 'node', instance: 'h:1' }, t, 0);
  const file = write('alert.yml', `groups:
  - name: a
    rules:
      - alert: Down
        expr: up == 0
        for: 2m
        labels:
          severity: '{{ if eq $value 0.0 }}page{{ else }}ticket{{ end }}'
        annotations:
          summary: '{{ $labels.instance }} down'
          broken: '{{ humanize "nope" }}'
`);
  const m = manager(s);
  await m.update([file], 60_000);
  await m.stop();
  const g = m.groups()[0]!;
  const rule = g.rules[0] as AlertingRule;
  rule.restored = true;
  await g.eval(0);
  assert.equal(rule.state(), 'pending');
  await g.eval(60_000);
  assert.equal(rule.state(), 'pending');
  await g.eval(120_000);
  assert.equal(rule.state(), 'firing');
  const alerts = m.alerts();
  assert.equal(alerts.length, 1);
  assert.deepEqual(alerts[0]!.labels, { alertname: 'Down', instance: 'h:1', job: 'node', severity: 'page' });
  assert.equal(alerts[0]!.annotations['summary'], 'h:1 down');
  // A template error names the problem in the annotation and keeps the rule (and group) healthy.
  assert.match(alerts[0]!.annotations['broken']!, /^<error expanding template: error executing template __alert_Down: .*error calling humanize: strconv.ParseFloat: parsing "nope": invalid syntax>$/);
  assert.equal(alerts[0]!.activeAt, '1970-01-01T00:00:00Z');
  const states = samples(s, 'ALERTS').map((x) => `${x.t}:${x.labels.match(/alertstate="(\w+)"/)![1]}:${isStaleNaN(x.v) ? 'stale' : x.v}`);
  // The pending series ends with a stale marker when the alert turns firing, as in Prometheus.
  assert.deepEqual(states.sort(), ['0:pending:1', '60000:pending:1', '120000:pending:stale', '120000:firing:1'].sort());
  const forState = samples(s, 'ALERTS_FOR_STATE');
  assert.deepEqual(forState.map((x) => x.v), [0, 0, 0]);
  const info = m.rules()[0]!.rules[0]!;
  assert.equal(info.type, 'alerting');
  if (info.type === 'alerting') {
    assert.equal(info.duration, 120);
    assert.equal(info.state, 'firing');
    assert.equal(info.query, 'up == 0');
  }
});

test('a group over its limit fails the rule with Prometheus\'s message and keeps evaluating the others', async () => {
  const s = new MemoryStorage();
  await put(s, { __name__: 'x', i: '1' }, 0, 1);
  await put(s, { __name__: 'x', i: '2' }, 0, 1);
  const file = write('limit.yml', 'groups:\n  - name: l\n    limit: 1\n    rules:\n      - record: r1\n        expr: x\n      - record: r2\n        expr: sum(x)\n');
  const m = manager(s);
  await m.update([file], 60_000);
  await m.stop();
  await m.groups()[0]!.eval(0);
  const [r1, r2] = m.rules()[0]!.rules;
  assert.equal(r1!.health, 'err');
  assert.equal(r1!.lastError, 'exceeded limit of 1 with 2 series');
  assert.equal(r2!.health, 'ok');
  assert.equal(m.metrics.values.get('evalFailures')?.get(m.groups()[0]!.key()), 1);
});

test('reload keeps unchanged groups, carries alert state into changed ones, and a bad file keeps the old rules', async () => {
  const s = new MemoryStorage();
  await put(s, { __name__: 'up' }, 0, 0);
  const text = 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m\n';
  const file = write('reload.yml', text);
  const m = manager(s);
  await m.update([file], 60_000);
  await m.stop();
  const g1 = m.groups()[0]!;
  await g1.eval(0);
  await m.update([file], 60_000);
  await m.stop();
  assert.equal(m.groups()[0], g1, 'unchanged group kept as is');
  write('reload.yml', text.replace('for: 5m', 'for: 6m'));
  await m.update([file], 60_000);
  await m.stop();
  const g2 = m.groups()[0]!;
  assert.notEqual(g2, g1);
  assert.equal((g2.rules[0] as AlertingRule).activeAlerts()[0]?.activeAt, 0, 'pending alert carried over');
  write('reload.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n');
  await assert.rejects(m.update([file], 60_000), (e: unknown) => e instanceof RulesLoadError && /could not parse expression/.test(e.errors[0]!.message));
  assert.equal(m.groups()[0], g2, 'old rules still loaded');
  await m.stop();
});

test('`for` state is restored from ALERTS_FOR_STATE after a restart (outage tolerance and grace period)', async () => {
  const s = new MemoryStorage();
  const T = 10_000_000;
  await put(s, { __name__: 'up' }, T - 60_000, 0);
  // Before the restart the alert had been pending since T-40m; the last sample was written at T-10m.
  await put(s, { __name__: 'ALERTS_FOR_STATE', alertname: 'Slow' }, T - 600_000, (T - 2_400_000) / 1000);
  const file = write('restore.yml', 'groups:\n  - name: r\n    rules:\n      - alert: Slow\n        expr: up == 0\n        for: 1h\n');
  const m = manager(s);
  await m.update([file], 60_000);
  await m.stop();
  const g = m.groups()[0]!;
  const rule = g.rules[0] as AlertingRule;
  assert.equal(rule.restored, false, 'first load restores before writing ALERTS');
  await g.eval(T);
  assert.equal(samples(s, 'ALERTS').length, 0);
  m.restoreForState(g, T);
  assert.equal(rule.restored, true);
  // 30m were spent pending; the 10m outage is added on top: activeAt moves to T-30m.
  assert.equal(rule.activeAlerts()[0]!.activeAt, T - 1_800_000);
});

test('groups are evaluated at Prometheus\'s slot: a timestamp congruent to hash(file,name) modulo the interval', async () => {
  const interval = 1000;
  const file = write('slot.yml', 'groups:\n  - name: slot\n    interval: 1s\n    rules:\n      - record: one\n        expr: vector(1)\n');
  const offset = Number(groupHash(file, 'slot') % BigInt(interval * 1e6)) / 1e6;
  const s = new MemoryStorage();
  const m = manager(s);
  await m.update([file], 60_000);
  try {
    const deadline = Date.now() + 5000;
    while (samples(s, 'one').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await m.stop();
  }
  const ts = samples(s, 'one').map((x) => x.t);
  assert.ok(ts.length >= 2, 'evaluated at least twice within 5 s');
  for (const t of ts) assert.equal(((t - Math.trunc(offset)) % interval + interval) % interval, 0, `t=${t} offset=${offset}`);
  assert.equal(ts[1]! - ts[0]!, interval);
  // Slots are computed in nanoseconds and truncated to ms, so ask from just after the slot.
  assert.equal(evalTimestamp(file, 'slot', interval, ts[0]! + 1), ts[0]);
});
