/**
 * PostgreSQL's connection lost in the middle of a transaction, between two of its statements: the transaction fails
 * with an error the node answers 503 for, and the process keeps running. A checked-out pg client emits 'error' with
 * nobody listening unless the store listens: Node ends the process on such an error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PostgresDb } from '../../src/store/pg-db.js';
import { isStoreUnavailable } from '../../src/store/store-errors.js';
import { postgresSkipReason } from '../support/test-app.js';
import { TcpProxy } from '../support/tcp-proxy.js';

describe('PostgreSQL connection lost inside a transaction', { skip: postgresSkipReason() }, () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://127.0.0.1/test');
  let proxy: TcpProxy;
  let db: PostgresDb;

  before(async () => {
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    await proxy.start();
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    db = PostgresDb.connect(viaProxy.toString());
  });
  after(async () => {
    await db.close();
    await proxy.close();
  });

  test('between two statements: the transaction fails as store-unavailable, nothing is thrown at the process', { timeout: 20_000 }, async () => {
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const transaction = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      inside();
      await paused; // the application's own work between statements, while the connection goes
      return tx.query('SELECT 2');
    });
    const outcome = transaction.then(
      () => assert.fail('the transaction committed over a lost connection'),
      (error: unknown) => error,
    );
    await started;
    await proxy.cut();
    // A new connection is refused only after the kernel has delivered the cut to the transaction's socket: once this
    // fails, the client has seen its connection end, with no statement running (the case that used to crash).
    await assert.rejects(db.query('SELECT 3'), (error) => isStoreUnavailable(error));
    resume();
    const error = await outcome;
    assert.ok(isStoreUnavailable(error), `answered as the store being unavailable: ${String(error)}`);

    await proxy.start();
    assert.deepEqual(await db.query('SELECT 4 AS four'), [{ four: 4 }], 'the pool serves again once the server is back');
  });
});
