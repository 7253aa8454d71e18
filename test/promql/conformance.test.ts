// Runs every PromQL test script of Prometheus 2.42 (../shared/conformance/promql/*.test)
// through our engine. Known exceptions must be listed, with a reason, in
// conformance-exceptions.txt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, repoRoot } from '../helpers/index.js';
import { runScript, type EvalOutcome } from './script.js';

const dir = join(conformanceDir, 'promql');

/** Lines `file:line  reason`; '#' comments. */
function exceptions(): Map<string, string> {
  const m = new Map<string, string>();
  for (const raw of readFileSync(join(repoRoot, 'test', 'promql', 'conformance-exceptions.txt'), 'utf8').split('\n')) {
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) continue;
    const [key, ...reason] = l.split(/\s+/);
    assert.ok(reason.length > 0, `exception ${key} needs a reason`);
    m.set(key!, reason.join(' '));
  }
  return m;
}

test('promql conformance: every eval of the 2.42 test scripts passes', { timeout: 60_000 }, async () => {
  const allowed = exceptions();
  const files = readdirSync(dir).filter((f) => f.endsWith('.test')).sort();
  assert.equal(files.length, 11);
  const all: EvalOutcome[] = [];
  for (const f of files) all.push(...(await runScript(f, readFileSync(join(dir, f), 'utf8'))));
  const failed = all.filter((o) => o.error);
  const unexpected = failed.filter((o) => !allowed.has(`${o.file}:${o.line}`));
  console.log(`promql conformance: ${all.length - failed.length}/${all.length} evals pass`);
  for (const o of unexpected) console.log(`  ${o.file}:${o.line} ${o.query}\n    ${o.error}`);
  // An exception for an eval that passes is stale and must be removed.
  const stale = [...allowed.keys()].filter((k) => !failed.some((o) => `${o.file}:${o.line}` === k));
  assert.deepEqual(stale, [], 'stale entries in conformance-exceptions.txt');
  assert.equal(unexpected.length, 0, `${unexpected.length} evals failed`);
  assert.equal(all.length, 566);
});
