import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianBinary, eventually, freePort, startProcess, startServer, tempDir, waitForHttp } from '../helpers/index.js';

const amBin = debianBinary('prometheus-alertmanager');

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

const rules = (expr: string) => `groups:
  - name: e2e
    interval: 1s
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: PromtsSelfScraped
        expr: ${expr}
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.job }} is up with value {{ $value }}"
`;

// Issue 7, as a user runs it: promts server with rule_files and an Alertmanager in its config.
test('promts server evaluates rules and its alerts reach a real Alertmanager; a reload resolves them; a bad rule file keeps the old rules', { timeout: 120_000, skip: amBin ? false : 'Debian prometheus-alertmanager is not installed (.ci/run installs it)' }, async () => {
  const dir = tempDir();
  const [amPort, port] = [await freePort(), await freePort()];
  writeFileSync(join(dir.path, 'am.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const am = startProcess(amBin!, [`--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', `--storage.path=${join(dir.path, 'am-data')}`, `--config.file=${join(dir.path, 'am.yml')}`]);
  const ruleFile = join(dir.path, 'rules.yml');
  writeFileSync(ruleFile, rules('up{job="promts"} == 1'));
  writeFileSync(
    join(dir.path, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n  external_labels:\n    site: e2e\nrule_files:\n  - rules.yml\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:${amPort}']\nscrape_configs:\n  - job_name: promts\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  const srv = startServer([`--config.file=${join(dir.path, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--rules.alert.resend-delay=1s'], { cwd: dir.path });
  const api = async <T>(path: string): Promise<T> => ((await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as { data: T }).data;
  const amAlerts = async (): Promise<AmAlert[]> => (await (await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`)).json()) as AmAlert[];
  try {
    await Promise.all([waitForHttp(`http://127.0.0.1:${amPort}/-/ready`, 30_000, am), waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, srv)]);

    // The alert fires in promts (for: 0) and reaches Alertmanager with labels and annotations.
    const got = await eventually(async () => (await amAlerts()).find((a) => a.labels.alertname === 'PromtsSelfScraped'), 40_000, 500);
    assert.deepEqual(got.labels, { alertname: 'PromtsSelfScraped', instance: `127.0.0.1:${port}`, job: 'promts', severity: 'page', site: 'e2e' });
    assert.equal(got.annotations.summary, 'promts is up with value 1');
    const firing = await api<{ alerts: { state: string; labels: Record<string, string> }[] }>('/api/v1/alerts');
    assert.ok(firing.alerts.some((a) => a.state === 'firing' && a.labels.alertname === 'PromtsSelfScraped'));
    const recorded = await api<{ result: { value: [number, string] }[] }>('/api/v1/query?query=job:up:sum');
    assert.equal(recorded.result[0]?.value[1], '1');
    const groups = await api<{ groups: { name: string; rules: { health: string }[] }[] }>('/api/v1/rules');
    assert.deepEqual(groups.groups.map((g) => [g.name, g.rules.map((r) => r.health)]), [['e2e', ['ok', 'ok']]]);

    // A bad rule file on SIGHUP: the old rules keep running and the reload is reported failed.
    writeFileSync(ruleFile, rules('up{job="promts" == 1'));
    srv.proc.kill('SIGHUP');
    await eventually(async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).includes('prometheus_config_last_reload_successful 0'), 20_000);
    assert.equal((await api<{ groups: unknown[] }>('/api/v1/rules')).groups.length, 1);

    // A good reload with a condition that no longer holds resolves the alert in Alertmanager.
    writeFileSync(ruleFile, rules('up{job="promts"} == 0'));
    srv.proc.kill('SIGHUP');
    await eventually(async () => !(await amAlerts()).some((a) => a.labels.alertname === 'PromtsSelfScraped' && a.status.state === 'active'), 40_000, 500);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /prometheus_config_last_reload_successful 1/);
  } finally {
    await srv.stop();
    await am.stop();
    dir.cleanup();
  }
});
