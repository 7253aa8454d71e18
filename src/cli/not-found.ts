import type { Hook } from '@oclif/core';
import { nearest } from './suggest.js';

/** oclif's command_not_found hook: name the nearest real command instead of a bare "not found". */
const hook: Hook<'command_not_found'> = async function (opts) {
  const ids = opts.config.commands.map((c) => c.id.replaceAll(':', ' '));
  const typed = opts.id.replaceAll(':', ' ');
  const near = nearest(typed, ids);
  process.stderr.write(`Error: "${typed}" is not a promts command.${near ? ` Did you mean "promts ${near}"?` : ''}\nTry this: promts --help lists every command.\n`);
  process.exit(1);
};

export default hook;
