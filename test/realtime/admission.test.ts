/**
 * Connection admission with per-project overrides read from a real store (PGlite and PostgreSQL): the overrides of
 * all of a user's desk projects cost one statement per handshake, each applies to its own project, and a change
 * applies to the very next handshake (nothing is cached).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeskwireError } from '../../src/domain/errors.js';
import { MemoryBus } from '../../src/events/memory-bus.js';
import { Budgets } from '../../src/limits/budgets.js';
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js';
import { ConnectionAdmission } from '../../src/realtime/admission.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { findLimitOverrides } from '../../src/store/projects.js';
import { OutboxDesk } from './fixtures.js';
import { openTestDb, storeKinds, testConfig } from '../support/test-app.js';

for (const kind of storeKinds()) {
  describe(`connection admission with project overrides (${kind})`, () => {
    let db: Db;
    let desk: OutboxDesk;
    before(async () => {
      db = await openTestDb(kind);
      await migrate(db);
      desk = new OutboxDesk(db, new MemoryBus());
    });
    after(() => db.close());

    test('one read for the overrides of every project; each limit applies to its project; a change applies at once', async () => {
      const config = testConfig({ WS_CONN_MAX_PER_PROJECT: '5', WS_CONN_MAX_PER_USER: '10' });
      let statements = 0;
      let singleReads = 0;
      const budgets = new Budgets(new MemoryLimitStore(), config, {
        of: async () => {
          singleReads++;
          return {};
        },
        ofMany: (ids) => {
          statements++;
          return findLimitOverrides(db, ids);
        },
      });
      const counters = new MemoryLimitStore();
      const admission = new ConnectionAdmission(counters, config, budgets);
      const [tight, open, roomy] = [(await desk.project('Tight')).projectId, (await desk.project('Open')).projectId, (await desk.project('Roomy')).projectId];
      await db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 1}' WHERE id = $1`, [tight]);
      await db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 2}' WHERE id = $1`, [roomy]);
      const held = (projectId: string) => counters.held('WS_CONN_MAX_PER_PROJECT', projectId);

      const first = await admission.admit('u1', [open, roomy, tight]);
      assert.equal(statements, 1, 'one read for three projects');
      await admission.admit('u2', [open, roomy]);
      assert.equal(statements, 2);
      await assert.rejects(admission.admit('u3', [open, roomy]), (e: DeskwireError) => e.code === 'CONN_LIMIT_PROJECT' && e.details.max === 2);
      await assert.rejects(admission.admit('u4', [open, tight]), (e: DeskwireError) => e.code === 'CONN_LIMIT_PROJECT' && e.details.max === 1);
      assert.equal(await held(open), 2, 'the refused handshakes gave back the slots they had taken');
      assert.equal(singleReads, 0);

      // The owner raises the tight project's limit: the next handshake sees it, without a restart.
      await db.query(`UPDATE projects SET limits = '{"ws_conn_max_per_project": 3}' WHERE id = $1`, [tight]);
      const after = await admission.admit('u4', [open, tight]);
      assert.equal(await held(tight), 2);
      // A user with no desk project reads nothing.
      const before = statements;
      (await admission.admit('u5', [])).release();
      assert.equal(statements, before);
      first.release();
      after.release();
      assert.equal(await held(tight), 0);
    });
  });
}
