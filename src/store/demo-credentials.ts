/** The demo project's sign-in details (`demo_credentials`), written in the transaction that seeds the demo data. */
import type { Queryable } from './db.js';

export interface DemoAccount {
  role: string;
  email: string;
}

export interface DemoData {
  projectId: string;
  password: string;
  accounts: DemoAccount[];
}

/**
 * Serializes the seeding of nodes starting together on one PostgreSQL: a transaction-scoped advisory lock, released
 * at COMMIT or ROLLBACK.
 */
export async function lockDemoSeed(tx: Queryable, key: number): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [key]);
}

export async function insertDemoCredentials(tx: Queryable, demo: DemoData): Promise<void> {
  await tx.query('INSERT INTO demo_credentials (project_id, password, accounts) VALUES ($1, $2, $3)', [demo.projectId, demo.password, JSON.stringify(demo.accounts)]);
}

/** The demo project's sign-in details, kept in the store with the demo data itself; null when there is no demo. */
export async function readDemoCredentials(q: Queryable): Promise<DemoData | null> {
  const [row] = await q.query<{ project_id: string; password: string; accounts: DemoAccount[] }>(
    'SELECT project_id, password, accounts FROM demo_credentials ORDER BY created_at LIMIT 1',
  );
  return row ? { projectId: row.project_id, password: row.password, accounts: row.accounts } : null;
}
