/**
 * Snapshot frames shared across batches while the project's seq stands still (snapshot-frame-cache.ts): the cache
 * itself, then real handshakes over real sockets on PGlite and PostgreSQL, with a change between two handshakes
 * that the second must see (never a stale snapshot) and views that must never be mixed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SnapshotFrameCache, snapshotFrameCacheFor } from '../../src/realtime/snapshot-frame-cache.js';
import { getProjectUserByUser } from '../../src/store/project-users.js';
import { findUserById } from '../../src/store/users.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { OutboxDesk } from '../support/outbox-desk.js';
import { until } from '../support/until.js';
import { TestClient, type Frame } from '../support/ws-client.js';
import { buildBatchWorld, expectedList, type BatchMember, type BatchWorld } from './batch-world.js';

describe('SnapshotFrameCache', () => {
  const counting = () => {
    let encodes = 0;
    return { encode: (text: string) => () => (encodes++, Buffer.from(text)), encodes: () => encodes };
  };

  test('one encoding per view at one seq; a later seq or another epoch drops the project, an older seq is never served', () => {
    const cache = new SnapshotFrameCache();
    const { encode, encodes } = counting();
    const a = cache.frame('p', 7, 'e1', 'v', encode('at 7'));
    assert.equal(cache.frame('p', 7, 'e1', 'v', encode('again at 7')), a, 'the same bytes at the same seq');
    assert.equal(encodes(), 1);
    assert.equal(cache.frame('p', 7, 'e1', 'other view', encode('other view')).toString(), 'other view');
    assert.equal(cache.frame('q', 7, 'e1', 'v', encode('another project')).toString(), 'another project');

    assert.equal(cache.frame('p', 8, 'e1', 'v', encode('at 8')).toString(), 'at 8', 'the seq moved: encoded afresh');
    assert.equal(cache.frames, 2, "the project's frames at 7 are gone (one at 8, and q's)");
    assert.equal(cache.frame('p', 7, 'e1', 'v', encode('late read at 7')).toString(), 'late read at 7', 'an older read gets its own frame');
    assert.equal(cache.frame('p', 8, 'e1', 'v', encode('x')).toString(), 'at 8', '...and does not replace the newer one');
    assert.equal(cache.frame('p', 8, 'e2', 'v', encode('new epoch')).toString(), 'new epoch', 'another epoch is another history');
  });

  test('a frame is reused for at most its maximum age, and the cache holds at most its bound', () => {
    let now = 0;
    const cache = new SnapshotFrameCache(3, 1_000, () => now);
    const { encode, encodes } = counting();
    cache.frame('p', 1, 'e', 'v', encode('first'));
    now = 1_000;
    assert.equal(cache.frame('p', 1, 'e', 'v', encode('second')).toString(), 'first');
    now = 1_001;
    assert.equal(cache.frame('p', 1, 'e', 'v', encode('third')).toString(), 'third', 'older than the maximum age: read again');
    assert.equal(encodes(), 2);

    for (const project of ['a', 'b', 'c', 'd']) cache.frame(project, 1, 'e', 'v', encode(project));
    assert.equal(cache.frames, 3);
    cache.frame('d', 1, 'e', 'v2', encode('d2'));
    cache.frame('d', 1, 'e', 'v3', encode('d3'));
    cache.frame('d', 1, 'e', 'v4', encode('d4'));
    assert.equal(cache.frames, 3, 'one project alone is bounded too');
  });
});

const isSnapshot = (topic: string) => (f: Frame) => f.action === 'publish' && f.payload.topic === topic && Array.isArray(f.payload.message);
const ids = (rs: { request_id: string }[]) => rs.map((r) => r.request_id).sort();

for (const kind of storeKinds()) {
  describe(`snapshot frames shared across handshakes (${kind})`, () => {
    let app: TestApp;
    let desk: OutboxDesk;
    let w: BatchWorld;
    const clients: TestClient[] = [];
    before(async () => {
      app = await startTestApp(kind, { WS_CONN_RATE_IP_PER_MINUTE: '100000', WS_CONN_RATE_USER_PER_MINUTE: '100000' });
      desk = new OutboxDesk(app.db, app.bus);
      w = await buildBatchWorld(desk);
    });
    after(async () => {
      for (const c of clients) await c.close();
      await app.closeAll();
    });
    const requests = () => `/${w.projectId}/requests`;

    /**
     * Connects each member, and waits until their presence (online: an event, so a seq move) is written: from
     * then on, nothing moves the seq but the test's own change.
     */
    async function connectAll(members: BatchMember[]): Promise<TestClient[]> {
      const connected: TestClient[] = [];
      for (const m of members) {
        const user = (await findUserById(app.db, m.userId))!;
        const { token } = await app.tokens.issue({ id: user.id, email: user.email, firstname: user.firstname, lastname: user.lastname });
        connected.push(await TestClient.connect(`${app.url.replace(/^http/, 'ws')}${app.config.wsPaths[0]}?token=${encodeURIComponent(`JWT ${token}`)}`));
      }
      clients.push(...connected);
      const online = async () => (await Promise.all(members.map((m) => getProjectUserByUser(app.db, w.projectId, m.userId)))).every((pu) => pu!.presence.status === 'online');
      await until(online, 'every member online');
      return connected;
    }

    /** The snapshot frame of the connection's subscription to the project's requests. */
    async function snapshotOf(c: TestClient): Promise<Frame> {
      c.subscribe(requests());
      return c.waitFor(isSnapshot(requests()), 'the snapshot');
    }

    test('handshakes at one seq share a view\'s frame; a change between two handshakes is in the second; views never mix', async () => {
      const cache = snapshotFrameCacheFor(app.db);
      const agent = w.agents[0]!;
      const [owner, admin, agentsClient] = await connectAll([w.supervising[0]!, w.supervising[1]!, agent]);

      const first = await snapshotOf(owner!);
      const framesAfterFirst = cache.frames;
      assert.ok(framesAfterFirst >= 1, 'the supervising list is cached');
      const second = await snapshotOf(admin!);
      assert.equal(second.payload.seq, first.payload.seq, 'no change between: the same seq');
      assert.deepEqual(second.payload.message, first.payload.message);
      assert.equal(cache.frames, framesAfterFirst, 'the second supervising subscriber got the cached frame (none added)');

      const agentsList = await snapshotOf(agentsClient!);
      assert.equal(agentsList.payload.seq, first.payload.seq);
      assert.deepEqual(ids(agentsList.payload.message), ids(await expectedList(app.db, w.projectId, agent.userId)), "the agent's own view, not the supervisors' frame");
      assert.ok(ids(agentsList.payload.message).length < ids(first.payload.message).length, 'the world gives the agent a narrower view');

      const created = await desk.createRequest(w.projectId, { departmentId: w.departments[0]!, text: 'between two handshakes' });
      const [ownerAgain] = await connectAll([w.supervising[0]!]); // already online: no presence change
      const third = await snapshotOf(ownerAgain!);
      assert.ok(third.payload.seq! > first.payload.seq!, `the seq moved (${first.payload.seq} -> ${third.payload.seq})`);
      assert.ok(ids(third.payload.message).includes(created.request_id), 'the change between the handshakes is in the snapshot');
      assert.deepEqual(ids(third.payload.message), ids(await expectedList(app.db, w.projectId, w.supervising[0]!.userId)));
    });
  });
}
