/**
 * `/P/metrics` over a real socket: who may subscribe, the snapshot, an UPDATE soon after a change made through
 * REST, at most one UPDATE per second under a burst, and a demoted supervisor losing the topic.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import type { Frame, TestClient } from '../support/ws-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { connect, startRequest, subscribed } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

/** Arrival times of a client's frames, taken as they arrive (the test client keeps frames, not times). */
function stamp(c: TestClient): Map<Frame, number> {
  const times = new Map<Frame, number>();
  c.ws.on('message', () => times.set(c.frames[c.frames.length - 1]!, Date.now()));
  return times;
}

const updates = (c: TestClient, topic: string) => c.publishes(topic).filter((f) => f.payload.method === 'UPDATE');

for (const kind of storeKinds()) {
  describe(`/P/metrics (${kind})`, () => {
    const world = useRealtimeDesk(kind);
    let topic: string;

    before(async () => {
      topic = `/${world.d.projectId}/metrics`;
    });

    test('agents are refused with SUBSCRIBE_FORBIDDEN; owners, admins and supervisors get the current metrics', async () => {
      const agent = await connect(world.h, world.d.agentA);
      const refused = await subscribed(agent, topic);
      assert.deepEqual([refused.action, refused.payload.code], ['error', 'SUBSCRIBE_FORBIDDEN']);
      await agent.close();

      for (const who of [world.d.owner, world.d.admin, world.d.supervisor]) {
        const c = await connect(world.h, who);
        const snap = await subscribed(c, topic);
        assert.equal(snap.action, 'publish');
        assert.equal(snap.payload.topic, topic);
        assert.equal(snap.payload.method, 'CREATE');
        assert.equal(snap.payload.message.project_id, world.d.projectId);
        assert.equal(snap.payload.seq, snap.payload.message.seq);
        assert.equal(snap.payload.epoch, snap.payload.message.epoch);
        const rest = expectStatus(await who.rest.get(`/${world.d.projectId}/metrics`), 200);
        assert.equal(snap.payload.message.now.waiting, rest.now.waiting);
        // Metrics have no history to replay: a resume gets the current object, marked as a reset.
        const resumed = await subscribed(c, topic, { since: 1, epoch: snap.payload.epoch });
        assert.deepEqual([resumed.payload.method, resumed.payload.reset], ['CREATE', true]);
        assert.equal(resumed.payload.message.project_id, world.d.projectId);
        await c.close();
      }
    });

    test('a request started through REST reaches the subscriber as an UPDATE within 2 s, with the seq it reflects', async () => {
      const c = await connect(world.h, world.d.supervisor);
      const snap = await subscribed(c, topic);
      const before = snap.payload.message.now.waiting as number;
      const started = Date.now();
      await startRequest(world.d, await world.d.visitor());
      const { seq } = expectStatus(await world.d.owner.rest.get(`/projects/${world.d.projectId}`), 200);
      const update = await c.waitFor((f) => f.payload.topic === topic && f.payload.method === 'UPDATE' && f.payload.message.now.waiting === before + 1, 'an UPDATE with one more waiting', { timeoutMs: 2000 });
      assert.ok(Date.now() - started < 2000);
      assert.ok(update.payload.seq! >= seq && update.payload.seq === update.payload.message.seq, `UPDATE seq ${update.payload.seq}, project seq ${seq}`);
      assert.ok(update.payload.seq! > snap.payload.seq!);
      assert.equal(update.payload.message.departments.find((x: { id: string }) => x.id === world.d.supportId).now.waiting, before + 1);
      await c.close();
    });

    test('a burst of changes gives at most one UPDATE per second, the last one reflecting all of them', async () => {
      const c = await connect(world.h, world.d.admin);
      const times = stamp(c);
      const snap = await subscribed(c, topic);
      const waiting = snap.payload.message.now.waiting as number;
      const visitor = await world.d.visitor();
      // Changes as fast as REST takes them, for long enough to span several push intervals (3.5 s: on a loaded
      // machine, with the store on the event loop's thread, one computation behind the burst's writes can take most
      // of a second).
      const started = Date.now();
      let burst = 0;
      while (Date.now() - started < 3500) {
        await startRequest(world.d, visitor);
        burst += 1;
      }
      const elapsed = Date.now() - started;
      const last = await c.waitFor((f) => f.payload.topic === topic && f.payload.message?.now?.waiting === waiting + burst, 'an UPDATE with the whole burst', { timeoutMs: 5000 });
      const arrived = updates(c, topic).map((f) => times.get(f)!);
      assert.ok(arrived.length >= 2 && arrived.length <= Math.ceil(elapsed / 1000) + 2, `${arrived.length} UPDATEs for ${burst} changes in ${elapsed} ms`);
      for (let i = 1; i < arrived.length; i++) {
        // Timers may fire a millisecond early; the rule is one per METRICS_PUSH_INTERVAL_MS (1000).
        assert.ok(arrived[i]! - arrived[i - 1]! >= 990, `UPDATEs ${arrived[i]! - arrived[i - 1]!} ms apart`);
      }
      const seqs = updates(c, topic).map((f) => f.payload.seq!);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq never goes back');
      assert.equal(last.payload.method, 'UPDATE');
      assert.deepEqual(c.errors(), []);
      await c.close();
    });

    test('a supervisor demoted to agent loses the topic at once', async () => {
      const c = await connect(world.h, world.d.supervisor);
      await subscribed(c, topic);
      expectStatus(await world.d.owner.rest.put(`/${world.d.projectId}/project_users/${world.d.supervisor.projectUserId}`, { role: 'agent' }), 200);
      const dropped = await c.waitFor((f) => f.action === 'error' && f.payload.topic === topic, 'the topic to be dropped');
      assert.equal(dropped.payload.code, 'SUBSCRIBE_FORBIDDEN');
      const from = c.frames.length;
      await startRequest(world.d, await world.d.visitor());
      // A barrier: the change has been dispatched once the request list of this (still member) connection hears it.
      const requests = `/${world.d.projectId}/requests`;
      await subscribed(c, requests);
      assert.deepEqual(c.frames.slice(from).filter((f) => f.payload.topic === topic && f.action === 'publish'), []);
      await c.close();
      expectStatus(await world.d.owner.rest.put(`/${world.d.projectId}/project_users/${world.d.supervisor.projectUserId}`, { role: 'supervisor' }), 200);
    });
  });
}

describe('/P/metrics without events', () => {
  const world = useRealtimeDesk('pglite', { METRICS_REFRESH_INTERVAL_MS: '1000' });

  test('waits grow by themselves: the periodic refresh sends an UPDATE though nothing was written', async () => {
    const topic = `/${world.d.projectId}/metrics`;
    await startRequest(world.d, await world.d.visitor());
    const c = await connect(world.h, world.d.supervisor);
    const snap = await subscribed(c, topic);
    const { seq } = snap.payload;
    const waited = snap.payload.message.now.longest_wait_seconds as number;
    const update = await c.waitFor((f) => f.payload.topic === topic && f.payload.method === 'UPDATE', 'a refresh UPDATE', { timeoutMs: 3000 });
    assert.equal(update.payload.seq, seq, 'nothing was written');
    assert.ok(update.payload.message.now.longest_wait_seconds > waited);
    await c.close();
  });
});
