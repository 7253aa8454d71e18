// The HTTP client library, loaded on first use. Loading undici takes ~110 ms, a quarter of
// `promts server`'s start to /-/ready, and nothing before ready needs it: scrapes, remote
// write, notifications and service discovery all begin after. Importing it statically from
// any module the server reaches at start-up would put that back; take types with
// `import type` and values from undici().
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

let lib: typeof Undici | undefined;

export function undici(): typeof Undici {
  return (lib ??= createRequire(import.meta.url)('undici') as typeof Undici);
}
