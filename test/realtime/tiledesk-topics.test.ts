/**
 * The rest of the Tiledesk dashboard's surface: `/P/events/ID[/NAME]` (snapshot of the newest 20, then live
 * CREATEs posted over REST, in order, resumable, visible as the contact's requests are), `/P/bots/ID` (null, then
 * nothing) and the `/v2/ws` path without its slash under the default configuration.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Recorder } from '../client/recorder.js';
import { expectStatus } from '../support/rest-client.js';
import { TestClient } from '../support/ws-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { connect, makeDesk, startRequest, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

for (const kind of storeKinds()) {
  describe(`Tiledesk topics and paths (${kind})`, () => {
    const world = useRealtimeDesk(kind);
    let visitor: Person;
    let leadId: string;
    before(async () => {
      visitor = await world.d.visitor('Vera');
      const rid = await startRequest(world.d, visitor); // pooled Support: agents A and B see it
      leadId = expectStatus(await world.d.admin.rest.get(`/${world.d.projectId}/requests/${rid}`), 200).lead._id;
    });

    const postEvent = async (who: Person, body: Record<string, unknown>) => expectStatus(await who.rest.post(`/${world.d.projectId}/events`, body), 201)._id as string;
    const creates = (c: TestClient, topic: string, from = 0) =>
      c.frames.slice(from).filter((f) => f.action === 'publish' && f.payload.topic === topic && f.payload.method === 'CREATE' && !Array.isArray(f.payload.message));

    test('/P/events/ID: the newest 20 as an array, then live CREATEs in order, by lead or project user, one name or all; a resume replays', async () => {
      const posted: string[] = [];
      for (let i = 0; i < 22; i++) posted.push(await postEvent(world.d.admin, { name: i % 2 ? 'page.view' : 'click', attributes: { i }, lead: leadId }));
      const byLead = `/${world.d.projectId}/events/${leadId}`;
      const byPu = `/${world.d.projectId}/events/${visitor.projectUserId}`;
      const views = `/${world.d.projectId}/events/${visitor.projectUserId}/page.view`;
      const a = await connect(world.h, world.d.agentA);
      const snap = await subscribed(a, byLead);
      assert.equal(snap.action, 'publish', JSON.stringify(snap.payload));
      assert.deepEqual((snap.payload.message as any[]).map((e) => e._id), posted.slice(2).reverse(), 'the newest 20, newest first');
      const rest = expectStatus(await world.d.agentA.rest.get(`/${world.d.projectId}/events?lead=${leadId}`), 200);
      assert.deepEqual(snap.payload.message, rest.events, 'the same events as REST');
      const viewSnap = await subscribed(a, views);
      assert.deepEqual((viewSnap.payload.message as any[]).map((e) => e.name), Array(11).fill('page.view'));
      await subscribed(a, byPu);

      const live: string[] = [];
      for (let i = 0; i < 4; i++) {
        // The visitor about themselves, and agent B about them by project user: one stream for the one person.
        const name = i === 3 ? 'page.view' : 'typing';
        live.push(i % 2 ? await postEvent(world.d.agentB, { name, project_user: visitor.projectUserId }) : await postEvent(visitor, { name }));
      }
      await a.until(() => (creates(a, byLead).length === 4 && creates(a, byPu).length === 4 && creates(a, views).length === 1 ? true : undefined), 'the live events');
      assert.deepEqual(creates(a, byLead).map((f) => f.payload.message._id), live, 'in the order posted');
      assert.deepEqual(creates(a, byPu).map((f) => f.payload.message._id), live, 'the same person by their other id');
      assert.deepEqual(creates(a, views).map((f) => f.payload.message._id), [live[3]], 'one name only');
      const seqs = creates(a, byLead).map((f) => f.payload.seq!);
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
      assert.ok(seqs[0]! > snap.payload.seq!);
      await a.close();

      // Away, then back with since: exactly what was missed, in order, without a reset.
      const missed = [await postEvent(world.d.owner, { name: 'note', lead: leadId }), await postEvent(visitor, { name: 'typing' })];
      const back = await connect(world.h, world.d.agentA);
      back.subscribe(byLead, { since: seqs.at(-1), epoch: snap.payload.epoch });
      await back.until(() => (creates(back, byLead).length === 2 ? true : undefined), 'the replay');
      assert.deepEqual(creates(back, byLead).map((f) => f.payload.message._id), missed);
      assert.ok(!back.publishes(byLead).some((f) => f.payload.reset), 'a replay, not a fresh snapshot');
      await back.close();
    });

    test('/P/events/ID visibility: as for the contact’s requests; a visitor only their own; another project’s contact is refused like any topic', async () => {
      const other = await world.d.visitor('Otto');
      const topic = `/${world.d.projectId}/events/${leadId}`;
      const [c, dee, vera, otto, sup] = await Promise.all([connect(world.h, world.d.agentC), connect(world.h, world.d.agentD), connect(world.h, visitor), connect(world.h, other), connect(world.h, world.d.supervisor)]);
      for (const [who, client] of [['agent C (Sales)', c], ['agent D (no department)', dee], ['another visitor', otto]] as const) {
        const answer = await subscribed(client, topic);
        assert.equal(answer.action, 'error', `${who}: ${JSON.stringify(answer.payload)}`);
        assert.equal(answer.payload.code, 'SUBSCRIBE_FORBIDDEN', who);
      }
      const own = await subscribed(vera, `/${world.d.projectId}/events/${visitor.projectUserId}`);
      assert.equal(own.action, 'publish', 'a visitor subscribes to their own events');
      const ottoOwn = await subscribed(otto, `/${world.d.projectId}/events/${other.projectUserId}`);
      assert.deepEqual(ottoOwn.payload.message, [], 'nothing about Otto yet');
      assert.equal((await subscribed(otto, `/${world.d.projectId}/requests`)).payload.code, 'SUBSCRIBE_FORBIDDEN', 'visitors still hold no other topic');
      await subscribed(sup, topic);

      // Live: an event about Vera reaches her and the supervisor, never Otto (who is subscribed to his own).
      const mark = { vera: vera.frames.length, otto: otto.frames.length };
      const id = await postEvent(world.d.owner, { name: 'note', lead: leadId });
      const otto2 = await postEvent(other, { name: 'typing' });
      await sup.until(() => (creates(sup, topic).some((f) => f.payload.message._id === id) ? true : undefined), 'the supervisor’s event');
      await vera.until(() => (creates(vera, `/${world.d.projectId}/events/${visitor.projectUserId}`, mark.vera).length === 1 ? true : undefined), 'Vera’s own event');
      await otto.until(() => (creates(otto, `/${world.d.projectId}/events/${other.projectUserId}`, mark.otto).length === 1 ? true : undefined), 'Otto’s own event');
      assert.deepEqual(creates(otto, `/${world.d.projectId}/events/${other.projectUserId}`, mark.otto).map((f) => f.payload.message._id), [otto2]);
      assert.ok(!otto.frames.slice(mark.otto).some((f) => JSON.stringify(f).includes(id)), 'Otto never hears of Vera’s event');

      // Another project's contact, named under this project or under its own: refused exactly as other topics.
      const elsewhere = await makeDesk(world.h);
      const stranger = await elsewhere.visitor();
      const unknownRequest = await subscribed(sup, `/${world.d.projectId}/requests/nope`);
      for (const t of [`/${world.d.projectId}/events/${stranger.projectUserId}`, `/${elsewhere.projectId}/events/${stranger.projectUserId}`, `/${world.d.projectId}/events/nope`]) {
        const answer = await subscribed(sup, t);
        assert.deepEqual({ action: answer.action, code: answer.payload.code }, { action: unknownRequest.action, code: unknownRequest.payload.code }, t);
      }
      assert.equal((await subscribed(sup, `/${world.d.projectId}/events/a.b`)).payload.code, 'TOPIC_INVALID');
      await Promise.all([c, dee, vera, otto, sup].map((x) => x.close()));
    });

    test('/P/bots/ID answers a null snapshot and nothing follows; visitors are refused', async () => {
      const a = await connect(world.h, world.d.agentA);
      const topic = `/${world.d.projectId}/bots/5f1b2c3d4e5f6a7b8c9d0e1f`;
      const snap = await subscribed(a, topic);
      assert.deepEqual({ action: snap.action, method: snap.payload.method, message: snap.payload.message }, { action: 'publish', method: 'CREATE', message: null });
      // Traffic the agent sees elsewhere arrives; the bots topic stays silent.
      const requests = `/${world.d.projectId}/requests`;
      await subscribed(a, requests);
      const rid = await startRequest(world.d, visitor);
      await postEvent(world.d.owner, { name: 'note', lead: leadId });
      await a.waitFor((f) => f.payload.topic === requests && f.payload.message?.request_id === rid, 'the new request');
      assert.equal(a.publishes(topic).length, 1, 'only the snapshot');
      const vera = await connect(world.h, visitor);
      assert.equal((await subscribed(vera, topic)).payload.code, 'SUBSCRIBE_FORBIDDEN');
      await Promise.all([a.close(), vera.close()]);
    });

    test('the SDK keeps a contact’s events as a live list, newest first, and takes a bot’s null as no items', async () => {
      const rec = new Recorder();
      const sdk = rec.connect({ url: world.h.url, token: world.d.supervisor.token });
      try {
        const events = `/${world.d.projectId}/events/${visitor.projectUserId}/sdk.check`;
        const list = sdk.liveList(events);
        list.onChange(() => rec.poke());
        await list.ready;
        assert.equal(list.size, 0);
        const first = await postEvent(visitor, { name: 'sdk.check' });
        const second = await postEvent(world.d.owner, { name: 'sdk.check', lead: leadId });
        await rec.until(() => list.size === 2, 'both events in the list');
        assert.deepEqual(list.items().map((e) => e._id), [second, first]);
        const bots = `/${world.d.projectId}/bots/b1`;
        sdk.subscribe(bots, rec.handlers(bots));
        const snap = await rec.until(() => rec.events.find((e) => e.topic === bots && e.kind === 'snapshot'), 'the bots snapshot');
        assert.deepEqual(snap.item, []);
      } finally {
        sdk.close();
      }
    });

    test('the default WS_PATHS accept /v2/ws, /v2/ws/ and /', async () => {
      for (const path of ['/v2/ws', '/v2/ws/', '/']) {
        const c = await TestClient.connect(`${world.h.origin}${path}?token=${world.d.agentA.token}`);
        c.send({ action: 'me' });
        const me = await c.waitFor((f) => f.action === 'me', `me on ${path}`);
        assert.equal(me.payload.userId, world.d.agentA.userId);
        await c.close();
      }
    });
  });
}
