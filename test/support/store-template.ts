/**
 * A migrated, empty embedded store to copy, for tests about what happens on a data directory rather than about
 * creating one: a new PGlite database costs seconds (its initdb writes ~1,000 files), a copy milliseconds. Built
 * once per test file, through the same code a server uses (the embedded store's open, then the migrations).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/open-pglite.js';
import { testPgliteThread } from './test-app.js';

let template: Promise<string> | null = null;

/** Copies an empty, migrated store to `dataDir` (which must not exist yet) and returns `dataDir`. */
export async function emptyStoreAt(dataDir: string): Promise<string> {
  template ??= (async () => {
    const parent = mkdtempSync(join(tmpdir(), 'deskwire-template-'));
    process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
    const dir = join(parent, 'data');
    const db = await openPglite(dir, testPgliteThread);
    await migrate(db);
    await db.close();
    return dir;
  })();
  cpSync(await template, dataDir, { recursive: true });
  return dataDir;
}
