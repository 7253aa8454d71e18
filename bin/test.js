#!/usr/bin/env node
// Runs the whole suite from the build in dist/test with node's test runner.
// A file glob is not needed: node --test searches the directory for *.test.js.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const extra = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', ...extra, join(root, 'dist', 'test')],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
