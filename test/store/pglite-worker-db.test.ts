/**
 * The embedded store on its own worker thread (`PgliteWorkerDb`, PGLITE_THREAD=worker): rows and errors read exactly as on
 * the in-thread `PgliteDb`, a transaction holds the database to itself across the thread boundary, close waits for
 * what is in flight, and a worker that stops fails every call at once with a store error (503, /readyz not ready)
 * instead of leaving callers waiting forever. (The same driver contract: db-driver.test.ts; the process exiting:
 * test/cli/store-worker-crash.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp } from '../../src/app.js';
import { migrate } from '../../src/store/migrate.js';
import { PgliteDb } from '../../src/store/pglite-db.js';
import { PgliteWorkerDb } from '../../src/store/pglite-worker-db.js';
import { isStoreUnavailable, StoreWorkerStoppedError } from '../../src/store/store-errors.js';
import { testConfig } from '../support/test-app.js';

/** One statement per type family the store reads back (parsed in the worker, cloned to this thread). */
const typed = `SELECT now()::timestamptz AS t, '2026-11-23'::date AS d, 9007199254740::bigint AS b, 12.5::numeric AS n, 3::int AS i,
  1.25::float8 AS f, true AS yes, NULL::text AS nothing, ARRAY['a', 'b,c']::text[] AS arr, ARRAY[1, 2]::int[] AS ints,
  '{"x": [1, "two", null]}'::jsonb AS j, '\\x00ff10'::bytea AS bytes, gen_random_uuid() IS NOT NULL AS has_uuid,
  '1 day'::interval AS span, $1::text AS param_text, $2::timestamptz AS param_time, $3::jsonb AS param_json`;

/** Resolves with the order in which the named promises settled. */
function settleOrder(named: Record<string, Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  return Promise.all(Object.entries(named).map(([name, p]) => p.then(() => order.push(name), () => order.push(name)))).then(() => order);
}

describe('the embedded store on a worker thread', () => {
  let inThread: PgliteDb;
  let worker: PgliteWorkerDb;
  before(async () => {
    [inThread, worker] = await Promise.all([PgliteDb.open(null), PgliteWorkerDb.open(null)]);
    await Promise.all([migrate(inThread), migrate(worker)]);
  });
  after(async () => {
    await inThread.close();
    await worker.close();
  });

  test('rows read the same as on the in-thread store: dates, numbers, arrays, JSON, bytes, nulls', async () => {
    const at = new Date('2026-11-23T10:00:00.123Z');
    const params = ['text', at, JSON.stringify({ deep: { list: [1, 2] } })];
    const [expected] = await inThread.query<Record<string, unknown>>(typed, params);
    const [actual] = await worker.query<Record<string, unknown>>(typed, params);
    // now() differs between the two databases: compare its type, then everything else exactly.
    assert.ok(actual!.t instanceof Date && expected!.t instanceof Date);
    assert.ok(actual!.d instanceof Date);
    assert.equal((actual!.param_time as Date).toISOString(), at.toISOString());
    assert.ok(actual!.bytes instanceof Uint8Array);
    assert.deepEqual(Array.from(actual!.bytes as Uint8Array), [0, 255, 16]);
    const { t: _t1, bytes: b1, ...rest1 } = expected!;
    const { t: _t2, bytes: b2, ...rest2 } = actual!;
    assert.deepEqual(rest2, rest1);
    assert.deepEqual(Array.from(b2 as Uint8Array), Array.from(b1 as Uint8Array));
    for (const key of Object.keys(expected!)) assert.equal(typeof actual![key], typeof expected![key], `column ${key}`);
  });

  test('a failed statement keeps its SQLSTATE, constraint and detail across the thread', async () => {
    await worker.query(`INSERT INTO schema_migrations (version) VALUES ('zz_once')`);
    const inThreadError = await inThread.query(`INSERT INTO schema_migrations (version) VALUES ('zz_once'), ('zz_once')`).catch((e: unknown) => e);
    const workerError = await worker.query(`INSERT INTO schema_migrations (version) VALUES ($1)`, ['zz_once']).catch((e: unknown) => e);
    assert.ok(workerError instanceof Error, 'the duplicate is refused');
    const fields = (e: unknown) => {
      const { code, constraint, table } = e as Record<string, unknown>;
      return { code, constraint, table };
    };
    assert.deepEqual(fields(workerError), { code: '23505', constraint: 'schema_migrations_pkey', table: 'schema_migrations' });
    assert.deepEqual(fields(workerError), fields(inThreadError));
    assert.match((workerError as Error).message, /duplicate key/);
    assert.equal(isStoreUnavailable(workerError), false, 'a refused statement is not an outage');
  });

  test("a transaction holds the database: another caller's statement waits for its commit and sees it", async () => {
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const tx = worker.transaction(async (q) => {
      await q.query(`INSERT INTO schema_migrations (version) VALUES ($1)`, ['zz_tx']);
      inside();
      await holding;
      await q.query(`INSERT INTO schema_migrations (version) VALUES ($1)`, ['zz_tx_2']);
      return 'committed';
    });
    await entered;
    const outside = worker.query<{ n: number }>(`SELECT count(*)::int AS n FROM schema_migrations WHERE version LIKE 'zz_tx%'`);
    // The outside statement is queued in the worker behind the transaction's lock; let the transaction go on.
    const order = settleOrder({ tx, outside });
    release();
    assert.deepEqual(await order, ['tx', 'outside']);
    assert.equal(await tx, 'committed');
    assert.deepEqual(await outside, [{ n: 2 }], 'it ran after the commit, not between the two inserts');
  });

  test('a transaction whose body throws is rolled back in the worker, and the error is the body’s own', async () => {
    const thrown = new Error('the body changed its mind');
    await assert.rejects(
      worker.transaction(async (q) => {
        await q.query(`INSERT INTO schema_migrations (version) VALUES ($1)`, ['zz_rolled']);
        throw thrown;
      }),
      (error) => error === thrown,
    );
    assert.deepEqual(await worker.query(`SELECT version FROM schema_migrations WHERE version = 'zz_rolled'`), []);
    // The lock is free again.
    assert.deepEqual(await worker.query('SELECT 1 AS one'), [{ one: 1 }]);
  });

  test('a parameter that cannot cross the thread is refused with a clear error, and the store carries on', async () => {
    await assert.rejects(worker.query('SELECT $1::text AS t', [() => 'a function']), /could not be cloned/);
    assert.deepEqual(await worker.query('SELECT $1::text AS t', ['fine']), [{ t: 'fine' }]);
  });
});

