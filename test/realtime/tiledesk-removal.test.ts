/**
 * PROTOCOL §9: a request leaving a subscriber's sight. deskwire's SDK declares the `delete` capability and gets
 * DELETE; a client that speaks only Tiledesk frames gets Tiledesk's removal (UPDATE, ids and `status: 1000`, none
 * of the request's data), live and on a resume alike.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Recorder } from '../client/recorder.js';
import { storeKinds } from '../support/realtime-harness.js';
import { DashboardRequestList, TiledeskLikeClient } from './tiledesk-like-client.js';
import { assign, connect, connectPlain, post, startRequest, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

const timings = { pingTimeoutMs: 15_000, pongTimeoutMs: 10_000, reconnectDelayMs: 3000 };
const IDS = ['_id', 'id', 'id_project', 'request_id', 'status'];

for (const kind of storeKinds()) {
  describe(`visibility loss as a Tiledesk client understands it (${kind})`, () => {
    const world = useRealtimeDesk(kind);
    let visitor: Person;
    before(async () => {
      visitor = await world.d.visitor();
    });

    test('an agent’s Tiledesk list drops a pooled request a colleague joins, and gets only its ids; the SDK gets DELETE', async () => {
      const topic = `/${world.d.projectId}/requests`;
      const tiledesk = new TiledeskLikeClient(`${world.h.wsUrl}?token=${world.d.agentA.token}`, timings);
      const list = new DashboardRequestList();
      tiledesk.ref(topic, list.callbacks);
      const rec = new Recorder();
      const sdk = rec.connect({ url: world.h.url, token: world.d.agentA.token });
      try {
        sdk.subscribe(topic, rec.handlers(topic));
        const show = () => JSON.stringify({ list: list.items.map((r) => r.request_id), publishes: tiledesk.publishes.length });
        await tiledesk.until(() => tiledesk.publishes.some((p) => p.topic === topic), 'the snapshot', show);
        await rec.until(() => rec.events.some((e) => e.kind === 'snapshot'), 'the SDK snapshot');

        const rid = await startRequest(world.d, visitor, { text: 'my card was charged twice' });
        await tiledesk.until(() => list.items.some((r) => r.request_id === rid), 'the pooled request in the list', show);
        const before = tiledesk.publishes.length;

        await assign(world.d, world.d.agentB, rid, world.d.agentB);
        await tiledesk.until(() => !list.items.some((r) => r.request_id === rid), 'the request to leave the list', show);
        await rec.until(() => rec.live(topic).some((e) => e.kind === 'delete' && e.item.request_id === rid), 'the SDK DELETE');

        // What follows on the request never reaches A; a later request in A's pool does, so the stream was live.
        await post(world.d, world.d.agentB, rid, 'refund issued, amount 42.00');
        const next = await startRequest(world.d, visitor, { text: 'another question' });
        await tiledesk.until(() => list.items.some((r) => r.request_id === next), 'the next pooled request', show);

        const afterJoin = tiledesk.publishes.slice(before).filter((p) => p.message?.request_id === rid);
        assert.deepEqual(
          afterJoin.map((p) => ({ method: p.method, keys: Object.keys(p.message).sort(), status: p.message.status })),
          [{ method: 'UPDATE', keys: IDS, status: 1000 }],
          'one removal, carrying the ids and nothing else',
        );
        assert.equal(afterJoin[0]!.message.id_project, world.d.projectId);
        assert.ok(!tiledesk.publishes.some((p) => p.method === 'DELETE'), 'no DELETE for a client that did not declare it');
        const sdkLive = rec.live(topic).filter((e) => e.item?.request_id === rid);
        assert.deepEqual(sdkLive.map((e) => e.kind), ['create', 'delete']);
        assert.deepEqual(Object.keys(sdkLive[1]!.item).sort(), ['_id', 'id', 'request_id'], 'the SDK’s DELETE as before');
      } finally {
        tiledesk.close();
        sdk.close();
      }
    });

    test('a resume replays the same per-client form: removal for a plain client, DELETE for one that declared it', async () => {
      const rid = await startRequest(world.d, visitor);
      const topic = `/${world.d.projectId}/requests`;
      const probe = await connect(world.h, world.d.agentA);
      const snap = await subscribed(probe, topic);
      assert.ok((snap.payload.message as any[]).some((r) => r.request_id === rid));
      await probe.close();

      await assign(world.d, world.d.agentB, rid, world.d.agentB);

      const plain = await connectPlain(world.h, world.d.agentA);
      const capable = await connect(world.h, world.d.agentA);
      for (const c of [plain, capable]) c.subscribe(topic, { since: snap.payload.seq, epoch: snap.payload.epoch });
      const about = (f: { payload: { topic?: string; message?: any } }) => f.payload.topic === topic && f.payload.message?.request_id === rid;
      const [removal] = await plain.waitForCount(about, 1, 'the replayed removal');
      assert.equal(removal!.payload.method, 'UPDATE');
      assert.deepEqual(removal!.payload.message, { _id: removal!.payload.message._id, id: removal!.payload.message._id, id_project: world.d.projectId, request_id: rid, status: 1000 });
      const [deleted] = await capable.waitForCount(about, 1, 'the replayed DELETE');
      assert.equal(deleted!.payload.method, 'DELETE');
      assert.deepEqual(Object.keys(deleted!.payload.message).sort(), ['_id', 'id', 'request_id']);
      await plain.close();
      await capable.close();
    });
  });
}
