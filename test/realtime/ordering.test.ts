import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readEventsSince } from '../../src/store/events.js';
import { expectStatus } from '../support/rest-client.js';
import type { Frame } from '../support/ws-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { assign, connect, connectAs, startRequest, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

/** A client's view of /requests built from snapshot + events, keyed by request_id. */
function replayState(frames: Frame[]): Map<string, Record<string, unknown>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const f of frames) {
    const items = Array.isArray(f.payload.message) ? f.payload.message : [f.payload.message];
    for (const r of items) {
      if (f.payload.method === 'DELETE') state.delete(r.request_id);
      else state.set(r.request_id, r);
    }
  }
  return state;
}

const liveSeqs = (frames: Frame[]) => frames.filter((f) => !Array.isArray(f.payload.message)).map((f) => f.payload.seq!);

for (const kind of storeKinds()) {
  describe(`ordering, snapshot consistency and resume (${kind})`, () => {
    const world = useRealtimeDesk(kind);
    let visitor: Person;
    before(async () => {
      visitor = await world.d.visitor();
    });
    const requests = () => `/${world.d.projectId}/requests`;

    /** A project of its own (so its hub channel starts fresh), one admin, one request: the topic of that request. */
    async function soloRequest(name: string) {
      const { projectId, admin, request: r } = await world.h.desk.adminWithRequest(name, name);
      const update = (tag: string, opts?: { publish: false }) => world.h.desk.updateRequest(projectId, r.request_id, { tags: [tag] }, opts);
      return { topic: `/${projectId}/requests/${r.request_id}`, update, client: await connectAs(world.h, admin) };
    }

    test('200 concurrent changes with a subscriber joining midway: snapshot + live events, none missing, none twice', async () => {
      const rids: string[] = [];
      for (let i = 0; i < 20; i++) rids.push(await startRequest(world.d, visitor));
      const start = await world.h.desk.seq(world.d.projectId);
      const change = (i: number) =>
        i % 4 === 0
          ? startRequest(world.d, visitor, { text: `new ${i}` })
          : world.d.admin.rest.patch(`/${world.d.projectId}/requests/${rids[i % rids.length]}`, { tags: [`t${i}`] }).then((r) => expectStatus(r, 200));
      const first = Array.from({ length: 100 }, (_, i) => change(i));
      const c = await connect(world.h, world.d.admin);
      let done = 0;
      await new Promise<void>((halfway) => first.forEach((p) => void p.then(() => ++done === 50 && halfway())));
      c.subscribe(requests());
      const second = Array.from({ length: 100 }, (_, i) => change(100 + i));
      await Promise.all([...first, ...second]);
      const end = await world.h.desk.seq(world.d.projectId);

      const snap = await c.waitFor((f) => Array.isArray(f.payload.message), 'the snapshot');
      assert.ok(snap.payload.seq! > start && snap.payload.seq! < end, `snapshot at ${snap.payload.seq} is inside the burst (${start}, ${end})`);
      const expected = (await readEventsSince(world.h.app.db, world.d.projectId, snap.payload.seq!))
        .filter((e) => e.kind === 'request')
        .map((e) => e.seq);
      await c.until(() => (c.publishes(requests()).at(-1)?.payload.seq === expected.at(-1) ? true : undefined), `the event at seq ${expected.at(-1)}`);
      assert.deepEqual(liveSeqs(c.publishes(requests())), expected, 'exactly the events after the snapshot, in order, once');

      const db = expectStatus(await world.d.admin.rest.get(`/${world.d.projectId}/requests?limit=100`), 200).requests as Record<string, unknown>[];
      const view = replayState(c.publishes(requests()));
      assert.equal(view.size, db.length);
      for (const r of db) assert.deepEqual(view.get(r.request_id as string)?.tags, r.tags, `tags of ${r.request_id}`);
      await c.close();
    });

    test('a client that misses 50 changes and resubscribes with since gets exactly those it may see, then live ones', async () => {
      const a = await connect(world.h, world.d.agentA);
      const snap = await subscribed(a, requests());
      const since = snap.payload.seq!;
      const epoch = snap.payload.epoch!;
      const patchable = snap.payload.message.slice(0, 25).map((r: { request_id: string }) => r.request_id) as string[];
      assert.equal(patchable.length, 25);
      await a.close();

      const created: string[] = [];
      for (let i = 0; i < 24; i++) {
        created.push(await startRequest(world.d, visitor));
        await startRequest(world.d, visitor, { departmentid: world.d.salesId }); // routed to agent C: invisible to A
      }
      for (const rid of patchable) expectStatus(await world.d.admin.rest.patch(`/${world.d.projectId}/requests/${rid}`, { priority: 'high' }), 200);
      await assign(world.d, world.d.supervisor, created[0]!, world.d.agentC); // leaves A's sight: a DELETE, no data

      const back = await connect(world.h, world.d.agentA);
      back.subscribe(requests(), { since, epoch });
      const replayed = await back.waitForCount((f) => f.action === 'publish', 50, 'the 50 missed changes');
      await startRequest(world.d, visitor, { text: 'live after resume' });
      const live = await back.waitFor((f) => f.payload.message?.first_text === 'live after resume', 'a live event after the replay');

      assert.ok(!replayed.some((f) => Array.isArray(f.payload.message)), 'a replay, not a snapshot');
      assert.deepEqual(
        replayed.map((f) => `${f.payload.method} ${f.payload.message.request_id}`),
        [...created.map((r) => `CREATE ${r}`), ...patchable.map((r) => `UPDATE ${r}`), `DELETE ${created[0]}`],
      );
      const seqs = replayed.map((f) => f.payload.seq!);
      assert.ok(seqs.every((s, i) => s > since && (i === 0 || s > seqs[i - 1]!)), 'increasing, all after since');
      assert.ok(replayed.every((f) => f.payload.epoch === epoch));
      assert.equal(back.frames.indexOf(live), 50, 'nothing between the replay and the live event');
      await back.close();
    });

    test('resume falls back to a fresh snapshot marked reset when the epoch changed or the history no longer reaches back', async () => {
      const c = await connect(world.h, world.d.admin);
      const snap = await subscribed(c, requests());
      const { seq, epoch } = snap.payload as { seq: number; epoch: string };
      assert.equal(snap.payload.reset, undefined, 'a plain subscribe is no reset');
      const other = await subscribed(c, requests(), { since: seq, epoch: 'another-epoch' });
      assert.equal(other.payload.reset, true);
      assert.ok(Array.isArray(other.payload.message));
      await startRequest(world.d, visitor);
      await world.h.app.db.query('UPDATE projects SET pruned_through = $2 WHERE id = $1', [world.d.projectId, seq + 1]);
      const pruned = await subscribed(c, requests(), { since: seq, epoch });
      assert.equal(pruned.payload.reset, true);
      assert.equal(pruned.payload.seq, seq + 2, 'the request and its first message');
      const future = await subscribed(c, requests(), { since: seq + 1000, epoch });
      assert.equal(future.payload.reset, true);
      await world.h.app.db.query('UPDATE projects SET pruned_through = 0 WHERE id = $1', [world.d.projectId]);
      const nothingMissed = c.frames.length;
      c.subscribe(requests(), { since: seq + 2, epoch });
      const rid = await startRequest(world.d, visitor);
      const next = await c.waitFor((f) => f.payload.message?.request_id === rid, 'the next live event', { from: nothingMissed });
      assert.equal(c.frames.indexOf(next), nothingMissed, 'a resume with nothing missed sends nothing before the next event');
      await c.close();
    });

    test('subscribing again re-sends the snapshot and does not duplicate the subscription', async () => {
      const c = await connect(world.h, world.d.admin);
      await subscribed(c, requests());
      const again = await subscribed(c, requests());
      assert.ok(Array.isArray(again.payload.message));
      const rid = await startRequest(world.d, visitor);
      await c.waitFor((f) => f.payload.message?.request_id === rid, 'the live CREATE');
      const other = await connect(world.h, world.d.admin);
      await subscribed(other, requests());
      await startRequest(world.d, visitor);
      await other.waitForCount((f) => f.payload.method === 'CREATE' && !Array.isArray(f.payload.message), 1, 'a marker');
      assert.equal(c.publishes(requests()).filter((f) => f.payload.message?.request_id === rid).length, 1, 'once');
      c.send({ action: 'unsubscribe', payload: { topic: requests() } });
      c.send({ action: 'me' });
      await c.waitFor((f) => f.action === 'me', 'me');
      const count = c.frames.length;
      await startRequest(world.d, visitor);
      await other.waitForCount((f) => f.payload.method === 'CREATE' && !Array.isArray(f.payload.message), 2, 'a second marker');
      assert.equal(c.frames.length, count, 'nothing after unsubscribe');
      await c.close();
      await other.close();
    });

    test('events the bus lost or delivered out of order are filled from the outbox, in order, without duplicates', async () => {
      const { topic, update, client: c } = await soloRequest('Faults');
      await subscribed(c, topic);
      const lost = await update('lost', { publish: false });
      const late1 = await update('late-1', { publish: false });
      const late2 = await update('late-2', { publish: false });
      await world.h.app.bus.publish(late2); // arrives first: 'lost' and 'late-1' are read from the outbox
      await world.h.app.bus.publish(late1); // a duplicate by now
      await update('on-time');
      await c.waitFor((f) => f.payload.message?.tags?.[0] === 'on-time', 'the on-time event');
      const live = c.publishes(topic).slice(1);
      assert.deepEqual(live.map((f) => f.payload.message.tags[0]), ['lost', 'late-1', 'late-2', 'on-time']);
      assert.deepEqual(live.map((f) => f.payload.seq), [lost[0]!.seq, late1[0]!.seq, late2[0]!.seq, late2[0]!.seq + 1]);
      await c.close();
    });

    test('events committed while a snapshot is on its way are sent after it, once; older ones are not sent again', async () => {
      const { topic, update, client: c } = await soloRequest('In flight');
      const old = await update('old');
      world.h.snapshots.hold();
      c.subscribe(topic);
      await world.h.snapshots.arrived; // read at seq S, not sent yet
      await world.h.app.bus.publish(old); // a late duplicate from before S
      const during = [];
      for (const tag of ['a', 'b', 'c']) during.push(...(await update(tag)));
      world.h.snapshots.release();
      await c.waitFor((f) => f.payload.message?.tags?.[0] === 'c', 'the last event');
      assert.deepEqual(c.publishes(topic).map((f) => [f.payload.method, f.payload.message.tags[0], f.payload.seq]), [
        ['CREATE', 'old', old[0]!.seq],
        ...during.map((e) => ['UPDATE', e.kind === 'request' ? e.data.tags[0] : e.kind, e.seq]),
      ]);
      await c.close();
    });

    test('a snapshot older than what the hub buffered is completed from the outbox', async () => {
      const { topic, update, client: c } = await soloRequest('Catch-up');
      world.h.snapshots.hold();
      c.subscribe(topic);
      await world.h.snapshots.arrived;
      // The first event this project's channel ever sees is S+2: S+1 never came over the bus.
      const unseen = await update('unseen', { publish: false });
      const seen = await update('seen');
      world.h.snapshots.release();
      await c.waitFor((f) => f.payload.message?.tags?.[0] === 'seen', 'the published event');
      assert.deepEqual(c.publishes(topic).map((f) => f.payload.seq), [unseen[0]!.seq - 1, unseen[0]!.seq, seen[0]!.seq]);
      await c.close();
    });

    test('an event of one project reaches no subscriber of another', async () => {
      const p1 = await world.h.desk.project('One');
      const p2 = await world.h.desk.project('Two');
      const u = await world.h.desk.user('Una');
      await world.h.desk.member(p1.projectId, u, 'admin');
      await world.h.desk.member(p2.projectId, u, 'admin');
      const c = await connectAs(world.h, u);
      await subscribed(c, `/${p1.projectId}/requests`);
      await world.h.desk.createRequest(p2.projectId, { departmentId: p2.departmentId });
      const mark = await world.h.desk.createRequest(p1.projectId, { departmentId: p1.departmentId });
      await c.waitFor((f: Frame) => f.payload.message?.request_id === mark.request_id, 'marker');
      assert.equal(c.frames.length, 2, 'snapshot and the marker only');
      await c.close();
    });
  });
}
