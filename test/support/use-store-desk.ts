/**
 * The start of a store-level suite: a migrated test store of the kind asked for, and an OutboxDesk writing to it with
 * an in-memory bus (no app, no HTTP), opened before the suite's tests and closed after them. Like `useDesk()`, it is
 * called in a `describe`; its `db` and `desk` are there once the tests run.
 */
import { after, before } from 'node:test';
import { MemoryBus } from '../../src/events/memory-bus.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { OutboxDesk } from './outbox-desk.js';
import { openTestDb, type StoreKind } from './test-app.js';

export interface StoreDeskSuite {
  readonly db: Db;
  readonly desk: OutboxDesk;
}

export function useStoreDesk(kind: StoreKind): StoreDeskSuite {
  let desk: OutboxDesk | null = null;
  let db: Db | null = null;
  before(async () => {
    db = await openTestDb(kind);
    await migrate(db);
    desk = new OutboxDesk(db, new MemoryBus());
  });
  // The store is closed even when the migration failed.
  after(() => db?.close());
  const get = (): OutboxDesk => {
    if (desk === null) throw new Error('useStoreDesk(): the store is opened before the tests, not while the suite is declared');
    return desk;
  };
  return {
    get db() {
      return get().db;
    },
    get desk() {
      return get();
    },
  };
}
