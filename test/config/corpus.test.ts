// `promts check config` against promtool 2.42's recorded verdicts on Prometheus's own config
// corpus (../shared/conformance) and the fixture configs (../shared/fixtures/configs).
//
// To stay fast on a shared machine, files of one folder and one flag set are checked in a
// single CLI run; promtool's output names every file ("Checking F", " SUCCESS: F is valid
// ...", "  FAILED: ..." in file order), so each file's verdict and first error line can be
// read back from that one run.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conformanceDir, fixturesDir, runCli } from '../helpers/index.js';

interface Verdict {
  ok: boolean;
  /** First and second stderr lines of this file's failure, trimmed (promtool's table format). */
  err: string[];
}

function readTsv(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
}

/** Runs one batch and splits the output back into per-file verdicts. */
async function checkBatch(cwd: string, files: string[], args: string[]): Promise<{ code: number; stdout: string; verdicts: Map<string, Verdict> }> {
  const r = await runCli(['check', 'config', ...args, ...files], { cwd, timeoutMs: 120_000 });
  const failedFiles = files.filter((f) => !r.stdout.includes(`\n SUCCESS: ${f} is valid prometheus config file syntax\n`));
  // Config failures are "  FAILED: <message>" followed by continuation lines, then our
  // position/hint lines ("    at ...", "    N | ...", "    hint: ...").
  const blocks: string[][] = [];
  for (const line of r.stderr.split('\n')) {
    if (line.startsWith('(node:') || line.includes('--trace-warnings')) continue;
    if (/^ {2}FAILED: ./.test(line)) blocks.push([line.trim()]);
    else if (/^ {2}FAILED:$/.test(line)) blocks.push([]); // a rule file's failure: not a config verdict
    else if (blocks.length > 0 && line.trim() !== '' && !/^ {4}(at |hint: |\d+ \| |\s*\^)/.test(line) && blocks[blocks.length - 1]!.length > 0) {
      blocks[blocks.length - 1]!.push(line.trim());
    }
  }
  const configBlocks = blocks.filter((b) => b.length > 0);
  const verdicts = new Map<string, Verdict>();
  let i = 0;
  for (const f of files) {
    const ok = !failedFiles.includes(f);
    verdicts.set(f, { ok, err: ok ? [] : (configBlocks[i++] ?? []) });
  }
  return { code: r.code, stdout: r.stdout, verdicts };
}

