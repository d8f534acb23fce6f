/** The one SQL surface the store uses: PostgreSQL dialect, on PGlite or on PostgreSQL. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  /** One round trip to the store (`SELECT 1`): resolves when it answers, throws why it did not (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
