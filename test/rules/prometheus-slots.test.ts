// "Alerts fire at the same moment": Debian's Prometheus 2.42 and promts must evaluate a group at
// the same instants. Prometheus offsets each group by hash(file, name) % interval; the recorded
// samples' timestamps are those instants, so we compare them with ours.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { evalTimestamp } from '../../src/rules/index.js';
import { debianBinary, eventually, freePort, startProcess, tempDir, waitForHttp, type RunningProcess } from '../helpers/index.js';

const prometheus = debianBinary('prometheus');
const dir = tempDir('promts-slots-');
let proc: RunningProcess | undefined;
after(async () => {
  await proc?.stop();
  dir.cleanup();
});

test('groups are evaluated at the same instants as in Debian Prometheus 2.42', { skip: prometheus ? false : 'Debian prometheus is not installed', timeout: 50_000 }, async () => {
  const rules = join(dir.path, 'slots.yml');
  writeFileSync(rules, 'groups:\n  - name: slot-a\n    interval: 7s\n    rules:\n      - record: slot_a\n        expr: vector(1)\n  - name: slot-b\n    interval: 3s\n    rules:\n      - record: slot_b\n        expr: vector(1)\n');
  const cfg = join(dir.path, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  evaluation_interval: 5s\nrule_files:\n  - slots.yml\n');
  const port = await freePort();
  proc = startProcess(prometheus!, [`--config.file=${cfg}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`]);
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 30_000, proc);
  for (const [name, metric, interval] of [['slot-a', 'slot_a', 7000], ['slot-b', 'slot_b', 3000]] as const) {
    const ts = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${metric}[1m]`);
      const body = (await r.json()) as { data: { result: { values: [number, string][] }[] } };
      const values = body.data.result[0]?.values ?? [];
      return values.length >= 2 ? values.map((v) => Math.round(v[0] * 1000)) : undefined;
    }, 30_000, 250);
    for (const t of ts) assert.equal(evalTimestamp(rules, name, interval, t + 1), t, `${name}: Prometheus evaluated at ${t}, promts' slot differs`);
  }
});