/** Runs batches two at a time (the machine has two shared cores). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < jobs.length; i += 2) out.push(...(await Promise.all(jobs.slice(i, i + 2).map((j) => j()))));
  return out;
}

const rulesDir = join(conformanceDir, 'rules');

// upstream-config-expectations.tsv: what Prometheus's own Go tests require, and whether
// Debian's promtool (which lacks consul/kubernetes/kuma/linode/nomad SD) agrees.
const upstream = new Map<string, { result: string; substring: string; debianAgrees: boolean }>();
for (const [file, mode, result, substring, , , agrees] of readTsv(join(conformanceDir, 'upstream-config-expectations.tsv'))) {
  upstream.set(`${file}\t${mode}`, { result: result!, substring: substring!, debianAgrees: agrees === 'yes' });
}
const debianLacksSD = (file: string) => [...upstream.entries()].some(([k, v]) => k.startsWith(file + '\t') && !v.debianAgrees);

describe('check config: Prometheus conformance corpus', () => {
  test('every corpus file gets promtool 2.42 verdict (upstream verdict where Debian lacks an SD mechanism)', { timeout: 600_000 }, async () => {
    const base = readTsv(join(conformanceDir, 'config-expected.tsv')).map(([file, code, e1, e2]) => ({ file: file!, args: '', code: code!, e1: e1!, e2: e2! }));
    const variants = readTsv(join(conformanceDir, 'config-expected-variants.tsv')).map(([file, args, code, e1, e2]) => ({ file: file!, args: args!, code: code!, e1: e1!, e2: e2! }));
    const rows = [...base, ...variants];
    const groups = new Map<string, typeof rows>();
    for (const r of rows) {
      const key = `${r.file.split('/')[0]}\t${r.args}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const results = await inPairs(
      [...groups.entries()].map(([key, rs]) => async () => {
        const [dir, args] = key.split('\t') as [string, string];
        const files = rs.map((r) => r.file.split('/').slice(1).join('/'));
        return { rs, res: await checkBatch(join(rulesDir, dir), files, args ? [args] : []) };
      }),
    );

    let agree = 0;
    let total = 0;
    let messagesSame = 0;
    let messagesCompared = 0;
    let exitCodes = 0;
    const problems: string[] = [];
    for (const { rs, res } of results) {
      // promtool's exit code for several files: 1 if any file is invalid, else 3 if lint
      // findings are fatal, else 0 (Debian-only SD failures count as upstream's verdict).
      const codes = rs.map((r) => (debianLacksSD(r.file) ? (upstream.get(`${r.file}\tsyntax-only`)?.result === 'error' ? 1 : 0) : Number(r.code)));
      const wantCode = codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0;
      if (res.code !== wantCode) problems.push(`batch ${rs[0]!.file.split('/')[0]} ${rs[0]!.args}: exit ${res.code}, want ${wantCode}`);
      else exitCodes++;
      for (const r of rs) {
        const name = r.file.split('/').slice(1).join('/');
        const got = res.verdicts.get(name)!;
        const mode = r.args === '' ? 'default' : r.args.replace(/^--/, '');
        let wantOk: boolean;
        let wantText: string | undefined;
        let upstreamOnly = false;
        if (debianLacksSD(r.file)) {
          // Debian's build rejects the SD key itself; upstream's Go tests are the reference.
          // A file upstream rejects on syntax is rejected in every mode; a file upstream
          // accepts is only judged in the modes upstream tested.
          const syn = upstream.get(`${r.file}\tsyntax-only`);
          const sameMode = upstream.get(`${r.file}\t${mode}`);
          const ref = sameMode ?? (syn?.result === 'error' ? syn : undefined);
          if (!ref) continue;
          wantOk = ref.result === 'ok';
          wantText = ref.substring || undefined;
          upstreamOnly = true;
        } else {
          wantOk = r.code !== '1';
          if (r.e1.startsWith('FAILED: ')) wantText = r.e1;
        }
        total++;
        if (got.ok === wantOk) agree++;
        else problems.push(`${r.file} ${r.args}: want ${wantOk ? 'valid' : 'invalid'}, got ${got.ok ? 'valid' : 'invalid ' + got.err[0]}`);
        if (!wantOk && !got.ok && wantText) {
          messagesCompared++;
          const same = upstreamOnly ? got.err.join('\n').includes(wantText) : got.err[0] === wantText && (!r.e2 || got.err[1] === r.e2.replace(/\\t/g, '\t'));
          if (same) messagesSame++;
          else problems.push(`${r.file} ${r.args}: message\n   want: ${wantText}${r.e2 ? ' / ' + r.e2 : ''}\n   got:  ${got.err.slice(0, 2).join(' / ')}`);
        }
      }
    }
    console.log(`config corpus: ${agree}/${total} verdicts agree; ${messagesSame}/${messagesCompared} error messages identical; ${exitCodes} batch exit codes match`);
    assert.deepEqual(problems, []);
    assert.ok(total >= 250, `expected the whole corpus to be compared, compared ${total}`);
    assert.ok(exitCodes >= 3, 'exit codes 0/1/3 were checked');
  });

});

describe('check config: fixture configs (promtool stdout byte for byte)', () => {
  test('stdout, first error line and exit code match promtool for every fixture run', { timeout: 600_000 }, async () => {
    const base = join(fixturesDir, 'configs');
    const unesc = (s: string) => s.replace(/\\(\\|n|t|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : '\\'));
    const rows = readTsv(join(base, 'expected.tsv')).map(([file, args, code, stdout, stderr]) => ({ file: file!, args: args!, code: Number(code), stdout: unesc(stdout!), stderr: unesc(stderr ?? '') }));
    // Debian's build lacks these SD mechanisms; upstream accepts both files, so promtool's
    // output there would be the plain success lines.
    for (const r of rows) {
      if (/(consul|kubernetes)-sd-debian\.yml$/.test(r.file)) {
        const name = r.file.split('/').pop()!;
        Object.assign(r, { code: 0, stdout: `Checking ${name}\n SUCCESS: ${name} is valid prometheus config file syntax\n\n`, stderr: '' });
      }
    }
    const groups = new Map<string, typeof rows>();
    for (const r of rows) {
      const dir = r.file.includes('/') ? r.file.slice(0, r.file.lastIndexOf('/')) : '.';
      const key = `${dir}\t${r.args}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const problems: string[] = [];
    let agree = 0;
    const results = await inPairs(
      [...groups.entries()].map(([key, rs]) => async () => {
        const [dir, args] = key.split('\t') as [string, string];
        const files = rs.map((r) => r.file.split('/').pop()!);
        return { key, rs, res: await checkBatch(join(base, dir), files, args ? [args] : []) };
      }),
    );
    for (const { key, rs, res } of results) {
      const wantStdout = rs.map((r) => r.stdout).join('');
      if (res.stdout !== wantStdout) problems.push(`${key}: stdout differs\n--- want\n${wantStdout}--- got\n${res.stdout}`);
      const wantCode = rs.some((r) => r.code === 1) ? 1 : rs.some((r) => r.code === 3) ? 3 : 0;
      if (res.code !== wantCode) problems.push(`${key}: exit ${res.code}, want ${wantCode}`);
      for (const r of rs) {
        const name = r.file.split('/').pop()!;
        const v = res.verdicts.get(name)!;
        const firstErr = r.stderr.split('\n')[0]!.trim();
        const wantOk = !firstErr.startsWith('FAILED: ');
        if (v.ok === wantOk && (wantOk || v.err[0] === firstErr)) agree++;
        else problems.push(`${r.file} ${r.args}: want ${wantOk ? 'valid' : firstErr}, got ${v.ok ? 'valid' : v.err[0]}`);
      }
    }
    console.log(`fixture configs: ${agree}/${rows.length} runs agree`);
    assert.deepEqual(problems, []);
  });
});
