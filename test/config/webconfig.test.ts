// `promts check web-config` against Debian's `promtool check web-config` on the same files:
// same verdict per file, same reason text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { parseWebConfig } from '../../src/config/index.js';
import { debianBinary, runCli, runCommand, tempDir } from '../helpers/index.js';

const promtool = debianBinary('promtool');
const openssl = debianBinary('openssl');

/** "FILE SUCCESS" / "FILE FAILED: reason" lines (promtool prints them on stderr). */
function verdicts(stderr: string, files: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stderr.split('\n')) {
    const f = files.find((x) => line.startsWith(x + ' '));
    if (f && !out.has(f)) out.set(f, line.slice(f.length + 1));
  }
  return out;
}

describe('check web-config', { skip: promtool ? false : 'Debian promtool is not installed: no reference to compare with' }, () => {
  test('verdicts and reasons match promtool 2.42 for valid and broken web configs', { timeout: 180_000 }, async () => {
    const dir = tempDir('promts-webcfg-');
    try {
      const hash = bcrypt.hashSync('secret', 4);
      const cases: Record<string, string> = {
        'empty.yml': '',
        'users.yml': `basic_auth_users:\n  alice: ${hash}\n`,
        'bad-hash.yml': 'basic_auth_users:\n  alice: plaintext\n',
        'unknown-key.yml': 'tls_server_config:\n  certfile: x\n',
        'bad-header.yml': 'http_server_config:\n  headers:\n    X-Custom: yes\n',
        'bad-header-value.yml': 'http_server_config:\n  headers:\n    X-Frame-Options: allow\n',
        'good-header.yml': 'http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: deny\n',
        'cert-only.yml': 'tls_server_config:\n  cert_file: cert.pem\n',
        'missing-cert.yml': 'tls_server_config:\n  cert_file: nope.pem\n  key_file: nope-key.pem\n',
        'bad-version.yml': 'tls_server_config:\n  min_version: TLS99\n',
        'bad-cipher.yml': 'tls_server_config:\n  cipher_suites: [TLS_BOGUS]\n',
      };
      if (openssl) {
        await runCommand(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=localhost'], { cwd: dir.path });
        cases['tls.yml'] = 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS13\n';
        cases['ca-without-auth.yml'] = 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_ca_file: cert.pem\n';
        cases['bad-client-auth.yml'] = 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: Sometimes\n';
      }
      const files = Object.keys(cases);
      for (const f of files) writeFileSync(join(dir.path, f), cases[f]!);
      const [want, got] = await Promise.all([runCommand(promtool!, ['check', 'web-config', ...files], { cwd: dir.path }), runCli(['check', 'web-config', ...files], { cwd: dir.path })]);
      const w = verdicts(want.stderr, files);
      const g = verdicts(got.stderr, files);
      let agree = 0;
      const problems: string[] = [];
      for (const f of files) {
        assert.ok(w.has(f), `promtool said nothing about ${f}: ${want.stderr}`);
        if (w.get(f) === g.get(f)) agree++;
        else problems.push(`${f}:\n   promtool: ${w.get(f)}\n   promts:   ${g.get(f)}`);
      }
      console.log(`web-config: ${agree}/${files.length} files give promtool's verdict and reason`);
      assert.equal(got.code, want.code);
      assert.deepEqual(problems, []);
      assert.ok([...w.values()].some((v) => v === 'SUCCESS') && [...w.values()].some((v) => v.startsWith('FAILED')));
    } finally {
      dir.cleanup();
    }
  });

  test('parseWebConfig fills exporter-toolkit defaults (TLS 1.2-1.3, HTTP/2 on)', () => {
    const c = parseWebConfig('basic_auth_users: {bob: x}\n');
    assert.equal(c.tls_server_config.min_version, 'TLS12');
    assert.equal(c.tls_server_config.max_version, 'TLS13');
    assert.equal(c.http_server_config.http2, true);
    assert.equal(c.tls_enabled, false);
    assert.deepEqual(c.basic_auth_users, { bob: 'x' });
  });
});
