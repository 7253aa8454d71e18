import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The promts version from package.json, found by walking up from this file (src/ or dist/src/). */
export const PROMTS_VERSION: string = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(d, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'promts' && pkg.version) return pkg.version;
    }
    d = dirname(d);
  }
  return 'unknown';
})();
