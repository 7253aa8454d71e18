// What the script runner needs from other areas, through their entry modules.
export { Labels, isStaleNaN } from '../../src/model/index.js';
export { MemoryStorage } from '../../src/storage/index.js';
