import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startApp, type App } from '../../src/app.js';
import { loadConfig, type Config, type PgliteThread } from '../../src/config.js';
import type { Db } from '../../src/store/db.js';
import { openPglite } from '../../src/store/open-pglite.js';
import { PostgresDb } from '../../src/store/pg-db.js';
import { migratedStoreDump } from './store-dump.js';

export type StoreKind = 'pglite' | 'postgres';

/** The stores a contract suite runs on: PGlite always, PostgreSQL when DATABASE_URL is set (always in CI). */
export function storeKinds(): StoreKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export function postgresSkipReason(): string | false {
  if (process.env.DATABASE_URL) return false;
  if (process.env.CI === 'true') throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL runs may not skip in CI');
  return 'DATABASE_URL is not set';
}

/**
 * The thread the in-process tests' embedded stores run on: the event loop's (main), or PGLITE_THREAD=worker to run
 * the suite on the worker-thread store, the server's default. Not the default here because a store in a new worker
 * starts about a second later (a fresh isolate loads tsx and PGlite and warms PGlite up again), and the suite opens
 * a store in almost every file: 15.2 min instead of 14.4 on the same machine (2026-12-07). What differs between
 * the two is the store's transport, and the worker runs in every suite that is about it (test/store: the driver
 * contract, the worker, procedures, dumps; the worker crashing) and in every test that spawns a server
 * (`deskwire serve` on its defaults).
 */
export const testPgliteThread: PgliteThread = process.env.PGLITE_THREAD === 'worker' ? 'worker' : 'main';

/** A private schema on the PostgreSQL server: several nodes may connect to it; `drop()` removes it. */
export interface TestSchema {
  name: string;
  connect(options?: { maxPrepared?: number }): PostgresDb;
  drop(): Promise<void>;
}

export async function createTestSchema(): Promise<TestSchema> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const name = `deskwire_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.end();
  return {
    name,
    connect: (options = {}) => PostgresDb.connect(url, { schema: name, max: 20, ...options }),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${name} CASCADE`);
      await c.end();
    },
  };
}

/**
 * A fresh store: in-memory PGlite loaded from the migrated empty store's dump, or a private schema on the PostgreSQL
 * server (empty; the app migrates it) that is dropped on close.
 */
export async function openTestDb(kind: StoreKind, thread: PgliteThread = testPgliteThread): Promise<Db> {
  if (kind === 'pglite') return openPglite(null, thread, { fromDump: await migratedStoreDump() });
  const schema = await createTestSchema();
  const db = schema.connect();
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      await schema.drop();
    },
  });
}

/**
 * Tests drive hundreds of REST calls a minute as one user; the request budgets are raised so that only the tests
 * about them (which set them explicitly) ever meet them.
 */
export const generousRequestBudgets = {
  USER_REQUESTS_PER_MINUTE: '1000000',
  REST_READS_PER_MINUTE: '1000000',
  REST_WRITES_PER_MINUTE: '1000000',
  REST_AUTH_PER_IP_PER_MINUTE: '1000000',
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: ':memory:', JWT_SECRET: randomBytes(24).toString('hex'), LOG_LEVEL: 'silent', DEMO_DATA: 'false', PGLITE_THREAD: testPgliteThread, ...generousRequestBudgets, ...overrides },
    {},
  );
}

export interface TestApp extends App {
  closeAll(): Promise<void>;
}

export async function startTestApp(
  kind: StoreKind = 'pglite',
  overrides: Record<string, string> = {},
  options: { realtime?: boolean } = {},
): Promise<TestApp> {
  // The store is opened here, not by the app: a test that asks for PGLITE_THREAD gets its store on that thread.
  const db = await openTestDb(kind, overrides.PGLITE_THREAD === 'main' || overrides.PGLITE_THREAD === 'worker' ? overrides.PGLITE_THREAD : testPgliteThread);
  const app = await startApp(testConfig(overrides), { db, ...options });
  return Object.assign(app, {
    async closeAll() {
      await app.close();
      await db.close();
    },
  });
}
