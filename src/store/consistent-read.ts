/** The two statements a consistent read of several tables starts with (snapshots, live metrics). */
import type { Queryable } from './db.js';

/**
 * Makes the transaction REPEATABLE READ. Must be its first statement: the transaction's snapshot is taken at the
 * first query after it, so every later read describes the same moment.
 */
export async function useRepeatableRead(tx: Queryable): Promise<void> {
  await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
}

/**
 * The database clock's now, the clock every timestamp was written with. Read as epoch milliseconds: drivers differ
 * in how they hand over a timestamptz, and a lost millisecond would put a request created just now after it.
 */
export async function readStoreNow(q: Queryable): Promise<Date> {
  const [row] = await q.query<{ ms: number }>('SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms');
  return new Date(Number(row!.ms));
}
