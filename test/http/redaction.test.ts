import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { expectStatus } from '../support/rest-client.js';
import { storeKinds } from '../support/realtime-harness.js';
import { connect, subscribed, type Person } from '../support/realtime-world.js';
import { useRealtimeDesk } from '../support/use-realtime-desk.js';

/** The private fields of a project user, as one reader received them. */
const privateOf = (pu: { last_ip: unknown; attributes: unknown }) => ({ last_ip: pu.last_ip, attributes: pu.attributes });
const withheld = { last_ip: null, attributes: {} };

/**
 * `last_ip` and `attributes` of a project user are for owners, admins and the person themself (docs/rest.md,
 * docs/protocol.md), over REST as over the Realtime API.
 */
for (const kind of storeKinds()) {
  describe(`private fields of project users (${kind})`, () => {
    const world = useRealtimeDesk(kind);
    let pid: string;
    let members: Person[];
    /** The real private fields of each desk member, by user id: distinct for each, so none can pass for another. */
    const real = new Map<string, { last_ip: string; attributes: Record<string, unknown> }>();

    before(async () => {
      pid = world.d.projectId;
      members = [world.d.owner, world.d.admin, world.d.supervisor, world.d.agentA, world.d.agentB, world.d.agentC, world.d.agentD];
      for (const [i, p] of members.entries()) {
        const fields = { last_ip: `10.0.0.${i + 1}`, attributes: { note: `private to ${p.email}` } };
        real.set(p.userId, fields);
        await world.h.app.db.query('UPDATE project_users SET last_ip = $1, attributes = $2 WHERE id = $3', [fields.last_ip, JSON.stringify(fields.attributes), p.projectUserId]);
      }
    });

    /** What `reader` may read of the project user of `userId`. */
    const expected = (reader: Person, userId: string) =>
      reader === world.d.owner || reader === world.d.admin || reader.userId === userId ? real.get(userId) : withheld;

    test('agent A reads agent B over REST with last_ip null and attributes empty, while an admin and B see the real values', async () => {
      const fromA = expectStatus(await world.d.agentA.rest.get(`/${pid}/project_users/${world.d.agentB.projectUserId}`), 200);
      assert.equal(fromA.uuid_user, world.d.agentB.userId);
      assert.deepEqual(privateOf(fromA), withheld);
      const listed = expectStatus(await world.d.agentA.rest.get(`/${pid}/project_users`), 200).find((pu: { uuid_user: string }) => pu.uuid_user === world.d.agentB.userId);
      assert.deepEqual(privateOf(listed), withheld, 'nor in the list');

      const fromAdmin = expectStatus(await world.d.admin.rest.get(`/${pid}/project_users/${world.d.agentB.projectUserId}`), 200);
      assert.deepEqual(privateOf(fromAdmin), real.get(world.d.agentB.userId));
      const fromB = expectStatus(await world.d.agentB.rest.get(`/${pid}/project_users/${world.d.agentB.projectUserId}`), 200);
      assert.deepEqual(privateOf(fromB), real.get(world.d.agentB.userId));
      assert.deepEqual(privateOf(expectStatus(await world.d.agentB.rest.get(`/${pid}/project_users/me`), 200)), real.get(world.d.agentB.userId));
    });

    test('every member reads every member over REST, one by one and in the list: private fields for owners, admins and oneself only', async () => {
      for (const reader of members) {
        const list = expectStatus(await reader.rest.get(`/${pid}/project_users`), 200) as { uuid_user: string; last_ip: unknown; attributes: unknown }[];
        assert.deepEqual(list.map((pu) => pu.uuid_user).sort(), members.map((p) => p.userId).sort(), `${reader.email}: the desk`);
        for (const pu of list) assert.deepEqual(privateOf(pu), expected(reader, pu.uuid_user), `${reader.email} lists ${pu.uuid_user}`);
        for (const target of members) {
          const one = expectStatus(await reader.rest.get(`/${pid}/project_users/${target.projectUserId}`), 200);
          assert.deepEqual(privateOf(one), expected(reader, target.userId), `${reader.email} reads ${target.email}`);
        }
      }
    });

    test('each reader gets the same private fields over REST and over the Realtime API', async () => {
      for (const reader of [world.d.agentA, world.d.agentB, world.d.supervisor, world.d.admin, world.d.owner]) {
        const c = await connect(world.h, reader);
        try {
          for (const target of [world.d.agentB, world.d.supervisor]) {
            const rest = expectStatus(await reader.rest.get(`/${pid}/project_users/${target.projectUserId}`), 200);
            assert.deepEqual(privateOf(rest), expected(reader, target.userId));
            const topics = [`/${pid}/project_users/users/${target.userId}`];
            // The topic by project-user id is for the person and for owners, admins and supervisors.
            const agent = reader === world.d.agentA || reader === world.d.agentB;
            if (!agent || reader === target) topics.push(`/${pid}/project_users/${target.projectUserId}`);
            for (const topic of topics) {
              const live = await subscribed(c, topic);
              assert.equal(live.action, 'publish', `${topic}: ${JSON.stringify(live.payload)}`);
              assert.deepEqual(privateOf(live.payload.message), privateOf(rest), `${reader.email} reads ${target.email} on ${topic}: as over REST`);
            }
          }
          if (reader === world.d.agentA || reader === world.d.agentB) continue;
          // The list topic is for owners, admins and supervisors: it and the REST list say the same of everyone.
          const restList = expectStatus(await reader.rest.get(`/${pid}/project_users`), 200) as { uuid_user: string }[];
          const liveList = (await subscribed(c, `/${pid}/project_users`)).payload.message as { uuid_user: string }[];
          const byUser = (list: { uuid_user: string; last_ip?: unknown; attributes?: unknown }[]) =>
            Object.fromEntries(list.map((pu) => [pu.uuid_user, privateOf(pu as { last_ip: unknown; attributes: unknown })]));
          assert.deepEqual(byUser(liveList), byUser(restList), `${reader.email}: the REST list and the /project_users topic agree`);
        } finally {
          await c.close();
        }
      }
    });

    test('the REST list holds desk members only, as the /project_users topic does: asking for visitors is BODY_INVALID', async () => {
      const visitor = await world.d.visitor('Quinn');
      const before = expectStatus(await world.d.owner.rest.get(`/${pid}/project_users`), 200) as { uuid_user: string; role: string }[];
      assert.ok(!before.some((pu) => pu.uuid_user === visitor.userId), 'no visitor in the default list');
      for (const reader of [world.d.agentA, world.d.supervisor, world.d.owner]) {
        for (const role of ['guest', 'user', 'agent,guest']) {
          const r = await reader.rest.get(`/${pid}/project_users?role=${role}`);
          assert.equal(r.status, 400, `${reader.email} ?role=${role}: ${JSON.stringify(r.body)}`);
          assert.equal(r.body.error, 'BODY_INVALID');
        }
      }
      const agents = expectStatus(await world.d.agentA.rest.get(`/${pid}/project_users?role=agent`), 200) as { role: string }[];
      assert.deepEqual(agents.map((pu) => pu.role), ['agent', 'agent', 'agent', 'agent']);
      const c = await connect(world.h, world.d.owner);
      try {
        const live = (await subscribed(c, `/${pid}/project_users`)).payload.message as { uuid_user: string }[];
        assert.deepEqual(live.map((pu) => pu.uuid_user).sort(), before.map((pu) => pu.uuid_user).sort(), 'the same people on both transports');
      } finally {
        await c.close();
      }
    });
  });
}
