// `promts tsdb list|analyze|dump` run without oclif (src/cli/fastpath.ts). What a user must
// not be able to tell: the fast path prints what the oclif command prints, takes the same
// flags, and leaves help and mistakes to oclif.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Command } from '@oclif/core';
import { FAST_COMMANDS, parseArgv, type FastCommand } from '../../src/cli/fastpath.js';
import { fixturesDir, runCli } from '../helpers/index.js';

const blocks = join(fixturesDir, 'blocks');
const cmd = (id: string): FastCommand => FAST_COMMANDS.find((c) => c.id.join(' ') === id)!;

test('each fast command takes exactly its oclif command\'s flags and arguments, with the same defaults', async () => {
  for (const c of FAST_COMMANDS) {
    const oclif = ((await import(`../../commands/${c.id.join('/')}.js`)) as { default: typeof Command }).default;
    const flags = oclif.flags ?? {};
    assert.deepEqual(Object.keys(c.flags).sort(), Object.keys(flags).sort(), `${c.id.join(' ')} flags`);
    for (const [name, spec] of Object.entries(c.flags)) {
      const f = flags[name]!;
      assert.equal(f.type, spec.kind === 'boolean' ? 'boolean' : 'option', `${name} kind`);
      if (spec.kind === 'boolean') assert.equal(f.char, spec.char, `${name} char`);
      else assert.equal(f.default, spec.default, `${name} default`);
    }
    const args = Object.entries(oclif.args ?? {}).map(([name, a]) => ({ name, default: a.default as string | undefined }));
    assert.deepEqual(args, c.args.map((a) => ({ name: a.name, default: a.default })), `${c.id.join(' ')} args`);
  }
});

test('plain invocations are parsed as oclif parses them; anything else is left to oclif', () => {
  assert.deepEqual(parseArgv(['--limit', '5', 'd', 'b'], cmd('tsdb analyze')), { args: { 'db path': 'd', 'block id': 'b' }, flags: { limit: 5 } });
  assert.deepEqual(parseArgv(['d', '--extended', '--limit=7'], cmd('tsdb analyze')), { args: { 'db path': 'd', 'block id': undefined }, flags: { limit: 7, extended: true } });
  assert.deepEqual(parseArgv(['-r'], cmd('tsdb list')), { args: { 'db path': 'data/' }, flags: { 'human-readable': true } });
  assert.deepEqual(parseArgv(['--min-time=-5', 'd'], cmd('tsdb dump'))?.flags, { 'min-time': '-5', 'max-time': '9223372036854775807', match: "{__name__=~'(?s:.*)'}" });
  const declined: [string, string[]][] = [
    ['tsdb list', ['--help']],
    ['tsdb list', ['-h']],
    ['tsdb list', ['a', 'b']],
    ['tsdb list', ['--human-readable=true']],
    ['tsdb analyze', ['--limit=x']],
    ['tsdb analyze', ['--limit']],
    ['tsdb analyze', ['--limit=1', '--limit=2']],
    ['tsdb analyze', ['--no-extended']],
    ['tsdb analyze', ['--extend']],
    ['tsdb dump', ['--min-time', '-5']],
    ['tsdb dump', ['--', 'd']],
    ['tsdb dump', ['--constructor=1']],
  ];
  for (const [id, argv] of declined) assert.equal(parseArgv(argv, cmd(id)), undefined, `${id} ${argv.join(' ')}`);
});

test('the fast path prints what the oclif command prints, errors and exit status included', async () => {
  // `tsdb:list` (oclif's colon form) always goes through oclif.
  const cases = [
    ['list', '-r', blocks],
    ['analyze', '--limit=3', '--extended', blocks],
    ['dump', '--min-time=1675216680000', '--max-time=1675216920000', `--match={__name__=~"fixture_.*"}`, blocks],
    ['list', join(blocks, 'missing')],
    ['dump', '--min-time=soon', blocks],
    ['analyze', blocks, '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
  ];
  for (const c of cases) {
    const [fast, slow] = await Promise.all([runCli(['tsdb', ...c]), runCli([`tsdb:${c[0]}`, ...c.slice(1)])]);
    assert.deepEqual(fast, slow, `promts tsdb ${c.join(' ')}`);
    if (c[1] === '-r') assert.match(fast.stdout, /^BLOCK ULID/);
  }
});
