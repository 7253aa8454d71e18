// `promts server` started without oclif (src/cli/serverpath.ts). A user must not be able to
// tell: every argv the fast path takes is read exactly as the oclif command reads it, and
// help, typos and anything unusual are left to oclif (test/server/flags.test.ts checks its
// messages through the CLI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from '@oclif/core';
import Server from '../../commands/server.js';
import { parseServerArgv } from '../../src/cli/serverpath.js';

/** The flags the oclif command hands to the server, as it converts them (String of each given value). */
async function oclifRaw(argv: string[]): Promise<Record<string, string>> {
  const { flags } = await Parser.parse(argv, { flags: Server.flags, strict: false });
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k] = String(v);
  return raw;
}

test('plain server argv is read as the oclif command reads it', async () => {
  const cases: string[][] = [
    [],
    ['--storage.tsdb.path=/var/lib/prometheus', '--web.listen-address', '127.0.0.1:9099'],
    ['--web.enable-lifecycle', '--no-storage.tsdb.wal-compression', '--web.enable-admin-api'],
    ['--config.file', 'prometheus.yml', '--storage.tsdb.retention.time=30d', '--log.level=debug'],
    ['--web.cors.origin=https?://a=b', '--enable-feature=exemplar-storage'],
    ['--query.timeout', 'soon'], // a bad value: both hand it on, the server's option check rejects it
  ];
  for (const argv of cases) assert.deepEqual(parseServerArgv(argv), await oclifRaw(argv), argv.join(' '));
});

test('help, typos and unusual argv are left to oclif', () => {
  const declined: string[][] = [
    ['--help'],
    ['-h'],
    ['--web.listen-adress=127.0.0.1:0'],
    ['positional'],
    ['--web.enable-lifecycle=true'],
    ['--config.file'],
    ['--config.file', '--web.enable-lifecycle'],
    ['--config.file='],
    ['--config.file=a.yml', '--config.file=b.yml'],
    ['--no-config.file'],
    ['--web.enable-lifecycle', '--no-web.enable-lifecycle'],
  ];
  for (const argv of declined) assert.equal(parseServerArgv(argv), undefined, argv.join(' '));
});
