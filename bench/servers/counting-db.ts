/**
 * A store wrapper that counts statements and transactions, so the bench can report store load (queries per
 * connection, per snapshot storm) next to CPU and memory. Delegates everything else unchanged.
 */
import type { Db, Queryable } from '../../src/store/db.js';
import type { Procedure } from '../../src/store/procedure.js';

export interface StoreCounts {
  queries: number;
  transactions: number;
}

export function countingDb(db: Db): { db: Db; counts: StoreCounts } {
  const counts: StoreCounts = { queries: 0, transactions: 0 };
  const wrapped: Db = {
    get kind() {
      return db.kind;
    },
    query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      counts.queries++;
      return db.query<T>(sql, params);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      counts.transactions++;
      return db.transaction((tx) =>
        fn({
          query<R>(sql: string, params?: readonly unknown[]): Promise<R[]> {
            counts.queries++;
            return tx.query<R>(sql, params);
          },
        }),
      );
    },
    // Forwarded, so a procedure runs where the store runs it (in the worker, on PGLITE_THREAD=worker); its statements
    // run there and are not counted here.
    transact<A, R>(procedure: Procedure<A, R>, args: A): Promise<R> {
      counts.transactions++;
      return db.transact(procedure, args);
    },
    exec: (sql) => db.exec(sql),
    ping: () => db.ping(),
    close: () => db.close(),
  };
  return { db: wrapped, counts };
}
