// `promts check metrics` against promtool 2.42's recorded verdicts
// (../shared/conformance/metrics-expected.tsv and promtool-outputs.jsonl): same stderr, same
// stdout, same exit code for every recorded input. Needs `npx tsc -p .` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, runCli } from '../helpers/index.js';

interface Run { file: string; command: string; exit_code: number; stdout: string; stderr: string; extra_args: string }

const runs = readFileSync(join(conformanceDir, 'promtool-outputs.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Run)
  .filter((r) => r.command.startsWith('promtool check metrics'));
const tsv = readFileSync(join(conformanceDir, 'metrics-expected.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

test('check metrics matches promtool 2.42 on every recorded input', async () => {
  assert.ok(runs.length >= tsv.length && tsv.length > 0);
  for (const r of runs) {
    const input = readFileSync(join(conformanceDir, r.file), 'utf8');
    const got = await runCli(['check', 'metrics'], { input });
    assert.equal(got.stderr, r.stderr, r.file);
    assert.equal(got.stdout, r.stdout, r.file);
    assert.equal(got.code, r.exit_code, r.file);
  }
  for (const [file, code] of tsv) assert.equal(runs.find((r) => r.file === file)?.exit_code, Number(code), file);
  console.log(`# check metrics: ${runs.length} promtool runs reproduced`);
});

// Inputs crafted to hit other lint rules and parse errors, judged by Debian's promtool live.
const promtool = '/usr/bin/promtool';
const crafted = [
  '# HELP foo_seconds_total x\n# TYPE foo_seconds_total counter\nfoo_seconds_total{code="200"} 1\nfoo_seconds_total{code="500"} 2\n# HELP bar_gauge y\n# TYPE bar_gauge gauge\nbar_gauge 3\n',
  '# TYPE http_requests counter\nhttp_requests{fooBar="1"} 1\nrpc:latency_ms 2\n',
  '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n# HELP s s\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n',
  'a{b="c" 1\n',
  'a 1 2 3\n',
  '# TYPE a foo\n',
  'a{le="x"} 1\n# TYPE a gauge\n',
];

test('check metrics (and --extended) agrees with Debian promtool on crafted inputs', async () => {
  const { runCommand } = await import('../helpers/index.js');
  for (const input of crafted) {
    // --extended only prints its table for clean input; one clean input covers it.
    for (const args of input.startsWith('# HELP h ') ? [['check', 'metrics', '--extended']] : [['check', 'metrics']]) {
      const want = await runCommand(promtool, args, { input });
      const got = await runCli(args, { input });
      assert.deepEqual({ code: got.code, stdout: got.stdout, stderr: got.stderr }, { code: want.code, stdout: want.stdout, stderr: want.stderr }, `${args.join(' ')} <<< ${JSON.stringify(input)}`);
    }
  }
});
