// End to end against Debian's real Alertmanager: an alert fired by the rule manager (real PromQL
// engine over MemoryStorage) shows up in Alertmanager with its labels and annotations, and is
// resolved there once the condition clears. An unreachable Alertmanager never blocks rules.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Labels } from '../../src/model/index.js';
import { Engine } from '../../src/promql/index.js';
import { MemoryStorage } from '../../src/storage/index.js';
import { RuleManager } from '../../src/rules/index.js';
import { Notifier, type NotifierAlert } from '../../src/notifier/index.js';
import type { AlertmanagerConfig } from '../../src/config/index.js';
import { debianBinary, eventually, freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../helpers/index.js';

const amBin = debianBinary('prometheus-alertmanager');
let am: RunningProcess | undefined;
let amPort = 0;
const dir = tempDir('promts-notifier-');

before(async () => {
  if (!amBin) return;
  amPort = await freePort();
  const cfg = join(dir.path, 'am.yml');
  writeFileSync(cfg, 'route:\n  receiver: blackhole\n  group_wait: 1s\nreceivers:\n  - name: blackhole\n');
  am = startProcess(amBin, [`--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', `--storage.path=${join(dir.path, 'am-data')}`, `--config.file=${cfg}`]);
  await waitForHttp(`http://127.0.0.1:${amPort}/-/ready`, 30_000, am);
});

after(async () => {
  await am?.stop();
  dir.cleanup();
});

function amConfig(overrides: Partial<AlertmanagerConfig> = {}): AlertmanagerConfig {
  return { scheme: 'http', path_prefix: '/', timeout: 2000, api_version: 'v2', relabel_configs: [], tls_config: { insecure_skip_verify: false }, follow_redirects: true, enable_http2: false, ...overrides } as AlertmanagerConfig;
}

const RULES = `groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: InstanceDown
        expr: up == 0
        labels:
          severity: page
        annotations:
          summary: 'Instance {{ $labels.instance }} of {{ $labels.job }} is down (value {{ $value }})'
`;

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  endsAt: string;
}

test('a firing alert reaches the real Alertmanager with its labels and annotations and is resolved after the condition clears', { timeout: 55_000, skip: amBin ? false : 'Debian prometheus-alertmanager is not installed' }, async () => {
  const storage = new MemoryStorage();
  const notifier = new Notifier({ queueCapacity: 100 });
  await notifier.applyConfig({ alerting: { alertmanagers: [amConfig()], alert_relabel_configs: [] }, global: { external_labels: { cluster: 'e2e' } } as never });
  notifier.setTargets('config-0', [{ source: 'static', targets: [{ __address__: `127.0.0.1:${amPort}` }], labels: {} }]);
  assert.deepEqual(notifier.alertmanagers().activeAlertmanagers, [{ url: `http://127.0.0.1:${amPort}/api/v2/alerts` }]);

  const rulesFile = join(dir.path, 'rules.yml');
  writeFileSync(rulesFile, RULES);
  const manager = new RuleManager({ appendable: storage, queryable: storage, engine: new Engine(), externalURL: 'http://promts.example:9090', notify: (a) => notifier.send(a), resendDelay: 60_000 });
  const series = Labels.fromObject({ __name__: 'up', instance: 'db:9100', job: 'node' });
  let upValue = 0;
  const writer = setInterval(() => {
    const app = storage.appender();
    app.append(0, series, Date.now(), upValue);
    void app.commit();
  }, 200);
  try {
    await manager.update([rulesFile], 1000);
    const fired = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`);
      const list = (await r.json()) as AmAlert[];
      return list.find((a) => a.labels['alertname'] === 'InstanceDown');
    }, 20_000);
    assert.deepEqual(fired.labels, { alertname: 'InstanceDown', cluster: 'e2e', instance: 'db:9100', job: 'node', severity: 'page' });
    assert.deepEqual(fired.annotations, { summary: 'Instance db:9100 of node is down (value 0)' });
    assert.equal(fired.status.state, 'active');
    // The HTTP API shapes agree.
    const alerts = manager.alerts();
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.state, 'firing');
    assert.equal(alerts[0]!.value, '0e+00');
    const groups = manager.rules();
    assert.equal(groups[0]!.rules[0]!.health, 'ok');
    assert.equal(groups[0]!.interval, 1);

    upValue = 1;
    await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`);
      const list = (await r.json()) as AmAlert[];
      return !list.some((a) => a.labels['alertname'] === 'InstanceDown');
    }, 20_000);
    // endsAt of the firing notification lies 4 minutes ahead (4 × resend delay), so the alert
    // leaving Alertmanager this soon means the resolved notification arrived.
    assert.equal(manager.alerts().length, 0);
    assert.ok((notifier.metrics.sent.get(`http://127.0.0.1:${amPort}/api/v2/alerts`) ?? 0) >= 2, 'firing and resolved notifications were sent');
  } finally {
    clearInterval(writer);
    await manager.stop();
    await notifier.stop();
  }
});

