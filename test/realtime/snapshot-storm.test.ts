/**
 * Snapshot batching end to end: real sockets, a real gateway on PGlite and PostgreSQL, subscribers held until all
 * wait for the same batch (the store wrapper holds the batch's transaction), writes racing the batch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Request } from '../../src/domain/request.js';
import { canSeeRequest, type Viewer } from '../../src/domain/visibility.js';
import type { ProjectEvent } from '../../src/events/event.js';
import { attachRealtimeGateway, type RealtimeGateway } from '../../src/realtime/gateway.js';
import type { Logger } from '../../src/realtime/logger.js';
import { snapshotBatcherFor } from '../../src/realtime/snapshot-batcher.js';
import { viewerOf } from '../../src/domain/viewer.js';
import { readEventRange } from '../../src/store/events.js';
import { getProjectUserByUser } from '../../src/store/project-users.js';
import { scopeOf } from '../../src/domain/request-scope.js';
import { listRequests } from '../../src/store/requests.js';
import { findUserById } from '../../src/store/users.js';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { buildBatchWorld, expectedList, type BatchMember, type BatchWorld } from './batch-world.js';
import { TestClient, type Frame } from '../support/ws-client.js';
import { OutboxDesk } from '../support/outbox-desk.js';
import { ProbeDb } from './probe-db.js';
import { until } from '../support/until.js';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const openForRealtime = (r: Request) => r.status > 50 && r.status < 1000 && r.status !== 150 && !r.preflight && !r.draft;
/** PROTOCOL §3 for `/requests`: a listed request's event reaches whoever sees it now or saw it before. */
const reaches = (viewer: Viewer, e: ProjectEvent) =>
  e.kind === 'request' &&
  e.data.status !== undefined && (e.data.status as number) > 50 && e.data.preflight !== true && e.data.draft !== true &&
  ((e.scope !== null && canSeeRequest(viewer, e.scope)) || (e.prevScope !== null && canSeeRequest(viewer, e.prevScope)));
const ids = (rs: { request_id: string }[]) => rs.map((r) => r.request_id).sort();
const isSnapshot = (topic: string) => (f: Frame) => f.action === 'publish' && f.payload.topic === topic && Array.isArray(f.payload.message);

