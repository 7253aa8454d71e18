#!/usr/bin/env node
// The promts CLI entry point. promtool's inspection commands (`tsdb list|analyze|dump`) run
// from a one-file bundle without loading oclif, which costs more than promtool's whole run
// (src/cli/fastpath.ts); everything else, and anything the fast path declines, goes to oclif,
// which finds the compiled commands in dist/commands.
import { createRequire } from 'node:module';

const argv = process.argv.slice(2);
const code = argv[0] === 'tsdb' ? await createRequire(import.meta.url)('../dist/src/cli/fastpath.cjs').runFast(argv) : undefined;
if (code === undefined) {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
} else process.exitCode = code;
