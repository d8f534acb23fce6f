import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lockDataDir, type DataDirLock, type LockHolder } from './data-dir-lock.js';
import { makeOwnerOnly, type ModeReport } from './data-dir-modes.js';
import { StoreMissingError } from './store-errors.js';

export interface PgliteOpenOptions {
  maxPrepared?: number;
  /** Create the store when the directory holds none (default true; the CLI's `token` and `migrate` pass false). */
  create?: boolean;
  /** Recorded in the lock: what holds the directory (`deskwire serve`). */
  command?: string;
  /** Wait for the directory's holder to exit instead of refusing (`--wait`). */
  wait?: boolean;
  onWait?: (holder: LockHolder) => void;
  /** Called when the directory was open to other users (it is made owner-only either way). */
  onExposed?: (dataDir: string, report: ModeReport) => void;
  /**
   * In memory only: start from this file, a dump of a database directory (PGlite's `dumpDataDir`), instead of a new
   * database. A new one runs initdb (seconds); a dump loads in a fraction of that (the tests start their stores so).
   */
  fromDump?: string;
}

/** Whether `dataDir` holds an embedded store. */
export function pgliteStoreExists(dataDir: string): boolean {
  return existsSync(join(dataDir, 'pglite', 'PG_VERSION'));
}

/**
 * Opens the embedded database of `dataDir` with `open` (given the PGlite directory inside it), the same way on this
 * thread or on the store's worker thread: the directory is locked first by this process (one process per
 * directory: a second one gets `DataDirHeldError`), then made owner-only, then opened, then made owner-only again
 * (a new database's files are written 0666 by PGlite itself). The lock is released when the open fails.
 */
export async function openInDataDir<T>(dataDir: string, options: PgliteOpenOptions, open: (pgliteDir: string) => Promise<T>): Promise<{ opened: T; lock: DataDirLock }> {
  // Checked before the lock, which would create the directory: a mistyped DATA_DIR leaves nothing behind.
  if (options.create === false && !pgliteStoreExists(dataDir)) throw new StoreMissingError(dataDir);
  const lock = await lockDataDir(dataDir, { command: options.command ?? 'deskwire', wait: options.wait, onWait: options.onWait });
  try {
    const dir = join(lock.dir, 'pglite');
    if (options.create === false && !pgliteStoreExists(lock.dir)) throw new StoreMissingError(lock.dir);
    const before = makeOwnerOnly(lock.dir);
    if (before.exposed.length > 0) options.onExposed?.(lock.dir, before);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const opened = await open(dir);
    makeOwnerOnly(lock.dir);
    return { opened, lock };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