for (const kind of storeKinds()) {
  describe(`snapshot batches over the Realtime API (${kind})`, () => {
    let app: TestApp;
    let probe: ProbeDb;
    let gateway: RealtimeGateway;
    let desk: OutboxDesk;
    let w: BatchWorld;
    const clients: TestClient[] = [];
    before(async () => {
      app = await startTestApp(kind, { WS_CONN_RATE_IP_PER_MINUTE: '100000', WS_CONN_RATE_USER_PER_MINUTE: '100000', WS_CONN_MAX_PER_USER: '1000' }, { realtime: false });
      probe = new ProbeDb(app.db);
      gateway = attachRealtimeGateway(app.server, { config: app.config, db: probe, bus: app.bus, tokens: app.tokens, logger: silent, limits: app.limits });
      desk = new OutboxDesk(app.db, app.bus);
      w = await buildBatchWorld(desk);
    });
    after(async () => {
      for (const c of clients) await c.close();
      await gateway.close();
      await app.closeAll();
    });
    const requests = () => `/${w.projectId}/requests`;
    const batcher = () => snapshotBatcherFor(probe);

    async function connect(m: BatchMember): Promise<TestClient> {
      const user = (await findUserById(app.db, m.userId))!;
      const { token } = await app.tokens.issue({ id: user.id, email: user.email, firstname: user.firstname, lastname: user.lastname });
      const c = await TestClient.connect(`${app.url.replace(/^http/, 'ws')}${app.config.wsPaths[0]}?token=${encodeURIComponent(`JWT ${token}`)}`);
      clients.push(c);
      return c;
    }

    /** Holds snapshot transactions while `subscribe` runs, until `n` loads wait for the one batch; then lets it go. */
    async function oneBatch(n: number, subscribe: () => void, alsoUntil = () => true): Promise<void> {
      const gate = probe.hold();
      try {
        subscribe();
        await until(() => batcher().waiting(w.projectId) === n && alsoUntil(), `${n} loads waiting for a batch (${batcher().waiting(w.projectId)} are)`, { timeoutMs: 10_000 });
      } finally {
        gate.release();
      }
    }

    test('a storm with writes racing: one batch at one seq, each its own visible list, then every later event once, in order', async () => {
      const members = [...w.supervising, ...w.agents, ...w.supervising.slice(0, 2), ...w.agents.slice(0, 4)];
      const subs = await Promise.all(members.map(async (m) => ({ m, c: await connect(m), viewer: viewerOf((await getProjectUserByUser(app.db, w.projectId, m.userId))!) })));
      const s0 = await desk.seq(w.projectId);
      const atS0 = await listRequests(app.db, { projectId: w.projectId, statuses: null, limit: 10_000, offset: 0 });

      let stop = false;
      let writes = 0;
      const agentIds = w.agents.map((a) => a.userId);
      const writer = (async () => {
        // Until the snapshots are in, and ten rounds after: there are changes before, during and after the batch.
        for (let i = 0, tail = 0; !stop || tail++ < 10; i++, writes++) {
          const r = await desk.createRequest(w.projectId, { departmentId: w.departments[i % 3]!, text: `storm ${i}` });
          if (i % 3 === 1) await desk.assign(w.projectId, r.request_id, [agentIds[i % agentIds.length]!]);
          if (i % 4 === 2) await desk.updateRequest(w.projectId, w.requestIds[i % w.requestIds.length]!, { tags: [`storm${i}`] });
          if (i % 5 === 3) await desk.close(w.projectId, r.request_id, w.supervising[0]!.userId);
          if (i % 7 === 5) await desk.assign(w.projectId, w.requestIds[i % w.requestIds.length]!, []);
          if (i > 400) throw new Error('the writer ran away');
          // Writes come from the network in production; PGlite answers without I/O, so let the sockets be read.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await oneBatch(subs.length, () => subs.forEach(({ c }) => c.subscribe(requests())), () => writes >= 5);
      const snapshots = await Promise.all(subs.map(({ c }) => c.waitFor(isSnapshot(requests()), 'the snapshot', { timeoutMs: 20_000 })));
      stop = true;
      await writer;
      const end = await desk.seq(w.projectId);

      const seq = snapshots[0]!.payload.seq!;
      assert.ok(snapshots.every((s) => s.payload.seq === seq), `one seq for the batch: ${[...new Set(snapshots.map((s) => s.payload.seq))].join(', ')}`);
      assert.ok(seq > s0 && seq < end, `the batch (seq ${seq}) was read while writes ran (${s0}, ${end}]`);

      // The project as of the batch's seq, rebuilt from the state before the storm and the outbox.
      const events = await readEventRange(app.db, w.projectId, s0, end);
      const state = new Map(atS0.map((r) => [r.request_id, r]));
      for (const e of events) if (e.kind === 'request' && e.seq <= seq) state.set(e.requestId!, e.data as unknown as Request);
      for (const [i, { m, c, viewer }] of subs.entries()) {
        const visible = [...state.values()].filter((r) => openForRealtime(r) && canSeeRequest(viewer, scopeOf(r)));
        assert.deepEqual(ids(snapshots[i]!.payload.message), ids(visible), `${m.name}: the snapshot is their view at seq ${seq}`);

        const want = events.filter((e) => e.seq > seq && reaches(viewer, e)).map((e) => e.seq);
        const live = () => c.publishes(requests()).filter((f) => !Array.isArray(f.payload.message));
        await c.until(() => (live().length >= want.length ? true : undefined), `${m.name}: ${want.length} live events`);
        assert.deepEqual(live().map((f) => f.payload.seq), want, `${m.name}: every later event they may see, once, in seq order`);

        const view = new Map<string, { request_id: string; status: number }>();
        for (const f of c.publishes(requests())) {
          for (const r of Array.isArray(f.payload.message) ? f.payload.message : [f.payload.message]) {
            if (f.payload.method === 'DELETE' || r.status >= 1000) view.delete(r.request_id);
            else view.set(r.request_id, r);
          }
        }
        assert.deepEqual(ids([...view.values()]), ids(await expectedList(app.db, w.projectId, m.userId)), `${m.name}: snapshot + events = the list now`);
      }
    });

    test('N admin subscriptions waiting together cost the statements of one', async () => {
      const admins = await Promise.all(Array.from({ length: 30 }, (_, i) => connect(w.supervising[i % w.supervising.length]!)));
      const cost = await probe.cost(async () => {
        await oneBatch(admins.length, () => admins.forEach((c) => c.subscribe(requests())));
        await Promise.all(admins.map((c) => c.waitFor(isSnapshot(requests()), 'the snapshot')));
      });
      // SET TRANSACTION, the project, the 30 subscribers' project users, the one list they all see.
      assert.deepEqual(cost, { transactions: 1, statements: 4 });
      const want = ids(await expectedList(app.db, w.projectId, w.supervising[0]!.userId));
      for (const c of admins) assert.deepEqual(ids(c.publishes(requests()).find(isSnapshot(requests()))!.payload.message), want);
    });

    test('subscribe frames that arrive together share a batch with nothing holding it (PGlite never yields mid-batch)', async () => {
      const admins = await Promise.all(Array.from({ length: 30 }, (_, i) => connect(w.supervising[i % w.supervising.length]!)));
      const from = admins.map((c) => c.frames.length);
      const cost = await probe.cost(async () => {
        admins.forEach((c) => c.subscribe(requests()));
        await Promise.all(admins.map((c, i) => c.waitFor(isSnapshot(requests()), 'the snapshot', { from: from[i] })));
      });
      assert.ok(cost.transactions <= 3, `30 subscribes sent at once took ${cost.transactions} transactions`);
    });

    test('a refused subscriber in a batch gets SUBSCRIBE_FORBIDDEN; the others of that batch get their snapshots', async () => {
      const [agent0, agent1] = w.agents as [BatchMember, BatchMember];
      const cases = [
        { m: w.supervising[0]!, topic: requests(), ok: true },
        { m: w.visitor, topic: requests(), ok: false },
        { m: w.disabled, topic: requests(), ok: false },
        { m: agent0, topic: `/${w.projectId}/project_users/${agent1.projectUserId}`, ok: false },
        { m: agent1, topic: `/${w.projectId}/project_users/${agent1.projectUserId}`, ok: true },
        { m: agent0, topic: requests(), ok: true },
        { m: w.supervising[1]!, topic: requests(), ok: true },
      ];
      const cs = await Promise.all(cases.map((k) => connect(k.m)));
      const cost = await probe.cost(() => oneBatch(cases.length, () => cases.forEach((k, i) => cs[i]!.subscribe(k.topic))));
      const answers = await Promise.all(
        cases.map((k, i) => cs[i]!.waitFor((f) => f.payload.topic === k.topic && (f.action === 'error' || f.payload.method === 'CREATE'), `${k.m.name}: an answer`)),
      );
      assert.equal(cost.transactions, 1);
      for (const [i, k] of cases.entries()) {
        const a = answers[i]!;
        if (k.ok) assert.equal(a.action, 'publish', `${k.m.name} ${k.topic}: ${a.payload.code ?? ''}`);
        else assert.deepEqual([a.action, a.payload.code], ['error', 'SUBSCRIBE_FORBIDDEN'], `${k.m.name} ${k.topic}`);
      }
      assert.deepEqual(ids(answers[5]!.payload.message), ids(await expectedList(app.db, w.projectId, agent0.userId)));
    });

    test('a store failure fails every subscriber of the batch with STORE_UNAVAILABLE; the next batch works', async () => {
      const members = [...w.supervising, ...w.agents];
      const cs = await Promise.all(members.map((m) => connect(m)));
      probe.onStatement = (sql) => {
        if (/FROM requests/.test(sql)) throw new Error('Connection terminated unexpectedly');
      };
      try {
        await oneBatch(cs.length, () => cs.forEach((c) => c.subscribe(requests())));
        const errors = await Promise.all(cs.map((c) => c.waitFor((f) => f.action === 'error' && f.payload.topic === requests(), 'the error')));
        for (const e of errors) assert.deepEqual([e.payload.code, e.payload.retryable], ['STORE_UNAVAILABLE', true]);
      } finally {
        probe.onStatement = null;
      }
      const from = cs.map((c) => c.frames.length);
      const cost = await probe.cost(async () => {
        await oneBatch(cs.length, () => cs.forEach((c) => c.subscribe(requests())));
        await Promise.all(cs.map((c, i) => c.waitFor(isSnapshot(requests()), 'the snapshot after the failure', { from: from[i] })));
      });
      assert.equal(cost.transactions, 1);
      const r = await desk.createRequest(w.projectId, { departmentId: w.departments[0]!, text: 'after the failure' });
      await Promise.all(
        cs.filter((_, i) => members[i]!.role !== 'agent').map((c) => c.waitFor((f) => f.payload.message?.request_id === r.request_id, 'a live event after the failure')),
      );
    });
  });
}
