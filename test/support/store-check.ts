/**
 * Looks inside a stopped embedded store: the index check PostgreSQL ships (amcheck's bt_index_check, with
 * heapallindexed, over every btree index: each index is well formed and holds every row of its table) and the ids
 * of the stored messages. It takes the data directory's lock like any process, so it fails if one still runs.
 */
import { PGlite } from '@electric-sql/pglite';
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { join } from 'node:path';
import { lockDataDir } from '../../src/store/data-dir-lock.js';

export interface StoreInspection {
  /** Every btree index checked (an index that fails the check throws instead). */
  indexes: string[];
  messageIds: Set<string>;
  projects: number;
  users: number;
}

export async function inspectStore(dataDir: string): Promise<StoreInspection> {
  const lock = await lockDataDir(dataDir, { command: 'test inspectStore' });
  const pg = await PGlite.create(join(lock.dir, 'pglite'), { extensions: { amcheck } });
  try {
    await pg.exec('CREATE EXTENSION IF NOT EXISTS amcheck');
    const { rows } = await pg.query<{ name: string }>(
      `SELECT c.oid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.amname = 'btree' AND n.nspname = 'public' ORDER BY 1`,
    );
    for (const { name } of rows) await pg.query('SELECT bt_index_check($1::regclass, true)', [name]);
    const messages = await pg.query<{ id: string }>('SELECT id FROM messages');
    const count = async (table: string) => (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    return { indexes: rows.map((r) => r.name), messageIds: new Set(messages.rows.map((r) => r.id)), projects: await count('projects'), users: await count('users') };
  } finally {
    await pg.close();
    await lock.release();
  }
}
