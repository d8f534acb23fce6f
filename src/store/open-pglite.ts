import type { PgliteThread } from '../config.js';
import type { DataDirLock } from './data-dir-lock.js';
import type { Db } from './db.js';
import type { PgliteOpenOptions } from './pglite-data-dir.js';
import { PgliteDb } from './pglite-db.js';
import { PgliteWorkerDb } from './pglite-worker-db.js';

/** The embedded store, on the thread asked for. */
export function openPglite(dataDir: string | null, thread: PgliteThread, options: PgliteOpenOptions = {}): Promise<PgliteDb | PgliteWorkerDb> {
  return thread === 'worker' ? PgliteWorkerDb.open(dataDir, options) : PgliteDb.open(dataDir, options);
}

/** The data directory lock an embedded store holds; null for PostgreSQL or a store in memory. */
export function dirLockOf(db: Db): DataDirLock | null {
  return db instanceof PgliteDb || db instanceof PgliteWorkerDb ? db.dirLock : null;
}
