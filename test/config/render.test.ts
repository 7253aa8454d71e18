// renderConfigYaml against what Debian's Prometheus 2.42 serves at /api/v1/status/config for
// the same file (defaults filled in, Go field order, secrets hidden), and external-label
// environment expansion against the same server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG_YAML, loadConfigFile, parseConfig, renderConfigYaml } from '../../src/config/index.js';
import { conformanceDir, debianBinary, fixturesDir, freePort, startProcess, tempDir, waitForHttp } from '../helpers/index.js';

const prometheus = debianBinary('prometheus');

/** Starts Debian's prometheus on a loopback port with `config`, returns its status/config YAML. */
async function upstreamConfigYaml(config: string, env: NodeJS.ProcessEnv = {}, flags: string[] = []): Promise<string> {
  const data = tempDir('promts-render-');
  const port = await freePort();
  const proc = startProcess(prometheus!, [`--config.file=${config}`, `--storage.tsdb.path=${data.path}`, `--web.listen-address=127.0.0.1:${port}`, ...flags], { env });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 60_000, proc);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/status/config`);
    const body = (await res.json()) as { data: { yaml: string } };
    return body.data.yaml;
  } finally {
    await proc.stop();
    data.cleanup();
  }
}

describe('renderConfigYaml', { skip: prometheus ? false : 'Debian prometheus is not installed (/usr/bin/prometheus): nothing to compare against' }, () => {
  test('the production-style fixture renders exactly like Prometheus 2.42 /api/v1/status/config', { timeout: 120_000 }, async () => {
    const path = join(fixturesDir, 'configs', 'prometheus.yml');
    const want = await upstreamConfigYaml(path);
    assert.equal(renderConfigYaml(loadConfigFile(path)), want);
  });

  test('the embedded default config renders like Prometheus renders it, secrets hidden', { timeout: 120_000 }, async () => {
    const dir = tempDir('promts-default-');
    try {
      // A password shows how secrets are rendered; Prometheus prints <secret>.
      const text = DEFAULT_CONFIG_YAML.replace('  - job_name: "promts"\n', '  - job_name: "promts"\n    basic_auth: {username: u, password: hunter2}\n');
      const path = join(dir.path, 'prometheus.yml');
      writeFileSync(path, text);
      const want = await upstreamConfigYaml(path);
      const got = renderConfigYaml(loadConfigFile(path));
      assert.equal(got, want);
      assert.ok(!got.includes('hunter2'));
    } finally {
      dir.cleanup();
    }
  });

  test('external_labels stay verbatim by default and expand $VAR / ${VAR} / $$ with expand-external-labels, like Prometheus', { timeout: 180_000 }, async () => {
    const path = join(conformanceDir, 'rules', 'config', 'external_labels.good.yml');
    const env = { TEST: 'expanded' };
    const labelsOf = (y: string): string[] => {
      const lines = y.split('\n');
      const at = lines.indexOf('  external_labels:');
      const out: string[] = [];
      for (let i = at + 1; at >= 0 && i < lines.length && lines[i]!.startsWith('    '); i++) out.push(lines[i]!);
      return out;
    };
    const text = readFileSync(path, 'utf8');
    const plain = await upstreamConfigYaml(path, env);
    assert.deepEqual(labelsOf(renderConfigYaml(parseConfig(text, path, { env }))), labelsOf(plain));
    const expanded = await upstreamConfigYaml(path, env, ['--enable-feature=expand-external-labels']);
    assert.deepEqual(labelsOf(renderConfigYaml(parseConfig(text, path, { env, expandExternalLabels: true }))), labelsOf(expanded));
    assert.notDeepEqual(labelsOf(plain), labelsOf(expanded));
    assert.ok(labelsOf(expanded).length >= 5);
  });
});
