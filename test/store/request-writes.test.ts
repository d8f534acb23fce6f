import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type App } from '../../src/app.js';
import type { Db, Queryable } from '../../src/store/db.js';
import type { Procedure } from '../../src/store/procedure.js';
import { OutboxWriter, readEventsSince } from '../../src/store/events.js';
import { findProject, lockProject } from '../../src/store/projects.js';
import { createDesk, newRequestId, type Desk } from '../support/desk.js';
import { expectStatus } from '../support/rest-client.js';
import { openTestDb, storeKinds, testConfig } from '../support/test-app.js';
import { sampleMessage, sampleProjectUser, sampleRequest } from '../support/sample-entities.js';
import { useDesk } from '../support/use-desk.js';

/** A transaction handle that records the statements run through it. */
function recording(tx: Queryable): { tx: Queryable; statements: string[] } {
  const statements: string[] = [];
  return { statements, tx: { query: (sql, params) => (statements.push(sql), tx.query(sql, params)) } };
}

/** The store, counting every statement run through it, in a transaction or not. */
function counting(db: Db): { db: Db; statements: () => number } {
  let n = 0;
  const counted = (q: Queryable): Queryable => ({ query: (sql, params) => (n++, q.query(sql, params)) });
  const wrapped: Db = Object.assign(Object.create(db) as Db, {
    query: counted(db).query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn(counted(tx))),
    // In place, statement by statement, so that a procedure's statements are counted on the worker-thread store too.
    transact: <A, R>(procedure: Procedure<A, R>, args: A) => wrapped.transaction((tx) => procedure.run(tx, args)),
  });
  return { db: wrapped, statements: () => n };
}

for (const kind of storeKinds()) {
  describe(`statements per request PATCH (${kind})`, () => {
    let app: App;
    let store: ReturnType<typeof counting>;
    let desk: Desk;
    before(async () => {
      const db = await openTestDb(kind);
      store = counting(db);
      app = await startApp(testConfig(), { db: store.db, realtime: false });
      desk = await createDesk(app.url);
    });
    after(async () => {
      await app.close();
      await store.db.close();
    });

    // A guard against the write path growing again: route auth (user, project limits) 2, then the project lock, the
    // caller with the request lock, the update returning the request, the outbox with the seq: 6.
    test('a PATCH of a request runs at most 6 store statements, route auth included', async () => {
      const rid = newRequestId(desk.projectId);
      expectStatus(await desk.owner.rest.post(`/${desk.projectId}/requests/${rid}/messages`, { text: 'hello' }), 201);
      const start = store.statements();
      expectStatus(await desk.owner.rest.patch(`/${desk.projectId}/requests/${rid}`, { subject: 'counted' }), 200);
      assert.ok(store.statements() - start <= 6, `${store.statements() - start} statements`);
    });
  });

  describe(`request writes (${kind})`, () => {
    const suite = useDesk(kind);

    const seqOf = async () => (await findProject(suite.app.db, suite.desk.projectId))!.seq;

    /** A request a visitor opened: its id, the visitor, the request as the owner reads it then, and the project's seq after it. */
    async function visitorRequest() {
      const rid = newRequestId(suite.desk.projectId);
      const visitor = await suite.desk.visitor();
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'hello' }), 201);
      const before = expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests/${rid}`), 200);
      return { rid, visitor, before, start: await seqOf() };
    }

    test('the outbox appends every event of a write and advances the project seq in one statement', async () => {
      const start = await seqOf();
      let flushed: string[] = [];
      const emitted = await suite.app.db.transaction(async (tx) => {
        const outbox = new OutboxWriter((await lockProject(tx, suite.desk.projectId))!);
        const scope = { departmentId: suite.desk.supportId, agents: [suite.desk.agentA.userId], requesterUserId: null };
        const events = [
          outbox.emit({ kind: 'request', method: 'UPDATE', entityId: 'r1', requestId: 'r1', scope, prevScope: { ...scope, agents: [] }, data: sampleRequest({ first_text: 'a "b" \\ é' }) }),
          outbox.emit({ kind: 'project_user', method: 'UPDATE', entityId: 'pu1', requestId: null, scope: null, prevScope: null, data: sampleProjectUser({ attributes: { n: 1 } }) }),
          outbox.emit({ kind: 'message', method: 'CREATE', entityId: 'm1', requestId: 'r1', scope, prevScope: null, data: sampleMessage({ text: 'x' }) }),
        ];
        const r = recording(tx);
        await outbox.flush(r.tx);
        flushed = r.statements;
        return events;
      });
      assert.equal(flushed.length, 1, 'one statement for the events and the seq');
      assert.deepEqual(emitted.map((e) => e.seq), [start + 1, start + 2, start + 3]);
      assert.deepEqual(await readEventsSince(suite.app.db, suite.desk.projectId, start), emitted);
      assert.equal(await seqOf(), start + 3);
      const [nulls] = await suite.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE project_id = $1 AND seq > $2 AND scope IS NULL AND prev_scope IS NULL', [suite.desk.projectId, start]);
      assert.equal(nulls!.n, 1, 'a null scope is stored as SQL NULL, not as JSON null');
    });

    test('a PATCH answers the request exactly as a GET right after it, and its one event carries the same', async () => {
      const { rid, before, start } = await visitorRequest();

      const patched = expectStatus(await suite.desk.agentA.rest.patch(`/${suite.desk.projectId}/requests/${rid}`, { subject: 'Refund', priority: 'high', tags: ['billing'] }), 200);
      assert.deepEqual(expectStatus(await suite.desk.agentA.rest.get(`/${suite.desk.projectId}/requests/${rid}`), 200), patched);
      assert.equal(patched.subject, 'Refund');
      assert.ok(patched.updatedAt > before.updatedAt);
      assert.deepEqual({ ...patched, subject: before.subject, priority: before.priority, tags: before.tags, updatedAt: before.updatedAt }, before);

      const events = await readEventsSince(suite.app.db, suite.desk.projectId, start);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.method, 'UPDATE');
      assert.deepEqual(events[0]!.data, patched);
      assert.deepEqual(events[0]!.prevScope, events[0]!.scope);
    });

    test('a PATCH refused after it was applied (request not visible to the agent) leaves nothing behind', async () => {
      const { rid, visitor, before, start } = await visitorRequest();

      // Agent D is in no department: the pooled request in Support is invisible to them, so it does not exist.
      const hidden = await suite.desk.agentD.rest.patch(`/${suite.desk.projectId}/requests/${rid}`, { subject: 'mine now' });
      assert.equal(hidden.status, 404, JSON.stringify(hidden.body));
      assert.equal(hidden.body.error, 'NOT_FOUND');
      // The visitor sees their request but may not change it.
      const forbidden = await visitor.rest.patch(`/${suite.desk.projectId}/requests/${rid}`, { subject: 'mine now' });
      assert.equal(forbidden.status, 403, JSON.stringify(forbidden.body));
      const absent = await suite.desk.owner.rest.patch(`/${suite.desk.projectId}/requests/${newRequestId(suite.desk.projectId)}`, { subject: 'x' });
      assert.equal(absent.status, 404, JSON.stringify(absent.body));

      assert.deepEqual(expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests/${rid}`), 200), before);
      assert.equal(await seqOf(), start);
      assert.deepEqual(await readEventsSince(suite.app.db, suite.desk.projectId, start), []);
    });
  });
}
