/**
 * The start of a store-level suite: a migrated test store of the kind asked for, and an OutboxDesk writing to it with
 * an in-memory bus (no app, no HTTP), opened before the suite's tests and closed after them. Like `useDesk()`, it is
 * called in a `describe`; its `db` and `desk` are there once the tests run.
 */
import { MemoryBus } from '../../src/events/memory-bus.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { OutboxDesk } from './outbox-desk.js';
import { openTestDb, type StoreKind } from './test-app.js';
import { useStarted } from './use-started.js';

export interface StoreDeskSuite {
  readonly db: Db;
  readonly desk: OutboxDesk;
}

export function useStoreDesk(kind: StoreKind): StoreDeskSuite {
  return useStarted<StoreDeskSuite>('useStoreDesk()', async (onStop) => {
    const db = await openTestDb(kind);
    onStop(() => db.close());
    await migrate(db);
    return { db, desk: new OutboxDesk(db, new MemoryBus()) };
  });
}
