import type { Procedure } from './procedure.js';

/** The one SQL surface the store uses: PostgreSQL dialect, on PGlite or on PostgreSQL. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `procedure` with `args` as one transaction, where the store runs: the same as
   * `transaction((tx) => procedure.run(tx, args))`, in one message on the worker-thread store.
   */
  transact<A, R>(procedure: Procedure<A, R>, args: A): Promise<R>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  /** One round trip to the store (`SELECT 1`): resolves when it answers, throws why it did not (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
