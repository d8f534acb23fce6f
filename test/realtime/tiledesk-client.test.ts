import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { DashboardRequestList, TiledeskLikeClient } from './tiledesk-like-client.js';
import { assign, closeRequest, post, startRequest, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

/** The dashboard's 15 s / 10 s / 3 s timers and the server's 30 s heartbeat, shortened by the same factor of 100. */
const HEARTBEAT_MS = 300;
const timings = { pingTimeoutMs: 150, pongTimeoutMs: 100, reconnectDelayMs: 30 };

for (const kind of storeKinds()) {
  describe(`a client behaving like the Tiledesk dashboard (${kind})`, () => {
    const world = useRealtimeDesk(kind, { WS_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS) });
    let visitor: Person;
    before(async () => {
      visitor = await world.d.visitor();
    });

    test('stays connected through heartbeat cycles of traffic, survives a reconnect, and ends with the database’s request list', async () => {
      const first = await startRequest(world.d, visitor, { text: 'first' });
      await startRequest(world.d, visitor);
      await startRequest(world.d, visitor);
      const client = new TiledeskLikeClient(`${world.h.wsUrl}?token=${world.d.admin.token}`, timings);
      const list = new DashboardRequestList();
      const byId: string[] = [];
      const messages: string[] = [];
      const people: string[] = [];
      const tag = (i: any): string => i.text ?? i.request_id ?? i._id;
      const record = (into: string[]) => ({ onCreate: (i: any) => into.push(`CREATE ${tag(i)}`), onUpdate: (i: any) => into.push(`UPDATE ${tag(i)}`) });
      client.ref(`/${world.d.projectId}/requests`, list.callbacks);
      client.ref(`/${world.d.projectId}/project_users/${world.d.admin.projectUserId}`, record(people));
      client.ref(`/${world.d.projectId}/requests/${first}`, record(byId));
      client.ref(`/${world.d.projectId}/requests/${first}/messages`, record(messages));
      client.ref(`/${world.d.projectId}/project_users/users/${visitor.userId}`, record(people));
      const show = () => `list=${list.items.length}`;
      await client.until(() => list.items.length === 3 && messages.length === 1, 'the snapshots', show);

      const open: string[] = list.items.map((r) => r.request_id);
      let cycle = 0;
      const nextCycle = async () => {
        const seen = client.stats.serverPings;
        await client.until(() => client.stats.serverPings > seen, `server ping after cycle ${cycle}`, show, HEARTBEAT_MS * 4);
        cycle++;
      };
      for (let i = 0; i < 6; i++) {
        await nextCycle();
        if (i === 2) {
          // The network drops; while the dashboard is away, requests keep arriving (but none it already lists changes).
          client.dropConnection();
          for (let k = 0; k < 3; k++) open.push(await startRequest(world.d, visitor));
          await client.until(() => client.stats.opens === 2 && client.connected, 'the reconnect', show);
          continue;
        }
        const rid = await startRequest(world.d, visitor);
        open.push(rid);
        await post(world.d, visitor, first, `visitor says ${i}`);
        await assign(world.d, world.d.supervisor, open[i]!, i % 2 === 0 ? world.d.agentA : world.d.agentB);
        await post(world.d, i % 2 === 0 ? world.d.agentA : world.d.agentB, open[i]!, `agent reply ${i}`);
        if (i === 1 || i === 4) await closeRequest(world.d, world.d.admin, open.splice(0, 1)[0]!);
        expectStatus(await world.d.admin.rest.patch(`/${world.d.projectId}/requests/${first}`, { tags: [`cycle-${i}`] }), 200);
      }

      const fromDb = async () => expectStatus(await world.d.admin.rest.get(`/${world.d.projectId}/requests?limit=100`), 200).requests as any[];
      const expected = await fromDb();
      const key = (items: any[]) => items.map((r) => `${r.request_id} ${r.status} ${r.updatedAt}`).sort();
      await client.until(() => JSON.stringify(key(list.items)) === JSON.stringify(key(expected)), 'the list to match the database', () =>
        JSON.stringify({ client: key(list.items), db: key(expected) }, null, 1),
      );
      assert.deepEqual(key(list.items), key(await fromDb()));

      assert.deepEqual(client.stats.closes, [1006], 'closed only by the simulated network drop, never by a missing pong');
      assert.equal(client.stats.opens, 2);
      assert.ok(client.stats.serverPings >= 6, 'several heartbeat cycles');
      assert.ok(client.stats.pingsSent >= 1 && client.stats.pongsReceived >= client.stats.pingsSent - 1, 'its pings are answered');
      assert.equal(byId.filter((e) => e === `CREATE ${first}`).length, 2, 'each connection re-sends the request snapshot');
      assert.ok(byId.some((e) => e === `UPDATE ${first}`));
      assert.ok(messages.includes('CREATE visitor says 5'), 'live messages');
      assert.equal(messages.filter((m) => m === 'CREATE first').length, 2, 'the messages snapshot per connection, per item');
      assert.ok(people.filter((p) => p.startsWith('CREATE')).length >= 4, 'both project-user topics, per connection');
      client.close();
    });
  });
}