test('an unreachable Alertmanager is counted as errors and dropped alerts and never blocks rule evaluation', { timeout: 30_000 }, async () => {
  const deadPort = await freePort();
  const notifier = new Notifier({ queueCapacity: 100 });
  await notifier.applyConfig({ alerting: { alertmanagers: [amConfig({ timeout: 500 } as never)], alert_relabel_configs: [] }, global: { external_labels: {} } as never });
  notifier.setTargets('config-0', [{ source: 'static', targets: [{ __address__: `127.0.0.1:${deadPort}` }], labels: {} }]);
  const storage = new MemoryStorage();
  const rulesFile = join(dir.path, 'always.yml');
  writeFileSync(rulesFile, 'groups:\n  - name: always\n    interval: 1s\n    rules:\n      - alert: Always\n        expr: vector(1)\n');
  const manager = new RuleManager({ appendable: storage, queryable: storage, engine: new Engine(), externalURL: 'http://x', notify: (a) => notifier.send(a), resendDelay: 1000 });
  try {
    await manager.update([rulesFile], 1000);
    const url = `http://127.0.0.1:${deadPort}/api/v2/alerts`;
    await eventually(async () => (notifier.metrics.errors.get(url) ?? 0) >= 2, 20_000);
    assert.ok(notifier.metrics.dropped >= 2);
    // Evaluation kept its schedule while sends failed.
    const key = manager.groups()[0]!.key();
    assert.ok((manager.metrics.values.get('evalTotal')?.get(key) ?? 0) >= 2);
    assert.equal(manager.rules()[0]!.rules[0]!.health, 'ok');
  } finally {
    await manager.stop();
    await notifier.stop();
  }
});

test('a full queue drops the oldest alerts and counts them', async () => {
  const notifier = new Notifier({ queueCapacity: 3 });
  await notifier.applyConfig({ alerting: { alertmanagers: [], alert_relabel_configs: [{ source_labels: ['drop'], regex: 'yes', action: 'drop' } as never] }, global: { external_labels: { region: 'eu' } } as never });
  // No Alertmanager: sends succeed trivially, so pause draining by filling synchronously.
  const mk = (i: number, extra: Record<string, string> = {}): NotifierAlert => ({ labels: Labels.fromObject({ alertname: `A${i}`, ...extra }), annotations: Labels.EMPTY, startsAt: 1, endsAt: 0, generatorURL: '' });
  notifier.send([mk(1), mk(2), mk(3), mk(4), mk(5), mk(6, { drop: 'yes' })]);
  assert.equal(notifier.metrics.dropped, 2, 'two oldest of five dropped; the relabel-dropped one is not queued');
  await notifier.stop();
});

test('alertmanagers come from service discovery with path_prefix, scheme and relabel_configs applied', { timeout: 20_000 }, async () => {
  const { DiscoveryManager } = await import('../../src/discovery/index.js');
  const discovery = new DiscoveryManager({ updateIntervalMs: 50 });
  const notifier = new Notifier({ discovery });
  try {
    await notifier.applyConfig({
      alerting: {
        alert_relabel_configs: [],
        alertmanagers: [
          amConfig({
            path_prefix: '/am/',
            static_configs: [{ targets: ['127.0.0.1:9093', '127.0.0.1:9094'], labels: { env: 'x' } }],
            relabel_configs: [{ source_labels: ['__address__'], regex: '.*:9094', action: 'drop' }],
          } as never),
        ],
      },
      global: { external_labels: {} } as never,
    });
    const info = await eventually(async () => {
      const i = notifier.alertmanagers();
      return i.activeAlertmanagers.length > 0 ? i : undefined;
    }, 10_000, 50);
    assert.deepEqual(info, {
      activeAlertmanagers: [{ url: 'http://127.0.0.1:9093/am/api/v2/alerts' }],
      droppedAlertmanagers: [{ url: 'http://127.0.0.1:9094/am/api/v2/alerts' }],
    });
  } finally {
    await notifier.stop();
    await discovery.stop();
  }
});