describe('closing the worker store', { timeout: 120_000 }, () => {
  test('close waits for an open transaction to finish its statements, then refuses new work', async () => {
    const db = await PgliteWorkerDb.open(null);
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    const tx = db.transaction(async (q) => {
      inside();
      await holding;
      return q.query<{ n: number }>('SELECT 41 + 1 AS n');
    });
    await entered;
    const closed = db.close();
    await assert.rejects(db.query('SELECT 1'), (error) => isStoreUnavailable(error), 'new work is refused once closing');
    const order = settleOrder({ tx, closed });
    release();
    assert.deepEqual(await order, ['tx', 'closed'], 'close waited for the transaction');
    assert.deepEqual(await tx, [{ n: 42 }]);
    await assert.rejects(db.query('SELECT 1'), /PGlite is closed/);
  });
});

// A worker that stopped without failing its callers would hang them: the deadline turns that into a failure.
describe('a worker that stops', { timeout: 120_000 }, () => {
  for (const how of ['terminate', 'throw'] as const) {
    test(`(${how}) fails the waiting and the later calls with a store error and says so once`, async () => {
      const db = await PgliteWorkerDb.open(null);
      const stops: StoreWorkerStoppedError[] = [];
      db.onStopped((error) => stops.push(error));
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      // A transaction that never finishes by itself, and a statement queued behind it: both must fail, not hang.
      const tx = db.transaction(async (q) => {
        inside();
        await new Promise(() => {});
        return q.query('SELECT 1');
      });
      void tx.catch(() => {});
      await entered;
      const waiting = db.query('SELECT 1 AS one');
      await db.failWorkerForTest(how);
      await assert.rejects(waiting, (error) => error instanceof StoreWorkerStoppedError && isStoreUnavailable(error));
      await assert.rejects(db.query('SELECT 1'), StoreWorkerStoppedError);
      await assert.rejects(db.transaction(async () => 'never'), StoreWorkerStoppedError);
      assert.equal(stops.length, 1);
      assert.match(stops[0]!.message, how === 'throw' ? /uncaught error: store worker crash requested by a test/ : /exited with code/);
      await db.close();
    });
  }

  test('the node turns not ready and its REST calls answer 503 STORE_UNAVAILABLE', async () => {
    const db = await PgliteWorkerDb.open(null);
    const app = await startApp(testConfig(), { db, realtime: false });
    try {
      assert.equal((await fetch(`${app.url}/readyz`)).status, 200);
      await db.failWorkerForTest('terminate');
      const ready = await fetch(`${app.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.deepEqual((await ready.json()).store, { kind: 'pglite', state: 'down' });
      const signin = await fetch(`${app.url}/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@example.com', password: 'whatever-it-is' }) });
      assert.equal(signin.status, 503);
      assert.equal((await signin.json()).error, 'STORE_UNAVAILABLE');
    } finally {
      await app.close();
      await db.close();
    }
  });
});
