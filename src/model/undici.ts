// The HTTP client library, loaded on first use: loading undici takes ~110 ms, a quarter of
// `promts server`'s start to /-/ready, and nothing before ready needs it (scrapes, remote
// write, notifications and service discovery all begin after). Take types with `import type`
// and values from undici().
import type * as Undici from 'undici';
import { lazyPackage } from './lazy.js';

export const undici = lazyPackage<typeof Undici>('undici');
