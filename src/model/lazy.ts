// Packages whose loading is costly and not always needed, loaded on first use instead of at
// start-up (re2js ~30 ms, undici ~110 ms, the snappy addon ~10 ms). Take their types with
// `import type`; a static import from any module reached at start-up would put the cost back.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** A getter for package `name`, which loads it on its first call. */
export function lazyPackage<T>(name: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(name) as T);
}
