// The config loader in-process: documented defaults, the embedded default config, error
// positions and hints, path resolution, agent mode.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig, ConfigError, DEFAULT_CONFIG_YAML, loadConfigFile, parseConfig } from '../../src/config/index.js';
import { parseDuration } from '../../src/model/index.js';
import { checkRuleFileForConfig } from '../../src/rules/index.js';
import { conformanceDir, debianBinary, fixturesDir, runCli, runCommand, sharedDir, tempDir } from '../helpers/index.js';

const docs = readFileSync(join(sharedDir, 'reference', 'prometheus-2.42', 'docs', 'configuration', 'configuration.md'), 'utf8');

/**
 * `[ key: <type> | default = value ]` lines of the yaml block that documents `section`
 * (or the first block, for the top-level file with `global`).
 */
function documentedDefaults(section?: string): Map<string, string> {
  let from = 0;
  if (section) {
    from = docs.indexOf('### `<' + section + '>`');
    assert.ok(from >= 0, `section ${section} not in docs`);
  }
  const start = docs.indexOf('```yaml', from);
  const end = docs.indexOf('```', start + 7);
  const out = new Map<string, string>();
  for (const line of docs.slice(start, end).split('\n')) {
    const m = /\[\s*(\w+):\s*<[^>]+>\s*\|\s*default\s*[=:]\s*(.*?)\s*\]\s*$/.exec(line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!.replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/** Compares our loaded values with the documented defaults (durations compared in ms). */
function assertDocumented(section: string | undefined, got: Record<string, unknown>, keys: string[]): number {
  const want = documentedDefaults(section);
  let n = 0;
  for (const k of keys) {
    const w = want.get(k);
    assert.ok(w !== undefined, `${section ?? 'global'}.${k}: no documented default`);
    const g = got[k];
    if (typeof g === 'number' && /[a-z]$/.test(w) && !/^[0-9]+$/.test(w)) assert.equal(g, parseDuration(w), `${section ?? 'global'}.${k}`);
    else assert.equal(String(g), w, `${section ?? 'global'}.${k}`);
    n++;
  }
  return n;
}

describe('defaults', () => {
  const cfg = parseConfig(
    [
      'scrape_configs:',
      '  - job_name: j',
      '    relabel_configs:',
      '      - target_label: t',
      'alerting:',
      '  alertmanagers:',
      '    - static_configs: [{targets: ["a:9093"]}]',
      'remote_write:',
      '  - url: http://127.0.0.1:1/write',
      'remote_read:',
      '  - url: http://127.0.0.1:1/read',
    ].join('\n'),
    'minimal.yml',
  );

  test('a minimal config gets every default the 2.42 configuration reference documents', () => {
    let n = 0;
    n += assertDocumented(undefined, cfg.global as never, ['scrape_interval', 'scrape_timeout', 'evaluation_interval']);
    const sc = cfg.scrape_configs[0]!;
    n += assertDocumented('scrape_config', sc as never, ['metrics_path', 'honor_labels', 'honor_timestamps', 'scheme', 'follow_redirects', 'enable_http2', 'sample_limit', 'label_limit', 'target_limit', 'body_size_limit']);
    n += assertDocumented('relabel_config', sc.relabel_configs[0] as never, ['separator', 'regex', 'replacement', 'action']);
    n += assertDocumented('alertmanager_config', cfg.alerting.alertmanagers[0] as never, ['timeout', 'api_version', 'path_prefix', 'scheme']);
    const rw = cfg.remote_write[0]!;
    n += assertDocumented('remote_write', rw as never, ['remote_timeout', 'send_exemplars', 'follow_redirects']);
    n += assertDocumented('remote_write', rw.queue_config as never, ['capacity', 'max_shards', 'min_shards', 'max_samples_per_send', 'batch_send_deadline', 'min_backoff', 'max_backoff', 'retry_on_http_429']);
    n += assertDocumented('remote_write', rw.metadata_config as never, ['send', 'send_interval']);
    n += assertDocumented('remote_read', cfg.remote_read[0] as never, ['remote_timeout', 'read_recent', 'filter_external_labels']);
    assert.ok(n >= 30);
  });

  test('scrape jobs inherit the global interval and a timeout no larger than it', () => {
    const c = parseConfig('global: {scrape_interval: 5s}\nscrape_configs: [{job_name: a}, {job_name: b, scrape_interval: 1m}]\n');
    assert.equal(c.scrape_configs[0]!.scrape_interval, parseDuration('5s'));
    assert.equal(c.scrape_configs[0]!.scrape_timeout, parseDuration('5s'));
    // The global timeout (default 10s) is capped at the global interval first, then inherited.
    assert.equal(c.global.scrape_timeout, parseDuration('5s'));
    assert.equal(c.scrape_configs[1]!.scrape_timeout, c.global.scrape_timeout);
  });

  test('the fixture minimal.yml and empty.yml load (empty file = all defaults)', () => {
    const empty = loadConfigFile(join(fixturesDir, 'configs', 'empty.yml'));
    assertDocumented(undefined, empty.global as never, ['scrape_interval', 'scrape_timeout', 'evaluation_interval']);
    const min = loadConfigFile(join(fixturesDir, 'configs', 'minimal.yml'));
    assert.ok(min.scrape_configs.length >= 1);
  });
});

describe('embedded default config', () => {
  test('DEFAULT_CONFIG_YAML loads: 15s intervals, one job "promts" scraping localhost:9090', () => {
    const c = parseConfig(DEFAULT_CONFIG_YAML, 'default.yml');
    assert.equal(c.global.scrape_interval, parseDuration('15s'));
    assert.equal(c.global.evaluation_interval, parseDuration('15s'));
    assert.deepEqual(c.scrape_configs.map((s) => [s.job_name, s.static_configs?.[0]?.targets]), [['promts', ['localhost:9090']]]);
  });
});

describe('errors carry Prometheus wording, file:line:col and a hint', () => {
  const broken = join(fixturesDir, 'configs', 'broken');
  const expected = new Map(
    readFileSync(join(fixturesDir, 'configs', 'expected.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .filter((f) => f[1] === '')
      .map((f) => [f[0]!, f[4]!.replace(/\\n/g, '\n').replace(/\\t/g, '\t')]),
  );

  for (const name of ['unknown-key-global.yml', 'unknown-key-toplevel.yml', 'negative-sample-limit.yml']) {
    test(`${name}: position is the "line N" promtool reports`, () => {
      const want = expected.get(`broken/${name}`)!;
      const line = Number(/line (\d+):/.exec(want)![1]);
      const err = catchErr(() => loadConfigFile(join(broken, name)));
      assert.equal(`  FAILED: ${err.message.replace(join(broken, name), name)}`, want.trimEnd().replace(/^ {2}FAILED: /, '  FAILED: '));
      assert.equal(err.position?.line, line);
      assert.equal(err.code, 'config_unmarshal');
      assert.ok(err.hint);
    });
  }

  for (const [name, token] of [
    ['bad-relabel-action.yml', 'replace_all'],
    ['bad-duration.yml', '15'],
    ['bad-regex.yml', '([a-z'],
    ['bad-alertmanager-api-version.yml', 'v3'],
  ] as const) {
    test(`${name}: position points at the offending value`, () => {
      const path = join(broken, name);
      const err = catchErr(() => loadConfigFile(path));
      const want = expected.get(`broken/${name}`)!.trim().replace(/^FAILED: /, '');
      assert.equal(err.message.replace(path, name), want);
      const lines = readFileSync(path, 'utf8').split('\n');
      const wantLine = lines.findIndex((l) => !l.trimStart().startsWith('#') && l.includes(token)) + 1;
      assert.equal(err.position?.line, wantLine, `${name}: ${err.where()}`);
      assert.equal(lines[wantLine - 1]!.slice(err.position!.column - 1).replace(/^["']/, '').startsWith(token), true);
      assert.equal(err.code, 'config_invalid');
      assert.ok(err.hint && err.hint.length > 10);
    });
  }

  test('the CLI prints promtool\'s FAILED line, then file:line:col, the source line with a caret, and a hint', { timeout: 120_000 }, async () => {
    const name = 'unknown-key-global.yml';
    const want = expected.get(`broken/${name}`)!;
    const line = Number(/line (\d+):/.exec(want)![1]);
    const r = await runCli(['check', 'config', name], { cwd: broken });
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter((l) => !l.startsWith('(node:'));
    assert.equal(lines.slice(0, 2).join('\n'), want.split('\n').slice(0, 2).join('\n'));
    const at = lines.find((l) => l.startsWith('    at '))!;
    assert.match(at, new RegExp(`^    at ${name.replace('.', '\\.')}:${line}:\\d+$`));
    const src = readFileSync(join(broken, name), 'utf8').split('\n')[line - 1]!;
    assert.ok(lines.some((l) => l.endsWith(`${line} | ${src}`)));
    assert.ok(lines.some((l) => /^\s+\^$/.test(l)));
    assert.ok(lines.some((l) => l.startsWith('    hint: ')));
  });

  test('a missing path or a directory is rejected before checking, with promtool\'s wording', { timeout: 120_000, skip: debianBinary('promtool') ? false : 'Debian promtool is not installed' }, async () => {
    const dir = tempDir('promts-args-');
    try {
      for (const arg of ['does-not-exist.yml', dir.path]) {
        const [want, got] = await Promise.all([runCommand(debianBinary('promtool')!, ['check', 'config', arg]), runCli(['check', 'config', arg])]);
        assert.equal(got.code, want.code);
        assert.equal(got.stdout, want.stdout);
        assert.equal(got.stderr.replace(/^promts:/, 'promtool:'), want.stderr);
      }
    } finally {
      dir.cleanup();
    }
  });

  for (const [name, token] of [
    ['missing-rule-file.yml', 'does-not-exist.yml'],
    ['tls-cert-without-key.yml', 'cert_file'],
  ] as const) {
    test(`${name}: promtool's file checks also point at the referencing setting`, () => {
      const path = join(broken, name);
      // promtool ran from the file's folder with a bare name; paths in messages are relative to it.
      const cwd = process.cwd();
      process.chdir(broken);
      let err: ConfigError;
      try {
        err = catchErr(() => checkConfig(name, { checkRuleFile: checkRuleFileForConfig }, { stdout: () => {}, stderr: () => {} }));
      } finally {
        process.chdir(cwd);
      }
      const want = expected.get(`broken/${name}`)!.trim().replace(/^FAILED: /, '');
      assert.equal(err.message, want);
      const lines = readFileSync(path, 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(token)) + 1;
      // The rule file entry itself, or the tls_config block that holds cert_file.
      assert.ok(err.position!.line === line || err.position!.line === line - 1, `${err.where()} vs line ${line}`);
      assert.equal(err.code, 'config_file_check');
    });
  }

  test('a missing file is a ConfigError with the OS wording', () => {
    const err = catchErr(() => loadConfigFile('/nonexistent/promts.yml'));
    assert.equal(err.code, 'config_read');
    assert.match(err.message, /open \/nonexistent\/promts\.yml: no such file or directory/);
  });
});

describe('paths and modes', () => {
  test('relative paths are resolved against the config file folder', () => {
    const dir = join(fixturesDir, 'configs');
    const c = loadConfigFile(join(dir, 'prometheus.yml'));
    assert.deepEqual(c.rule_files, [join(dir, 'rules/recording.yml'), join(dir, 'rules/alerts.yml')]);
    const api = c.scrape_configs.find((s) => s.job_name === 'api')!;
    assert.equal(api.basic_auth?.password_file, join(dir, 'secrets/api-password'));
    assert.equal(c.scrape_configs.find((s) => s.job_name === 'node')!.file_sd_configs![0]!.files[0], join(dir, 'targets/node.json'));
  });

  test('agent mode rejects alerting, rule_files and remote_read like upstream', () => {
    const dir = join(conformanceDir, 'rules', 'config');
    const wants = readFileSync(join(conformanceDir, 'upstream-config-expectations.tsv'), 'utf8')
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((f) => f[1] === 'agent');
    assert.ok(wants.length >= 6);
    for (const [file, , result, substring] of wants) {
      const path = join(dir, file!.replace(/^config\//, ''));
      if (result === 'ok') assert.doesNotThrow(() => loadConfigFile(path, { agent: true }), file);
      else assert.match(catchErr(() => loadConfigFile(path, { agent: true })).message, new RegExp(substring!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    }
  });

  test('bearer_token is folded into authorization (type Bearer), as Prometheus does', () => {
    const c = parseConfig('scrape_configs: [{job_name: a, bearer_token: s3cret}]');
    assert.deepEqual(c.scrape_configs[0]!.authorization, { type: 'Bearer', credentials: 's3cret' });
  });
});

function catchErr(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a ConfigError');
}
