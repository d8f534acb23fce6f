import { readFile } from 'node:fs/promises';
import { Mutex, PGlite, protocol, types, type PGliteOptions } from '@electric-sql/pglite';
import type { DataDirLock } from './data-dir-lock.js';
import { makeOwnerOnly } from './data-dir-modes.js';
import type { Db, Queryable } from './db.js';
import type { Procedure } from './procedure.js';
import { StatementNames } from './statement-names.js';
import { openInDataDir, type PgliteOpenOptions } from './pglite-data-dir.js';

const { serialize } = protocol;

/** A statement prepared in the embedded database: what binding its parameters and reading its rows need. */
interface Prepared {
  name: string;
  paramTypes: number[];
  fields: { name: string; dataTypeID: number }[];
}

interface ProtocolMessage {
  name: string;
}
interface DataRow extends ProtocolMessage {
  fields: (string | null)[];
}
interface CommandComplete extends ProtocolMessage {
  text: string;
}

export { pgliteStoreExists, type PgliteOpenOptions } from './pglite-data-dir.js';

/**
 * Embedded PostgreSQL. One statement runs at a time and a transaction holds the database to itself, so
 * transactions are serialized: commit order is trivially the order of the project seq.
 *
 * Statements run as named prepared statements over PGlite's wire protocol: each text is parsed, planned and
 * described once, then every run is one Bind/Execute/Sync message. `PGlite.query` parses, plans and describes on
 * every run, in five calls into the database; here that was three quarters of a statement's cost. The order of
 * statements is this class's own lock (PGlite's query and transaction locks are only taken by `exec` and by the
 * texts beyond the statement cap, which run through `PGlite.query` under this lock).
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private readonly lock = new Mutex();
  private readonly names: StatementNames;
  private readonly prepared = new Map<string, Prepared>();
  private constructor(
    private readonly pg: PGlite,
    maxPrepared?: number,
    /** The data directory's lock; null in memory. */
    readonly dirLock: DataDirLock | null = null,
  ) {
    this.names = new StatementNames('deskwire_', maxPrepared);
  }

  /**
   * `dataDir` null keeps the database in memory. A directory is locked first (one process per directory: a second
   * one gets `DataDirHeldError`), then made owner-only, then opened.
   */
  static async open(dataDir: string | null, options: PgliteOpenOptions = {}): Promise<PgliteDb> {
    if (dataDir === null) return new PgliteDb(await PGlite.create(await inMemory(options.fromDump)), options.maxPrepared);
    const { opened, lock } = await openInDataDir(dataDir, options, (dir) => PGlite.create(dir));
    return new PgliteDb(opened, options.maxPrepared, lock);
  }

  /**
   * A database in `pgliteDir` (null: in memory, new or from `fromDump`) whose data directory is locked by someone
   * else: the store worker thread opens it so, while the process that started it holds the lock.
   */
  static async openUnlocked(pgliteDir: string | null, maxPrepared?: number, fromDump?: string): Promise<PgliteDb> {
    return new PgliteDb(pgliteDir === null ? await PGlite.create(await inMemory(fromDump)) : await PGlite.create(pgliteDir), maxPrepared);
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.lock.runExclusive(() => this.run<T>(sql, params, true));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.lock.runExclusive(async () => {
      await this.run('BEGIN', [], false);
      let open = true;
      const tx: Queryable = {
        query: <R>(sql: string, params: readonly unknown[] = []) => {
          // A statement after the end would run outside the lock, in whatever comes next.
          if (!open) return Promise.reject(new Error('Transaction is closed'));
          return this.run<R>(sql, params, false);
        },
      };
      try {
        const result = await fn(tx);
        open = false;
        // COMMIT of a transaction that a failed statement aborted answers ROLLBACK: nothing was written.
        if ((await this.commit()) !== 'COMMIT') throw new Error('The transaction was rolled back: a statement in it failed.');
        return result;
      } catch (error) {
        if (open) {
          open = false;
          // The statement's own error is what the caller needs; a failed ROLLBACK (a closed database) adds nothing.
          await this.run('ROLLBACK', [], true).catch(() => {});
        }
        throw error;
      }
    });
  }

  transact<A, R>(procedure: Procedure<A, R>, args: A): Promise<R> {
    return this.transaction((tx) => procedure.run(tx, args));
  }

  async exec(sql: string): Promise<void> {
    await this.lock.runExclusive(() => this.pg.exec(sql));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
    if (this.dirLock) {
      // Files PGlite rewrote while running (0644 whatever the umask) are left owner-only at rest.
      makeOwnerOnly(this.dirLock.dir);
      await this.dirLock.release();
    }
  }

  /** Runs one statement; the caller holds the lock. `syncToFs` outside a transaction, as `PGlite.query` does. */
  private async run<T>(sql: string, params: readonly unknown[], syncToFs: boolean): Promise<T[]> {
    if (this.pg.closed) throw new Error('PGlite is closed');
    const statement = await this.statementFor(sql);
    if (!statement) return (await this.pg.query<T>(sql, params as unknown[])).rows;
    const values = params.map((value, i) => this.serializeParam(value, statement.paramTypes[i]));
    const { messages } = await this.pg.execProtocol(
      Buffer.concat([serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()]),
      { syncToFs },
    );
    return this.rowsOf<T>(messages, statement.fields);
  }

  /** Commits (or ends an aborted transaction): its command tag says which. The data reaches the file system. */
  private async commit(): Promise<string | undefined> {
    const { messages } = await this.pg.execProtocol(serialize.query('COMMIT'), { syncToFs: true });
    const done = messages.find((m) => m.name === 'commandComplete') as CommandComplete | undefined;
    return done?.text;
  }

  private async statementFor(sql: string): Promise<Prepared | null> {
    const known = this.prepared.get(sql);
    if (known) return known;
    const name = this.names.of(sql);
    if (name === null) return null;
    const { messages } = await this.pg.execProtocol(
      Buffer.concat([serialize.parse({ name, text: sql, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]),
      { syncToFs: false },
    );
    const params = messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs: number[] } | undefined;
    const rows = messages.find((m) => m.name === 'rowDescription') as { fields: { name: string; dataTypeID: number }[] } | undefined;
    const prepared: Prepared = {
      name,
      paramTypes: params?.dataTypeIDs ?? [],
      fields: rows?.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) ?? [],
    };
    this.prepared.set(sql, prepared);
    return prepared;
  }

  /** As `PGlite.query` serializes a parameter: by the type the statement gives it. */
  private serializeParam(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.pg.serializers[type];
    return serializer ? serializer(value) : String(value);
  }

  /** As `PGlite.query` reads rows: objects keyed by column name, each value parsed by its type. */
  private rowsOf<T>(messages: ProtocolMessage[], fields: Prepared['fields']): T[] {
    const rows: T[] = [];
    for (const m of messages) {
      if (m.name !== 'dataRow') continue;
      const row: Record<string, unknown> = {};
      (m as DataRow).fields.forEach((value, i) => {
        const field = fields[i]!;
        const parse = this.pg.parsers[field.dataTypeID] ?? types.parsers[field.dataTypeID];
        row[field.name] = value === null ? null : parse ? parse(value, field.dataTypeID) : value;
      });
      rows.push(row as T);
    }
    return rows;
  }
}

/** PGlite's options for a database in memory: a new one, or one loaded from a dump file (`fromDump`). */
async function inMemory(fromDump: string | undefined): Promise<PGliteOptions> {
  return fromDump === undefined ? {} : { loadDataDir: new Blob([await readFile(fromDump)]) };
}
