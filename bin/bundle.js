#!/usr/bin/env node
// Bundles the CLI's fast paths (src/cli/fastpath.ts: `tsdb list|analyze|dump`; src/cli/serverpath.ts:
// `promts server`) from the compiled dist/ into one CommonJS file each, beside their sources,
// so they start without resolving and loading dozens of ES modules one by one. Packages stay
// external. Run by `npm run build` after tsc.
//
// `import.meta.url` is rewritten per module to the URL of the module's own compiled file: code
// that finds files next to itself (the compaction worker, package.json, lazily loaded modules)
// finds the same files from the bundle as from dist/.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Defined once at the top of each bundle, where `require` is still CommonJS's own (a module
 * may declare a local of that name): the file URL of a path relative to the bundle.
 */
const URL_OF = '__promtsFileUrl';
const BANNER = `'use strict';\nconst ${URL_OF} = (p) => require('node:url').pathToFileURL(require('node:path').join(__dirname, p)).href;`;

/** esbuild plugin: import.meta.url -> the file URL of the module's file in dist/. */
function ownImportMetaUrl(outfile) {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        const src = await readFile(args.path, 'utf8');
        if (!src.includes('import.meta.url')) return undefined;
        const rel = relative(dirname(outfile), args.path).split('\\').join('/');
        return { contents: src.replaceAll('import.meta.url', `${URL_OF}(${JSON.stringify(rel)})`), loader: 'js' };
      });
    },
  };
}

for (const name of ['fastpath', 'serverpath']) {
  const outfile = join(root, 'dist', 'src', 'cli', `${name}.cjs`);
  await build({
    entryPoints: [join(root, 'dist', 'src', 'cli', `${name}.js`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner: { js: BANNER },
    plugins: [ownImportMetaUrl(outfile)],
  });
}
