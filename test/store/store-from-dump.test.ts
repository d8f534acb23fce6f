/**
 * An embedded store in memory opened from a dump (`fromDump`, how every test store starts): on either thread it
 * holds what the dumped database held — here every migration, so migrating again applies nothing — and it is a
 * store of its own: what one writes, another opened from the same dump does not see.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/open-pglite.js';
import { migratedStoreDump } from '../support/store-dump.js';

const migrations = readdirSync(new URL('../../migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).sort();

for (const thread of ['main', 'worker'] as const) {
  test(`a store opened from the migrated dump on the ${thread} thread holds every migration, and only its own writes`, async () => {
    const dump = await migratedStoreDump();
    const [a, b] = await Promise.all([openPglite(null, thread, { fromDump: dump }), openPglite(null, thread, { fromDump: dump })]);
    try {
      const versions = await a.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(versions.map((r) => r.version), migrations);
      assert.deepEqual(await migrate(a), []);
      await a.query(`INSERT INTO schema_migrations (version) VALUES ('zz_only_in_a')`);
      assert.deepEqual(await b.query(`SELECT version FROM schema_migrations WHERE version = 'zz_only_in_a'`), []);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
}
