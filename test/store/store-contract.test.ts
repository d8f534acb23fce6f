import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { migrate } from '../../src/store/migrate.js';
import { pruneEvents, readEventsSince } from '../../src/store/events.js';
import { findProject } from '../../src/store/projects.js';
import { newRequestId } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/test-app.js';
import { useDesk } from '../support/use-desk.js';

for (const kind of storeKinds()) {
  describe(`store contract (${kind})`, () => {
    const suite = useDesk(kind);

    test('migrations are recorded and a second run applies nothing', async () => {
      assert.deepEqual(await migrate(suite.app.db), []);
      const rows = await suite.app.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
      // Every file of migrations/, in name order: each one ran exactly once.
      const files = readdirSync(new URL('../../migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).sort();
      assert.ok(files.includes('001_init.sql'));
      assert.deepEqual(rows.map((r) => r.version), files);
    });

    test('50 concurrent writes get 50 unique, gap-free seq values, never visible out of order', async () => {
      const rid = newRequestId(suite.desk.projectId);
      expectStatus(await suite.desk.owner.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'start' }), 201);
      const start = (await findProject(suite.app.db, suite.desk.projectId))!.seq;

      // A reader polls the outbox while the writes run: if any commit made seq N visible before N-1, it sees a hole.
      let writing = true;
      const holes: number[][] = [];
      const reader = (async () => {
        while (writing) {
          const rows = await suite.app.db.query<{ seq: number }>('SELECT seq FROM events WHERE project_id = $1 AND seq > $2 ORDER BY seq', [suite.desk.projectId, start]);
          const seqs = rows.map((r) => Number(r.seq));
          if (seqs.some((s, i) => s !== start + 1 + i)) holes.push(seqs);
          // PGlite answers in microtasks: yield so the HTTP writes get the event loop too.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const writes = Array.from({ length: 50 }, (_, i) => suite.desk.owner.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: `message ${i}` }));
      const responses = await Promise.all(writes);
      writing = false;
      await reader;

      for (const r of responses) expectStatus(r, 201);
      const events = await readEventsSince(suite.app.db, suite.desk.projectId, start);
      assert.equal(events.length, 50);
      assert.deepEqual(events.map((e) => e.seq), Array.from({ length: 50 }, (_, i) => start + 1 + i));
      assert.equal(new Set(events.map((e) => e.entityId)).size, 50, 'one event per message');
      assert.equal((await findProject(suite.app.db, suite.desk.projectId))!.seq, start + 50);
      assert.deepEqual(holes, [], 'no reader ever saw a later seq committed before an earlier one');
      // Messages carry the seq of their event, so their order is the commit order.
      const messages = expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests/${rid}/messages`), 200);
      assert.equal(messages.length, 51);
    });

    test('events older than the retention are pruned and the project remembers how far history is gone', async () => {
      const rid = newRequestId(suite.desk.projectId);
      expectStatus(await suite.desk.owner.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'old news' }), 201);
      const { seq } = (await findProject(suite.app.db, suite.desk.projectId))!;
      await suite.app.db.query(`UPDATE events SET created_at = now() - interval '2 days' WHERE project_id = $1`, [suite.desk.projectId]);
      const pruned = await pruneEvents(suite.app.db, new Date(Date.now() - 24 * 3600 * 1000));
      assert.ok(pruned >= 1);
      assert.deepEqual(await readEventsSince(suite.app.db, suite.desk.projectId, 0), []);
      const project = (await findProject(suite.app.db, suite.desk.projectId))!;
      assert.equal(Number(project.pruned_through), seq);
      expectStatus(await suite.desk.owner.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'new news' }), 201);
      assert.deepEqual((await readEventsSince(suite.app.db, suite.desk.projectId, 0)).map((e) => e.seq), [seq + 1], 'numbering continues after pruning');
    });
  });
}
