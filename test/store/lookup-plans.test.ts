/**
 * The reads that run per connection or per project user find their rows through indexes made for them, not by
 * scanning a whole table or index: on a store with 10,000 project users a scan per handshake cost more than the rest of the handshake.
 * Each store function runs against a recorder, then its statement is explained on a seeded store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db, Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { getProjectUser, listPresenceWrites, listProjectUsers } from '../../src/store/project-users.js';
import { findConnectingUsers } from '../../src/store/users.js';
import { openTestDb, storeKinds } from '../support/test-app.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** A store that answers nothing and keeps the statements it was given. */
function recorder(): { q: Queryable; statements: { sql: string; params: readonly unknown[] }[] } {
  const statements: { sql: string; params: readonly unknown[] }[] = [];
  return { statements, q: { query: async (sql, params = []) => (statements.push({ sql, params }), []) } };
}

/** The tables a plan scans whole, and the indexes it reads through. */
function accesses(node: PlanNode, into = { scanned: new Set<string>(), indexes: new Set<string>() }) {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) into.scanned.add(node['Relation Name']);
  if (node['Index Name']) into.indexes.add(node['Index Name']);
  for (const child of node.Plans ?? []) accesses(child, into);
  return into;
}

interface Expected {
  through: string[];
  notScanned: string[];
}
// By user: the (project_id, user_id) key does not do; PostgreSQL would read all of it, or the whole table.
const byUser: Expected = { through: ['project_users_by_user'], notScanned: ['project_users'] };
// A user's department memberships, in a project's departments.
const withDepartments: Expected = { through: ['department_members_by_user'], notScanned: ['department_members', 'departments'] };

for (const kind of storeKinds()) {
  describe(`lookups by user and by project use indexes (${kind})`, () => {
    let db: Db;
    before(async () => {
      db = await openTestDb(kind);
      await migrate(db);
      // 2,000 users in 200 projects of 4 departments each: enough rows that a scan costs more than an index.
      await db.exec(`
        INSERT INTO users (id, email, firstname, lastname) SELECT 'u' || i, 'u' || i || '@example.com', 'F', 'L' FROM generate_series(1, 2000) i;
        INSERT INTO projects (id, name, epoch) SELECT 'p' || i, 'P' || i, 'e' FROM generate_series(1, 200) i;
        INSERT INTO departments (id, project_id, name, routing) SELECT 'd' || i, 'p' || (1 + i % 200), 'D', 'pooled' FROM generate_series(1, 800) i;
        INSERT INTO project_users (id, project_id, user_id, role) SELECT 'pu' || i, 'p' || (1 + i % 200), 'u' || i, 'agent' FROM generate_series(1, 2000) i;
        INSERT INTO department_members (department_id, user_id) SELECT 'd' || (1 + i % 800), 'u' || i FROM generate_series(1, 2000) i;
        ANALYZE;`);
    });
    after(() => db.close());

    const reads: [string, (q: Queryable) => Promise<unknown>, Expected][] = [
      ['a connecting user with their desk projects', (q) => findConnectingUsers(q, ['u7']), byUser],
      ['the memberships whose presence a user changes', (q) => listPresenceWrites(q, [{ userId: 'u7', status: 'online' }]), byUser],
      ['a project user with their departments', (q) => getProjectUser(q, 'p8', 'pu7'), withDepartments],
      ['a project’s project users with their departments', (q) => listProjectUsers(q, 'p8'), withDepartments],
    ];
    for (const [what, read, expected] of reads) {
      test(`${what}: read through ${expected.through.join(', ')}, no scan of ${expected.notScanned.join(', ')}`, async () => {
        const { q, statements } = recorder();
        await read(q);
        assert.equal(statements.length, 1);
        const [{ sql, params }] = statements as [{ sql: string; params: readonly unknown[] }];
        const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        const plan = row!['QUERY PLAN'];
        const root = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: PlanNode }[];
        const { scanned, indexes } = accesses(root[0]!.Plan);
        for (const index of expected.through) assert.ok(indexes.has(index), `${index} not used; indexes used: ${[...indexes].join(', ')}`);
        assert.deepEqual(expected.notScanned.filter((t) => scanned.has(t)), [], 'tables scanned whole');
      });
    }
  });
}
