/**
 * The store reads of a Realtime handshake, on PGlite and PostgreSQL: the user with their desk projects in one
 * statement, and the limit overrides of several projects in one statement.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '../../src/events/memory-bus.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { findLimitOverrides } from '../../src/store/projects.js';
import { findConnectingUser } from '../../src/store/users.js';
import { OutboxDesk } from '../realtime/fixtures.js';
import { openTestDb, storeKinds } from '../support/test-app.js';

for (const kind of storeKinds()) {
  describe(`handshake reads (${kind})`, () => {
    let db: Db;
    let desk: OutboxDesk;
    before(async () => {
      db = await openTestDb(kind);
      await migrate(db);
      desk = new OutboxDesk(db, new MemoryBus());
    });
    after(() => db.close());

    test('the user and the projects where they are an active desk member, sorted; not where a visitor or disabled', async () => {
      const u = await desk.user('Una');
      const desks: string[] = [];
      for (const role of ['owner', 'admin', 'supervisor', 'agent'] as const) {
        const { projectId } = await desk.project(role);
        await desk.member(projectId, u, role);
        desks.push(projectId);
      }
      const visited = (await desk.project('Visited')).projectId;
      await desk.member(visited, u, 'guest');
      const left = (await desk.project('Left')).projectId;
      await desk.updateMember(left, await desk.member(left, u, 'agent'), { status: 'disabled' });
      const elsewhere = (await desk.project('Elsewhere')).projectId;
      await desk.member(elsewhere, await desk.user('Other'), 'agent');

      assert.deepEqual(await findConnectingUser(db, u), { active: true, memberProjectIds: [...desks].sort() });
      await desk.disableUser(u);
      assert.equal((await findConnectingUser(db, u))?.active, false);
      assert.deepEqual(await findConnectingUser(db, await desk.user('Loner')), { active: true, memberProjectIds: [] });
      assert.equal(await findConnectingUser(db, 'no-such-user'), null);
    });

    test('limit overrides of several projects in one read; a project without overrides has {}, an unknown one is absent', async () => {
      const [a, b] = [(await desk.project('A')).projectId, (await desk.project('B')).projectId];
      await db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 7}' WHERE id = $1`, [a]);
      const read = await findLimitOverrides(db, [a, b, 'no-such-project']);
      assert.deepEqual([...read.entries()].sort(), [
        [a, { ws_conn_max_per_project: 7 }],
        [b, {}],
      ].sort());
      assert.equal((await findLimitOverrides(db, [])).size, 0);
    });
  });
}
