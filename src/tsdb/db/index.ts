// tsdb/db: the TSDB a server opens — blocks + head + WAL behind the Storage seam.
export { DB, openDB, DEFAULT_RETENTION_MS, DEFAULT_BLOCK_DURATION_MS, type DBOptions } from './db.js';
export { acquireLock, DBLockError } from './lock.js';
export { openDBReadOnly, ReadWalError, type ReadOnlyDB } from './readonly.js';
export { snapshotName } from './snapshot.js';
export { blockRanges, planCompaction } from './plan.js';
export { CompactionError } from './errors.js';
