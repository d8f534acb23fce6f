/**
 * The store read of an authenticated REST call, on PGlite and PostgreSQL: whether the user is active and the
 * limit overrides of the project the route names, in one statement (`readCallerFacts`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCallerFacts } from '../../src/store/callers.js';
import { storeKinds } from '../support/test-app.js';
import { useStoreDesk } from '../support/use-store-desk.js';

for (const kind of storeKinds()) {
  describe(`caller facts (${kind})`, () => {
    const suite = useStoreDesk(kind);

    test("the user's standing and the named project's overrides, as they are now", async () => {
      const u = await suite.desk.user('Caller');
      const { projectId } = await suite.desk.project('Limited');
      const { projectId: plain } = await suite.desk.project('Plain');
      await suite.db.query(`UPDATE projects SET limits = '{"rest_reads_per_minute": 7}' WHERE id = $1`, [projectId]);

      assert.deepEqual(await readCallerFacts(suite.db, u, projectId), { active: true, limits: { rest_reads_per_minute: 7 } });
      assert.deepEqual(await readCallerFacts(suite.db, u, plain), { active: true, limits: {} }, 'no overrides');
      assert.deepEqual(await readCallerFacts(suite.db, u, null), { active: true, limits: {} }, 'no project named');
      assert.deepEqual(await readCallerFacts(suite.db, u, 'no-such-project'), { active: true, limits: {} }, 'a project that does not exist');
      assert.equal(await readCallerFacts(suite.db, 'no-such-user', projectId), null, 'a user that does not exist');

      await suite.db.query(`UPDATE projects SET limits = '{"rest_reads_per_minute": 9}' WHERE id = $1`, [projectId]);
      await suite.desk.disableUser(u);
      assert.deepEqual(await readCallerFacts(suite.db, u, projectId), { active: false, limits: { rest_reads_per_minute: 9 } }, 'read afresh, never cached');
    });
  });
}
