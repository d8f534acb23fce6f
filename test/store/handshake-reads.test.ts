/**
 * The store read of a Realtime handshake, on PGlite and PostgreSQL: the user with their desk projects and those
 * projects' limit overrides in one statement; handshakes of one event-loop turn
 * share one such read (`BatchReader`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '../../src/store/db.js';
import { BatchReader } from '../../src/store/batch-reader.js';
import { findConnectingUsers } from '../../src/store/users.js';
import { storeKinds } from '../support/test-app.js';
import { useStoreDesk } from '../support/use-store-desk.js';

/** One user as the handshake reads them (the batch read with one id); null: no such user. */
const readUser = async (db: Db, id: string) => (await findConnectingUsers(db, [id])).get(id) ?? null;

for (const kind of storeKinds()) {
  describe(`handshake reads (${kind})`, () => {
    const suite = useStoreDesk(kind);

    test('the user and the projects where they are an active desk member, sorted; not where a visitor or disabled', async () => {
      const u = await suite.desk.user('Una');
      const desks: string[] = [];
      for (const role of ['owner', 'admin', 'supervisor', 'agent'] as const) {
        const { projectId } = await suite.desk.project(role);
        await suite.desk.member(projectId, u, role);
        desks.push(projectId);
      }
      const visited = (await suite.desk.project('Visited')).projectId;
      await suite.desk.member(visited, u, 'guest');
      const left = (await suite.desk.project('Left')).projectId;
      await suite.desk.updateMember(left, await suite.desk.member(left, u, 'agent'), { status: 'disabled' });
      const elsewhere = (await suite.desk.project('Elsewhere')).projectId;
      await suite.desk.member(elsewhere, await suite.desk.user('Other'), 'agent');

      const found = await readUser(suite.db, u);
      assert.equal(found?.active, true);
      assert.deepEqual(found?.memberProjectIds, [...desks].sort());
      assert.deepEqual([...found!.limits.keys()].sort(), [...desks].sort(), 'the limits of exactly those projects');
      await suite.desk.disableUser(u);
      assert.equal((await readUser(suite.db, u))?.active, false);
      const loner = await readUser(suite.db, await suite.desk.user('Loner'));
      assert.deepEqual([loner?.active, loner?.memberProjectIds, loner?.limits.size], [true, [], 0]);
      assert.equal(await readUser(suite.db, 'no-such-user'), null);
    });

    test("the user's desk projects come with their limit overrides; a project without overrides has {}", async () => {
      const u = await suite.desk.user('Limited');
      const [a, b] = [(await suite.desk.project('A')).projectId, (await suite.desk.project('B')).projectId];
      await suite.desk.member(a, u, 'agent');
      await suite.desk.member(b, u, 'admin');
      await suite.db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 7}' WHERE id = $1`, [a]);
      const found = await readUser(suite.db, u);
      assert.deepEqual(found?.limits.get(a), { ws_conn_max_per_project: 7 });
      assert.deepEqual(found?.limits.get(b), {});
    });

    test('the handshakes of one turn share one read of their users; a read after a change sees it', async () => {
      const users = [];
      for (let i = 0; i < 12; i++) users.push(await suite.desk.user(`U${i}`));
      const { projectId } = await suite.desk.project('Shared');
      await suite.desk.member(projectId, users[0]!, 'agent');
      let statements = 0;
      const reader = new BatchReader((ids: string[]) => {
        statements++;
        return findConnectingUsers(suite.db, ids);
      });
      // Twelve users, one of them asked for three times, and one unknown id, all in one turn.
      const reads = [...users, users[0]!, users[0]!, 'no-such-user'].map((id) => reader.read(id));
      const found = await Promise.all(reads);
      assert.equal(statements, 1, 'one statement for the whole turn');
      assert.deepEqual([found[0]?.active, found[0]?.memberProjectIds], [true, [projectId]]);
      assert.deepEqual(found[12], found[0], 'the same user asked again in the turn gets the same answer');
      assert.deepEqual([found[1]?.active, found[1]?.memberProjectIds], [true, []]);
      assert.equal(found[14], undefined, 'an unknown user');

      await suite.desk.disableUser(users[0]!);
      assert.equal((await reader.read(users[0]!))?.active, false, 'nothing cached: the next read sees the change');
      assert.equal(statements, 2);
    });

    test('a batch reader splits a big turn into batches of its size, and a failed read fails only its own batch', async () => {
      const batches: string[][] = [];
      let fail = true;
      const reader = new BatchReader(async (ids: string[]) => {
        batches.push(ids);
        if (fail) {
          fail = false;
          throw new Error('store down');
        }
        return new Map(ids.map((id) => [id, id.toUpperCase()]));
      }, 2);
      const results = await Promise.allSettled(['a', 'b', 'c', 'd', 'e'].map((id) => reader.read(id)));
      assert.deepEqual(batches, [['a', 'b'], ['c', 'd'], ['e']]);
      assert.deepEqual(
        results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason))),
        ['Error: store down', 'Error: store down', 'C', 'D', 'E'],
      );
    });
  });
}
