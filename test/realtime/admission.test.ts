/**
 * Connection admission with per-project overrides read from a real store (PGlite and PostgreSQL) with the
 * connecting user, as the gateway reads them: each applies to its own project, and a change applies to the very
 * next handshake (nothing is cached).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeskwireError } from '../../src/domain/errors.js';
import { Budgets } from '../../src/limits/budgets.js';
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js';
import { ConnectionAdmission } from '../../src/realtime/admission.js';
import { findConnectingUsers } from '../../src/store/users.js';
import { storeKinds, testConfig } from '../support/test-app.js';
import { useStoreDesk } from '../support/use-store-desk.js';

for (const kind of storeKinds()) {
  describe(`connection admission with project overrides (${kind})`, () => {
    const suite = useStoreDesk(kind);

    test("each project's override applies to its project; a change applies at once; refused handshakes give slots back", async () => {
      const config = testConfig({ WS_CONN_MAX_PER_PROJECT: '5', WS_CONN_MAX_PER_USER: '10' });
      const budgets = new Budgets(new MemoryLimitStore(), config, { of: async () => ({}) });
      const counters = new MemoryLimitStore();
      const admission = new ConnectionAdmission(counters, config, budgets);
      const [tight, open, roomy] = [(await suite.desk.project('Tight')).projectId, (await suite.desk.project('Open')).projectId, (await suite.desk.project('Roomy')).projectId];
      await suite.db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 1}' WHERE id = $1`, [tight]);
      await suite.db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 2}' WHERE id = $1`, [roomy]);
      const users: Record<string, string> = {};
      for (const [name, projects] of [['u1', [open, roomy, tight]], ['u2', [open, roomy]], ['u3', [open, roomy]], ['u4', [open, tight]], ['u5', []]] as const) {
        users[name] = await suite.desk.user(name);
        for (const p of projects) await suite.desk.member(p, users[name]!, 'agent');
      }
      /** As the gateway does: the user's projects and their limits in one read, then admission. */
      const connect = async (name: string) => {
        const user = (await findConnectingUsers(suite.db, [users[name]!])).get(users[name]!)!;
        return admission.admit(users[name]!, user.memberProjectIds, user.limits);
      };
      const held = (projectId: string) => counters.held('WS_CONN_MAX_PER_PROJECT', projectId);

      const first = await connect('u1');
      await connect('u2');
      await assert.rejects(connect('u3'), (e: DeskwireError) => e.code === 'CONN_LIMIT_PROJECT' && e.details.max === 2);
      await assert.rejects(connect('u4'), (e: DeskwireError) => e.code === 'CONN_LIMIT_PROJECT' && e.details.max === 1);
      assert.equal(await held(open), 2, 'the refused handshakes gave back the slots they had taken');

      // The owner raises the tight project's limit: the next handshake sees it, without a restart.
      await suite.db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 3}' WHERE id = $1`, [tight]);
      const after = await connect('u4');
      assert.equal(await held(tight), 2);
      (await connect('u5')).release();
      first.release();
      after.release();
      assert.equal(await held(tight), 0);
    });
  });
}
