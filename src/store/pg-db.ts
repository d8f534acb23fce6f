import pg from 'pg';
import type { Db, Queryable } from './db.js';
import type { Procedure } from './procedure.js';
import { StatementNames } from './statement-names.js';

// int8 (seq, counts) as JS numbers: event numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** PostgreSQL through a pool. The pool reconnects by itself when the server comes back. */
export class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  /** Statement name of each prepared text, the same on every connection of the pool. */
  private readonly names: StatementNames;
  constructor(
    private readonly pool: pg.Pool,
    maxPrepared?: number,
  ) {
    this.names = new StatementNames('deskwire_', maxPrepared);
  }

  /** `schema` sets the search_path of every connection (tests use a private schema each). */
  static connect(url: string, options: { max?: number; schema?: string; maxPrepared?: number } = {}): PostgresDb {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      connectionTimeoutMillis: 5000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    return new PostgresDb(pool, options.maxPrepared);
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(this.prepared(sql, params))).rows as T[];
  }

  /** The statement as a named prepared one (the pg client prepares it on first use on each connection). */
  private prepared(text: string, params: readonly unknown[]): pg.QueryConfig {
    const name = this.names.of(text);
    return { text, values: params as unknown[], ...(name ? { name } : {}) };
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let open = true;
    let broken = false;
    // A checked-out client has no listener of the pool's: a connection lost between two statements would be an
    // uncaught 'error' that ends the process. Keep it instead; the next statement fails with it (STORE_UNAVAILABLE).
    let lost: Error | null = null;
    const onLost = (error: Error) => (lost = error);
    client.on('error', onLost);
    const tx: Queryable = {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        // After the end the connection is back in the pool, perhaps inside another caller's transaction.
        if (!open) throw new Error('Transaction is closed');
        if (lost) throw lost;
        return (await client.query(this.prepared(sql, params))).rows as R[];
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      open = false;
      // COMMIT of a transaction that a failed statement aborted answers ROLLBACK: nothing was written.
      const { command } = await client.query('COMMIT');
      if (command !== 'COMMIT') throw new Error('The transaction was rolled back: a statement in it failed.');
      return result;
    } catch (error) {
      if (open) {
        open = false;
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
      }
      throw error;
    } finally {
      client.off('error', onLost);
      client.release(broken || lost !== null);
    }
  }

  transact<A, R>(procedure: Procedure<A, R>, args: A): Promise<R> {
    return this.transaction((tx) => procedure.run(tx, args));
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
