// Runs every side-by-side benchmark in turn (each as its own process, so one's memory does not
// colour another's) and prints their markdown tables. `npm run bench -- ingest` runs one.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const skip = new Set(['run.js', 'lib.js', 'sysconf.js', 'farm.js']);
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.js') && !skip.has(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const b of benches) {
  process.stdout.write(`\n## ${b.replace(/\.js$/, '')}\n\n`);
  const r = spawnSync(process.execPath, [join(here, b)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
