import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeskwireError } from '../../src/domain/errors.js';
import { parseTopic } from '../../src/domain/topics.js';
import { SnapshotBatcher } from '../../src/realtime/snapshot-batcher.js';
import type { Loaded, LoadOptions } from '../../src/realtime/snapshot.js';
import { touches } from '../../src/realtime/topic-rules.js';
import { viewerOf } from '../../src/domain/viewer.js';
import { readEventRange } from '../../src/store/events.js';
import { getProjectUserByUser } from '../../src/store/project-users.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { buildBatchWorld, expectedList, type BatchWorld } from './batch-world.js';
import { OutboxDesk } from '../support/outbox-desk.js';
import { ProbeDb } from './probe-db.js';

const opts = (extra: Partial<LoadOptions> = {}): LoadOptions => ({ since: undefined, epoch: undefined, requestsLimit: 100, messagesLimit: 300, ...extra });

/** Settles every promise; a rejection comes back as its error. */
const settle = <T>(ps: Promise<T>[]) => Promise.all(ps.map((p) => p.then((v) => v, (e: unknown) => e as Error)));

for (const kind of storeKinds()) {
  describe(`snapshot batcher (${kind})`, () => {
    let app: TestApp;
    let desk: OutboxDesk;
    let w: BatchWorld;
    let probe: ProbeDb;
    before(async () => {
      app = await startTestApp(kind, {}, { realtime: false });
      desk = new OutboxDesk(app.db, app.bus);
      w = await buildBatchWorld(desk);
      probe = new ProbeDb(app.db);
    });
    after(() => app.closeAll());
    const topic = (rest: string) => `/${w.projectId}${rest}`;
    const load = (b: SnapshotBatcher, t: string, userId: string, o = opts()) => b.load(t, parseTopic(t)!, userId, o);

    test('loads waiting together share one transaction and one seq; each gets exactly its own /requests list', async () => {
      const batcher = new SnapshotBatcher(probe);
      const everyone = [...w.supervising, ...w.agents, ...w.agents.slice(0, 3), ...w.supervising];
      let results: Loaded[] = [];
      const cost = await probe.cost(async () => {
        results = await Promise.all(everyone.map((m) => load(batcher, topic('/requests'), m.userId)));
      });
      assert.equal(cost.transactions, 1, 'one transaction for the whole batch');
      // SET TRANSACTION, project, the subscribers' project users, the supervising list, all agents' lists.
      assert.equal(cost.statements, 5);
      const seq = await desk.seq(w.projectId);
      for (const [i, m] of everyone.entries()) {
        const r = results[i]!;
        assert.equal(r.kind, 'snapshot');
        assert.equal(r.seq, seq, `${m.name}: the batch's seq`);
        assert.deepEqual(r.viewer, viewerOf((await getProjectUserByUser(app.db, w.projectId, m.userId))!), `${m.name}: viewer`);
        assert.deepEqual(r.kind === 'snapshot' && r.message, await expectedList(app.db, w.projectId, m.userId), `${m.name}: list`);
      }
      const lists = new Set(w.agents.map((_, i) => JSON.stringify((results[w.supervising.length + i] as { message: unknown }).message)));
      assert.equal(lists.size, w.agents.length, 'the agents see different lists (the test would not tell them apart otherwise)');
    });

    test('statements do not grow with the number of subscribers', async () => {
      const batcher = new SnapshotBatcher(probe);
      const costOf = (n: number) =>
        probe.cost(async () => {
          const admins = Array.from({ length: n }, (_, i) => w.supervising[i % w.supervising.length]!);
          await Promise.all(admins.map((m) => load(batcher, topic('/requests'), m.userId)));
          await Promise.all([...w.agents, ...w.agents].slice(0, n).map((m) => load(batcher, topic(`/project_users/${m.projectUserId}`), m.userId)));
        });
      const small = await costOf(2);
      const large = await costOf(16);
      assert.deepEqual(large, small, '16 subscribers cost what 2 cost');
      assert.equal(small.transactions, 2);
    });

    test('a refused load gets SUBSCRIBE_FORBIDDEN while the others of its batch succeed', async () => {
      const batcher = new SnapshotBatcher(probe);
      const [agent0, agent1] = w.agents as [BatchWorld['agents'][0], BatchWorld['agents'][0]];
      const admin = w.supervising[2]!;
      const invisible = (await expectedList(app.db, w.projectId, admin.userId)).find((r) => r.department?.id === w.departments[2] && r.participantsAgents.length === 0)!;
      const cases: { what: string; topic: string; userId: string; ok: boolean }[] = [
        { what: 'admin, requests', topic: topic('/requests'), userId: admin.userId, ok: true },
        { what: 'visitor role, requests', topic: topic('/requests'), userId: w.visitor.userId, ok: false },
        { what: 'disabled agent, requests', topic: topic('/requests'), userId: w.disabled.userId, ok: false },
        { what: 'stranger, requests', topic: topic('/requests'), userId: w.stranger, ok: false },
        { what: 'agent, own project user', topic: topic(`/project_users/${agent0.projectUserId}`), userId: agent0.userId, ok: true },
        { what: "agent, another's project user", topic: topic(`/project_users/${agent1.projectUserId}`), userId: agent0.userId, ok: false },
        { what: 'admin, no such project user', topic: topic('/project_users/nobody'), userId: admin.userId, ok: false },
        { what: 'admin, an agent', topic: topic(`/project_users/${agent1.projectUserId}`), userId: admin.userId, ok: true },
        { what: 'agent, a request outside their pools', topic: topic(`/requests/${invisible.request_id}`), userId: agent0.userId, ok: false },
        { what: 'admin, that request', topic: topic(`/requests/${invisible.request_id}/messages`), userId: admin.userId, ok: true },
        { what: 'agent, the members list', topic: topic('/project_users'), userId: agent0.userId, ok: false },
        { what: 'agent, a user by id', topic: topic(`/project_users/users/${admin.userId}`), userId: agent0.userId, ok: true },
        { what: 'agent, requests', topic: topic('/requests'), userId: agent1.userId, ok: true },
      ];
      let outcomes: (Loaded | Error)[] = [];
      const cost = await probe.cost(async () => {
        outcomes = await settle(cases.map((c) => load(batcher, c.topic, c.userId)));
      });
      assert.equal(cost.transactions, 1);
      for (const [i, c] of cases.entries()) {
        const o = outcomes[i]!;
        if (c.ok) assert.ok(!(o instanceof Error), `${c.what}: ${o instanceof Error ? o.message : ''}`);
        else assert.ok(o instanceof DeskwireError && o.code === 'SUBSCRIBE_FORBIDDEN', `${c.what}: ${o instanceof Error ? o.message : 'loaded'}`);
      }
      const ok = outcomes.filter((o): o is Loaded => !(o instanceof Error));
      assert.equal(new Set(ok.map((o) => o.seq)).size, 1, 'one seq');
      const own = outcomes[4] as Loaded & { message: { _id: string } };
      assert.equal(own.message._id, agent0.projectUserId);
      assert.equal(own.targetUserId, agent0.userId);

      const missing = await settle([load(batcher, '/no-such-project/requests', admin.userId)]);
      assert.ok(missing[0] instanceof DeskwireError && missing[0].code === 'SUBSCRIBE_FORBIDDEN');
    });

    test('replays with different resume points in one batch: each gets the events after its own since', async () => {
      const batcher = new SnapshotBatcher(probe);
      const [agent0] = w.agents;
      const admin = w.supervising[0]!;
      const from = await desk.seq(w.projectId);
      const rid = w.requestIds[0]!;
      for (let i = 0; i < 6; i++) {
        await desk.createRequest(w.projectId, { departmentId: w.departments[i % 3]! });
        await desk.updateRequest(w.projectId, rid, { tags: [`replay${i}`] });
      }
      const epoch = (await probe.query<{ epoch: string }>('SELECT epoch FROM projects WHERE id = $1', [w.projectId]))[0]!.epoch;
      const to = await desk.seq(w.projectId);
      const cases = [
        { t: topic('/requests'), u: admin.userId, since: from },
        { t: topic('/requests'), u: agent0!.userId, since: from + 3 },
        { t: topic(`/requests/${rid}`), u: admin.userId, since: from + 5 },
        { t: topic(`/requests/${rid}/messages`), u: agent0!.userId, since: from },
        { t: topic('/requests'), u: admin.userId, since: to },
      ];
      const results = await Promise.all(cases.map((c) => load(batcher, c.t, c.u, opts({ since: c.since, epoch }))));
      const all = await readEventRange(app.db, w.projectId, from, to);
      for (const [i, c] of cases.entries()) {
        const r = results[i]!;
        assert.equal(r.kind, 'replay', `${c.t} since ${c.since}`);
        assert.equal(r.seq, to);
        const want = all.filter((e) => e.seq > c.since && touches(e, c.t)).map((e) => e.seq);
        assert.deepEqual(r.kind === 'replay' && r.events.map((e) => e.seq), want, `${c.t} since ${c.since}`);
      }
      const reset = await load(batcher, topic('/requests'), admin.userId, opts({ since: from, epoch: 'another-epoch' }));
      assert.ok(reset.kind === 'snapshot' && reset.reset, 'another epoch gets a fresh snapshot marked reset');
    });

    test('a load arriving while a batch is read waits for the next batch; none waits when nothing runs', async () => {
      const batcher = new SnapshotBatcher(probe);
      const admin = w.supervising[1]!;
      let reading!: () => void;
      const inFirst = new Promise<void>((resolve) => (reading = resolve));
      let letGo!: () => void;
      const held = new Promise<void>((resolve) => (letGo = resolve));
      probe.onStatement = async () => {
        probe.onStatement = null;
        reading();
        await held;
      };
      const cost = probe.cost(async () => {
        const first = load(batcher, topic('/requests'), admin.userId);
        await inFirst;
        const second = load(batcher, topic('/requests'), admin.userId);
        assert.equal(batcher.waiting(w.projectId), 1, 'the second waits while the first batch is read');
        letGo();
        await Promise.all([first, second]);
      });
      assert.equal((await cost).transactions, 2);
      assert.equal(batcher.waiting(w.projectId), 0);
    });

    test('a store failure fails every load of its batch with the same clear error; the next batch works', async () => {
      const batcher = new SnapshotBatcher(probe);
      const members = [...w.supervising, ...w.agents];
      probe.onStatement = (sql) => {
        if (/FROM requests/.test(sql)) throw new Error('disk on fire');
      };
      const failed = await settle(members.map((m) => load(batcher, topic('/requests'), m.userId)));
      probe.onStatement = null;
      for (const f of failed) {
        assert.ok(f instanceof Error && !(f instanceof DeskwireError), 'an unknown failure (the connection reports it as INTERNAL)');
        assert.match(f.message, new RegExp(`Reading ${members.length} snapshot\\(s\\) of project ${w.projectId} failed: disk on fire`));
      }
      const again = await Promise.all(members.map((m) => load(batcher, topic('/requests'), m.userId)));
      assert.ok(again.every((r) => r.kind === 'snapshot'));

      // Unreachable store, failing before the transaction even starts: retryable, and nothing is left waiting.
      probe.beforeTransaction = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
      const down = await settle(members.map((m) => load(batcher, topic('/requests'), m.userId)));
      probe.beforeTransaction = null;
      for (const f of down) assert.ok(f instanceof DeskwireError && f.code === 'STORE_UNAVAILABLE' && f.spec.retryable, String(f));
      assert.equal(batcher.waiting(w.projectId), 0);
      assert.equal((await load(batcher, topic('/requests'), w.supervising[0]!.userId)).kind, 'snapshot');
    });
  });
}
