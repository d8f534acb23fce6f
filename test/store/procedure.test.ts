/**
 * Procedures (`store/procedure.ts`): a transaction body run where the store runs. On the worker-thread store it runs
 * in the worker, in one message; everywhere it is one transaction with the same answers: its result, a refusal
 * that arrives as the same `DeskwireError` (code and details) with its writes rolled back, a SQL error with its
 * SQLSTATE, and serialization with every other transaction.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { threadId } from 'node:worker_threads';
import { DeskwireError } from '../../src/domain/errors.js';
import type { Db } from '../../src/store/db.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { PgliteWorkerDb } from '../../src/store/pglite-worker-db.js';
import { defineProcedure } from '../../src/store/procedure.js';
import { createTestSchema, storeKinds, type TestSchema } from '../support/test-app.js';
import { duplicateKey, increment, misnamed, TABLE, writeThenRefuse } from './procedures-fixture.js';

type Kind = 'pglite' | 'pglite-worker' | 'postgres';

async function open(kind: Kind): Promise<{ db: Db; schema: TestSchema | null }> {
  if (kind === 'pglite') return { db: await PgliteDb.open(null), schema: null };
  if (kind === 'pglite-worker') return { db: await PgliteWorkerDb.open(null), schema: null };
  const schema = await createTestSchema();
  return { db: schema.connect(), schema };
}

const counter = async (db: Db) => (await db.query<{ n: number }>(`SELECT n FROM ${TABLE} WHERE id = 1`))[0]!.n;

for (const kind of ['pglite', 'pglite-worker', ...storeKinds().filter((k) => k === 'postgres')] as Kind[]) {
  describe(`procedures on ${kind}`, () => {
    let db: Db;
    let schema: TestSchema | null;
    before(async () => {
      ({ db, schema } = await open(kind));
      await db.exec(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, n int NOT NULL); INSERT INTO ${TABLE} VALUES (1, 0);`);
    });
    after(async () => {
      await db.close();
      await schema?.drop();
    });

    test(kind === 'pglite-worker' ? 'runs in the worker thread and answers its result' : 'runs on this thread and answers its result', async () => {
      const start = await counter(db);
      const result = await db.transact(increment, { by: 1 });
      assert.equal(result.before, start);
      assert.equal(await counter(db), start + 1);
      if (kind === 'pglite-worker') assert.notEqual(result.threadId, threadId, 'the procedure ran in the store worker');
      else assert.equal(result.threadId, threadId);
    });

    test('runs serialized with every other transaction: no lost update among 40 interleaved increments', async () => {
      const start = await counter(db);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? db.transact(increment, { by: 1 })
            : db.transaction(async (tx) => {
                // As `increment`, but from this thread, statement by statement.
                const [row] = await tx.query<{ n: number }>(`SELECT n FROM ${TABLE} WHERE id = 1 FOR UPDATE`);
                await tx.query(`UPDATE ${TABLE} SET n = $1 WHERE id = 1`, [row!.n + 1]);
              }),
        ),
      );
      assert.equal(await counter(db), start + 40);
    });

    test('a refusal arrives as the same DeskwireError, code and details, and its write is rolled back', async () => {
      const start = await counter(db);
      await assert.rejects(db.transact(writeThenRefuse, {}), (error: unknown) => {
        assert.ok(error instanceof DeskwireError, `a DeskwireError, got ${String(error)}`);
        assert.equal(error.code, 'CONFLICT');
        assert.equal(error.message, 'refused on purpose');
        assert.deepEqual(error.details, { field: 'n', limits: [1, 2] });
        return true;
      });
      assert.equal(await counter(db), start);
    });

    test('a failed statement arrives with its SQLSTATE, and the write before it is rolled back', async () => {
      const start = await counter(db);
      await assert.rejects(db.transact(duplicateKey, {}), (error: Error & { code?: string }) => error.code === '23505');
      assert.equal(await counter(db), start);
    });

    test('the store goes on after the failures: the next procedure commits', async () => {
      const start = await counter(db);
      await db.transact(increment, { by: 5 });
      assert.equal(await counter(db), start + 5);
    });
  });
}

describe('a procedure the worker cannot find', () => {
  let db: PgliteWorkerDb;
  before(async () => {
    db = await PgliteWorkerDb.open(null);
  });
  after(() => db.close());

  test('an export under another name is refused by name, not run', async () => {
    await assert.rejects(db.transact(misnamed, {}), /exports no procedure named notThisName/);
  });

  test('a name the module does not export is refused by name', async () => {
    const absent = defineProcedure(new URL('./procedures-fixture.ts', import.meta.url).href, 'absent', async () => 'ran');
    await assert.rejects(db.transact(absent, {}), /exports no procedure named absent/);
  });

  test('the worker still serves after both', async () => {
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
  });
});
