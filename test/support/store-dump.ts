/**
 * The tests' embedded stores start from one dump of a migrated, empty database instead of a new one: PGlite's
 * initdb costs 2–3 s of CPU per store, loading the dump about half a second. The dump is built once per machine
 * through the same code a server uses (the embedded store's open, then the migrations) and kept in the system's
 * temporary directory under a name that changes with the migrations and the PGlite version, so each test file (its
 * own process) finds it ready and a changed migration builds a new one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDb } from '../../src/store/pglite-db.js';

const migrationsDir = new URL('../../migrations/', import.meta.url);

/** What the dump depends on: every migration's text and the PGlite version that wrote it. */
function dumpKey(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(new URL(file, migrationsDir)));
  }
  const pgliteVersion = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return hash.update(pgliteVersion).digest('hex').slice(0, 16);
}

let dump: Promise<string> | null = null;

/** The path of the migrated store's dump, built the first time a machine asks for it. */
export function migratedStoreDump(): Promise<string> {
  dump ??= (async () => {
    const path = join(tmpdir(), `deskwire-test-store-${dumpKey()}.tar`);
    if (existsSync(path)) return path;
    const parent = mkdtempSync(join(tmpdir(), 'deskwire-dump-'));
    try {
      const dataDir = join(parent, 'data');
      const db = await PgliteDb.open(dataDir);
      await migrate(db);
      await db.close();
      const pg = await PGlite.create(join(dataDir, 'pglite'));
      const blob = await pg.dumpDataDir('none');
      await pg.close();
      // Written aside, then renamed: a test file running beside this one never reads half a dump.
      const partial = join(parent, 'dump.tar');
      writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
      renameSync(partial, path);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
    return path;
  })();
  return dump;
}
