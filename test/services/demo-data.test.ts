/**
 * The demo seeding's own guarantees, below the processes of test/cli/first-start.test.ts: seeders that both found
 * the store empty (two nodes, each with its own connections) create one demo between them, and its sign-in details
 * are in the store with it and work.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryBus } from '../../src/events/memory-bus.js';
import { readDemoCredentials, seedDemoData } from '../../src/services/demo-data.js';
import { verifyPassword } from '../../src/services/passwords.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { findUserByEmail } from '../../src/store/users.js';
import { createTestSchema, openTestDb, storeKinds } from '../support/test-app.js';

const depsOf = (db: Db) => ({ db, bus: new MemoryBus(), onPublishError: () => {} });

for (const kind of storeKinds()) {
  describe(`demo seeding (${kind})`, () => {
    test('two seeders that both found the store empty create one demo, and neither fails', async () => {
      // Two nodes: on PostgreSQL two pools on one schema, and a third connection to watch them; PGlite has one
      // process and one connection, whose transactions never overlap.
      let dbs: Db[];
      let cleanup: () => Promise<void>;
      let secondIsWaiting: () => Promise<boolean> = async () => true;
      if (kind === 'postgres') {
        const schema = await createTestSchema();
        const watcher = schema.connect();
        dbs = [schema.connect(), schema.connect()];
        // The other seeder blocked on a lock: the advisory lock (as it should), or, without it, the unique email.
        secondIsWaiting = async () => {
          const [row] = await watcher.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'
               AND (query LIKE '%pg_advisory_xact_lock%' OR query LIKE 'INSERT INTO users%')`,
          );
          return row!.n > 0;
        };
        cleanup = async () => {
          await Promise.all([...dbs, watcher].map((d) => d.close()));
          await schema.drop();
        };
      } else {
        const db = await openTestDb(kind);
        dbs = [db, db];
        cleanup = () => db.close();
      }
      try {
        await migrate(dbs[0]!);
        // The first seeder to reach the middle of its transaction holds there until the other has come as far as it
        // can (blocked on a lock, or done), so the two transactions overlap for certain.
        let held = false;
        let settled = 0;
        const pause = async (point: string) => {
          if (point !== 'mid-seed' || held) return;
          held = true;
          const deadline = Date.now() + 10_000;
          while (settled === 0 && !(await secondIsWaiting())) {
            assert.ok(Date.now() < deadline, 'the second seeder neither waited nor finished');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        };
        const results = await Promise.all(dbs.map((db) => seedDemoData(depsOf(db), pause).finally(() => settled++)));
        const seeded = results.filter((r) => r !== null);
        assert.equal(seeded.length, 1, 'exactly one seeder created the demo');
        const [users] = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
        const [projects] = await dbs[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM projects');
        assert.deepEqual([users!.n, projects!.n], [7, 1]);
        // The generated history was written once, with the project, reaching 28 days back.
        const [history] = await dbs[0]!.query<{ projects: number; arrivals: number; oldest_ms: number }>(
          `SELECT count(DISTINCT project_id)::int AS projects, coalesce(sum(arrivals) FILTER (WHERE department_id = ''), 0)::int AS arrivals,
                  extract(epoch FROM min(interval_start)) * 1000 AS oldest_ms FROM history_intervals`,
        );
        assert.equal(history!.projects, 1);
        assert.ok(history!.arrivals > 28 * 50, `arrivals ${history!.arrivals}`);
        assert.ok(Number(history!.oldest_ms) <= Date.now() - 28 * 86_400_000, new Date(Number(history!.oldest_ms)).toISOString());
        // The details are stored with the data, and the password they give is every account's.
        const stored = await readDemoCredentials(dbs[1]!);
        assert.deepEqual(stored, seeded[0]);
        for (const account of stored!.accounts) {
          const user = await findUserByEmail(dbs[1]!, account.email);
          assert.ok(user && (await verifyPassword(stored!.password, user.password_hash!)), account.email);
        }
        // A later start finds it done.
        assert.equal(await seedDemoData(depsOf(dbs[1]!)), null);
      } finally {
        await cleanup();
      }
    });
  });
}
