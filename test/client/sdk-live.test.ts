import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import { listed, openRequests, startConversation } from './desk-traffic.js';
import { Recorder } from './recorder.js';
import type { TopicEvent } from '../../src/client/index.js';
import { useDesk } from '../support/use-desk.js';

describe('SDK in Node against a real server', () => {
  const suite = useDesk();

  test('a live list gets the snapshot, then creates, updates and closes, and equals the database', async () => {
    const visitor = await suite.desk.visitor();
    const first = await startConversation(suite.desk, visitor);
    const rec = new Recorder();
    const client = rec.connect({ url: suite.app.url, token: suite.desk.owner.token });
    try {
      const topic = `/${suite.desk.projectId}/requests`;
      const list = client.liveList(topic);
      list.onChange(() => rec.poke());
      client.subscribe(topic, rec.handlers(topic));
      await list.ready;
      assert.deepEqual(list.items().map((r) => r.request_id), [first]);

      const second = await startConversation(suite.desk, visitor, 'Another question');
      await rec.until(() => list.items().some((r) => r.request_id === second), 'the second request in the list');
      assert.deepEqual(list.items().map((r) => r.request_id), [second, first], 'newest first');

      expectStatus(await suite.desk.agentA.rest.post(`/${suite.desk.projectId}/requests/${first}/participants`, { member: suite.desk.agentA.userId }), 200);
      await rec.until(() => list.items().find((r) => r.request_id === first)?.status === 200, 'the join as an UPDATE');
      expectStatus(await suite.desk.agentA.rest.put(`/${suite.desk.projectId}/requests/${first}/close`), 200);
      await rec.until(() => list.size === 1, 'the closed request to leave the list');
      assert.deepEqual(listed(list.items()), await openRequests(suite.desk));

      const kinds = rec.events.filter((e) => e.topic === topic).map((e) => e.kind);
      assert.equal(kinds[0], 'snapshot');
      assert.ok(kinds.includes('create') && kinds.includes('update'), kinds.join(','));
      assert.equal(rec.states.filter((s) => s.state === 'open').length, 1);
    } finally {
      client.close();
    }
  });

  test('the async-iterator form yields the snapshot then live events, and ends with unsubscribe', async () => {
    const visitor = await suite.desk.visitor();
    const rid = await startConversation(suite.desk, visitor, 'first');
    const rec = new Recorder();
    const client = rec.connect({ url: suite.app.url, token: suite.desk.owner.token });
    try {
      const subscription = client.subscribe(`/${suite.desk.projectId}/requests/${rid}/messages`);
      const seen: TopicEvent[] = [];
      let ended = false;
      void (async () => {
        for await (const event of subscription) {
          seen.push(event);
          rec.poke();
          if (event.type === 'create' && event.item.text === 'second') break; // break → return() → unsubscribe
        }
        ended = true;
        rec.poke();
      })();
      // The snapshot first: a message posted before it is read is in it, and never comes as a create.
      await rec.until(() => seen.length > 0, 'the snapshot');
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'second' }), 201);
      await rec.until(() => ended, 'the loop to end on the create of "second"');
      assert.equal(seen[0]!.type, 'snapshot');
      assert.deepEqual((seen[0] as { items: { text: string }[] }).items.map((m) => m.text), ['first']);
      assert.equal(subscription.active, false);
    } finally {
      client.close();
    }
  });

  test('a refused topic reaches onError with its protocol code and ends that subscription only', async () => {
    const rec = new Recorder();
    const client = rec.connect({ url: suite.app.url, token: suite.desk.agentD.token });
    try {
      const metrics = `/${suite.desk.projectId}/project_users`;
      const bad = client.subscribe(metrics, rec.handlers(metrics));
      const good = client.subscribe(`/${suite.desk.projectId}/requests`, rec.handlers('requests'));
      const error = await rec.until(() => rec.events.find((e) => e.kind === 'error'), 'an error');
      assert.equal(error.code, 'SUBSCRIBE_FORBIDDEN');
      assert.equal(bad.active, false);
      await rec.until(() => rec.events.find((e) => e.topic === 'requests' && e.kind === 'snapshot'), 'the other topic still works');
      assert.equal(good.active, true);
    } finally {
      client.close();
    }
  });
});
