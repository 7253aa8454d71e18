#!/usr/bin/env node
'use strict';
// The promts CLI entry point. `promts server` and promtool's inspection commands
// (`tsdb list|analyze|dump`) first go to one-file bundles that start without loading oclif
// (src/cli/serverpath.ts, src/cli/fastpath.ts); everything else, and anything those decline
// (help, typos, unusual argv), goes to oclif, which finds the compiled commands in
// dist/commands. CommonJS, because an ES module entry costs every run ~8 ms of module-loader
// start-up before its first line.
const { join } = require('node:path');

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === 'server') {
    const code = await require('../dist/src/cli/serverpath.cjs').runServerFast(argv.slice(1));
    // As the oclif command does once the server has stopped: exit, whatever is still pending.
    if (code !== undefined) process.exit(code);
  } else if (argv[0] === 'tsdb') {
    const code = await require('../dist/src/cli/fastpath.cjs').runFast(argv);
    if (code !== undefined) return void (process.exitCode = code);
  }
  await require('@oclif/core').execute({ dir: join(__dirname, '..') });
}

main();
