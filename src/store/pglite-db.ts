import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.js';

/**
 * Embedded PostgreSQL. PGlite runs one statement at a time and its transaction() holds an exclusive lock, so
 * transactions are serialized: commit order is trivially the order of the project seq.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private constructor(private readonly pg: PGlite) {}

  /** `dataDir` null keeps the database in memory. */
  static async open(dataDir: string | null): Promise<PgliteDb> {
    if (dataDir === null) return new PgliteDb(await PGlite.create());
    const dir = join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    return new PgliteDb(await PGlite.create(dir));
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pg.query<T>(sql, params as unknown[])).rows;
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) =>
      fn({ query: async <R>(sql: string, params: readonly unknown[] = []) => (await tx.query<R>(sql, params as unknown[])).rows }),
    );
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}
