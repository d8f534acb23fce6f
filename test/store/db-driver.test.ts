import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { PgliteWorkerDb } from '../../src/store/pglite-worker-db.js';
import { createTestSchema, storeKinds, type StoreKind, type TestSchema } from '../support/test-app.js';

/** The embedded store runs on this thread (`pglite`) or on its own worker thread (`pglite-worker`): both pass. */
type DriverKind = StoreKind | 'pglite-worker';

/** A store whose statement cap is `maxPrepared`, with the schema migrated; `close` also drops a test schema. */
async function openDb(kind: DriverKind, maxPrepared?: number): Promise<Db> {
  let db: Db;
  let schema: TestSchema | null = null;
  if (kind === 'pglite') db = await PgliteDb.open(null, { maxPrepared });
  else if (kind === 'pglite-worker') db = await PgliteWorkerDb.open(null, { maxPrepared });
  else {
    schema = await createTestSchema();
    db = schema.connect({ maxPrepared });
  }
  await migrate(db);
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      await schema?.drop();
    },
  });
}

/** Statements prepared on the session that runs `tx`, by text. */
async function preparedTexts(tx: Pick<Db, 'query'>): Promise<string[]> {
  const rows = await tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
  return rows.map((r) => r.statement);
}

const probe = 'SELECT $1::int + 1 AS n';

for (const kind of ['pglite-worker', ...storeKinds()] as DriverKind[]) {
  describe(`database driver (${kind})`, () => {
    let db: Db;
    before(async () => {
      db = await openDb(kind);
    });
    after(() => db.close());

    test('a statement is prepared once per session and its later runs reuse it', async () => {
      await db.transaction(async (tx) => {
        assert.deepEqual(await tx.query(probe, [1]), [{ n: 2 }]);
        assert.deepEqual(await tx.query(probe, [41]), [{ n: 42 }]);
        const texts = await preparedTexts(tx);
        assert.equal(texts.filter((t) => t === probe).length, 1, `one prepared statement for the text, got ${JSON.stringify(texts)}`);
      });
    });

    test('parameters and columns keep their types through a prepared statement', async () => {
      const at = new Date('2026-11-23T10:00:00.123Z');
      const sql = `SELECT $1::jsonb AS j, $2::text[] AS a, $3::timestamptz AS t, $4::bigint AS b, $5::boolean AS f, $6::text AS nothing, $7::int AS i`;
      const params = [JSON.stringify({ x: [1, 'two'] }), ['a', 'b,c'], at, 9_007_199_254_740, true, null, 7];
      // The first run prepares, the second reuses: both must read the same.
      for (let run = 0; run < 2; run++) {
        const [row] = await db.query<Record<string, unknown>>(sql, params);
        assert.deepEqual(row!.j, { x: [1, 'two'] });
        assert.deepEqual(row!.a, ['a', 'b,c']);
        assert.equal((row!.t as Date).toISOString(), at.toISOString());
        assert.equal(Number(row!.b), 9_007_199_254_740);
        assert.equal(row!.f, true);
        assert.equal(row!.nothing, null);
        assert.equal(row!.i, 7);
      }
    });

    test('a failing statement keeps its SQLSTATE and rolls its transaction back', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', ['zz_rolled_back']);
          await tx.query('SELECT 1 / $1::int AS n', [0]);
        }),
        (error: { code?: string }) => error.code === '22012',
      );
      assert.deepEqual(await db.query('SELECT version FROM schema_migrations WHERE version = $1', ['zz_rolled_back']), []);
    });

    test('a transaction whose failed statement was caught does not report a commit', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', ['zz_swallowed']);
          await tx.query('SELECT 1 / $1::int AS n', [0]).catch(() => {});
          return 'looks fine';
        }),
        /rolled back/,
      );
      assert.deepEqual(await db.query('SELECT version FROM schema_migrations WHERE version = $1', ['zz_swallowed']), []);
    });

    test('a statement on a transaction that has ended is refused', async () => {
      let kept: Pick<Db, 'query'> | null = null;
      await db.transaction(async (tx) => {
        kept = tx;
      });
      await assert.rejects(kept!.query('SELECT 1 AS n'), /Transaction is closed/);
    });

    test('texts beyond the statement cap still run, unnamed', async () => {
      const capped = await openDb(kind, 0);
      try {
        await capped.transaction(async (tx) => {
          assert.deepEqual(await tx.query(probe, [1]), [{ n: 2 }]);
          assert.deepEqual(await tx.query(probe, [2]), [{ n: 3 }]);
          assert.deepEqual(await preparedTexts(tx), [], 'nothing prepared with a cap of 0');
        });
      } finally {
        await capped.close();
      }
    });
  });
}
