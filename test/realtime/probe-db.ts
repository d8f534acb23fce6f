/**
 * A store wrapper for the snapshot batching tests: counts transactions and the statements run in them (as
 * bench/servers/counting-db.ts does), can hold transactions before they start, and can make statements fail.
 * Plain queries outside transactions (handshakes, gap fills) pass through uncounted.
 */
import type { Db, Queryable } from '../../src/store/db.js';
import type { Procedure } from '../../src/store/procedure.js';

export class ProbeDb implements Db {
  transactions = 0;
  statements = 0;
  /** Awaited before each transaction starts (null: start at once). */
  beforeTransaction: (() => Promise<void>) | null = null;
  /** Called before each statement of a transaction; a throw fails the statement. */
  onStatement: ((sql: string) => void | Promise<void>) | null = null;

  constructor(readonly inner: Db) {}

  get kind() {
    return this.inner.kind;
  }

  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.inner.query<T>(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.transactions++;
    if (this.beforeTransaction !== null) await this.beforeTransaction();
    return this.inner.transaction((tx) =>
      fn({
        query: async <R>(sql: string, params?: readonly unknown[]) => {
          this.statements++;
          await this.onStatement?.(sql);
          return tx.query<R>(sql, params);
        },
      }),
    );
  }

  /** In place, through `transaction`, so that a procedure is held and counted as any transaction is. */
  transact<A, R>(procedure: Procedure<A, R>, args: A): Promise<R> {
    return this.transaction((tx) => procedure.run(tx, args));
  }

  exec(sql: string): Promise<void> {
    return this.inner.exec(sql);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Transactions wait until `release` is called. */
  hold(): { release: () => void } {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    this.beforeTransaction = () => gate;
    return {
      release: () => {
        this.beforeTransaction = null;
        release();
      },
    };
  }

  /** Counts from now on: what the work in `fn` cost. */
  async cost(fn: () => Promise<void>): Promise<{ transactions: number; statements: number }> {
    const [t, s] = [this.transactions, this.statements];
    await fn();
    return { transactions: this.transactions - t, statements: this.statements - s };
  }
}
