/**
 * The store read of an authenticated REST call, on PGlite and PostgreSQL: whether the user is active and the
 * limit overrides of the project the route names, in one statement (`readCallerFacts`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '../../src/events/memory-bus.js';
import { readCallerFacts } from '../../src/store/callers.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { OutboxDesk } from '../support/outbox-desk.js';
import { openTestDb, storeKinds } from '../support/test-app.js';

for (const kind of storeKinds()) {
  describe(`caller facts (${kind})`, () => {
    let db: Db;
    let desk: OutboxDesk;
    before(async () => {
      db = await openTestDb(kind);
      await migrate(db);
      desk = new OutboxDesk(db, new MemoryBus());
    });
    after(() => db.close());

    test("the user's standing and the named project's overrides, as they are now", async () => {
      const u = await desk.user('Caller');
      const { projectId } = await desk.project('Limited');
      const { projectId: plain } = await desk.project('Plain');
      await db.query(`UPDATE projects SET limits = '{"rest_reads_per_minute": 7}' WHERE id = $1`, [projectId]);

      assert.deepEqual(await readCallerFacts(db, u, projectId), { active: true, limits: { rest_reads_per_minute: 7 } });
      assert.deepEqual(await readCallerFacts(db, u, plain), { active: true, limits: {} }, 'no overrides');
      assert.deepEqual(await readCallerFacts(db, u, null), { active: true, limits: {} }, 'no project named');
      assert.deepEqual(await readCallerFacts(db, u, 'no-such-project'), { active: true, limits: {} }, 'a project that does not exist');
      assert.equal(await readCallerFacts(db, 'no-such-user', projectId), null, 'a user that does not exist');

      await db.query(`UPDATE projects SET limits = '{"rest_reads_per_minute": 9}' WHERE id = $1`, [projectId]);
      await desk.disableUser(u);
      assert.deepEqual(await readCallerFacts(db, u, projectId), { active: false, limits: { rest_reads_per_minute: 9 } }, 'read afresh, never cached');
    });
  });
}
