/**
 * Presence written in batches (PresenceTracker → ProjectUsersService.setPresence) on a real store: users connecting
 * together cost one transaction per project, each changed project user gets exactly one UPDATE event in the
 * project's seq order, nothing is written where presence is already right, and a connect racing a disconnect ends
 * with the right state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProjectEvent } from '../../src/events/event.js';
import { MemoryBus } from '../../src/events/memory-bus.js';
import type { LimitStore } from '../../src/limits/limit-store.js';
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js';
import { PresenceTracker } from '../../src/realtime/presence.js';
import { ProjectUsersService } from '../../src/services/project-users-service.js';
import type { Db, Queryable } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { OutboxDesk } from '../support/outbox-desk.js';
import { openTestDb, storeKinds } from '../support/test-app.js';
import { until } from '../support/until.js';

/** The store as the service sees it, counting transactions and statements; `failLock` makes one project's writes fail. */
function countingDb(db: Db) {
  const stats = { transactions: 0, statements: 0, failLock: null as string | null };
  const counted = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      stats.statements++;
      if (stats.failLock !== null && /FOR UPDATE/.test(sql) && params?.[0] === stats.failLock) return Promise.reject(new Error('project lock failed'));
      return q.query(sql, params);
    },
  });
  const wrapped: Db = {
    kind: db.kind,
    query: (sql, params) => counted(db).query(sql, params),
    exec: (sql) => db.exec(sql),
    ping: () => db.ping(),
    close: () => db.close(),
    transaction: (fn) => {
      stats.transactions++;
      return db.transaction((tx) => fn(counted(tx)));
    },
    // In place, so that a procedure's statements are counted too.
    transact: (procedure, args) => wrapped.transaction((tx) => procedure.run(tx, args)),
  };
  return { db: wrapped, stats };
}

for (const kind of storeKinds()) {
  describe(`presence writes in batches (${kind})`, () => {
    let raw: Db;
    let bus: MemoryBus;
    let desk: OutboxDesk;
    let events: ProjectEvent[];
    before(async () => {
      raw = await openTestDb(kind);
      await migrate(raw);
      bus = new MemoryBus();
      desk = new OutboxDesk(raw, bus);
      events = [];
      bus.subscribe((e) => void events.push(e));
    });
    after(async () => {
      await bus.close();
      await raw.close();
    });

    const presenceOf = async (puId: string) =>
      (await raw.query<{ presence: string }>('SELECT presence FROM project_users WHERE id = $1', [puId]))[0]!.presence;
    const updatesIn = (projectId: string, from: number) =>
      events.slice(from).filter((e) => e.projectId === projectId && e.kind === 'project_user' && e.method === 'UPDATE');

    function start(counts: LimitStore = new MemoryLimitStore(), graceMs = 60_000) {
      const { db, stats } = countingDb(raw);
      const service = new ProjectUsersService({ db, bus, onPublishError: (error) => assert.fail(String(error)) });
      const errors: unknown[] = [];
      const tracker = new PresenceTracker(service, counts, graceMs, (error) => void errors.push(error), 3_600_000);
      return { service, tracker, stats, errors };
    }

    test('users connecting together: one transaction per project, one UPDATE per changed project user, in seq order', async () => {
      const p1 = (await desk.project('One')).projectId;
      const p2 = (await desk.project('Two')).projectId;
      const users = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => desk.user(n)));
      const inP1: string[] = [];
      for (const u of users) inP1.push(await desk.member(p1, u, 'agent'));
      const inP2 = [await desk.member(p2, users[0]!, 'admin'), await desk.member(p2, users[1]!, 'supervisor')];
      const visitor = await desk.user('Visitor');
      const visitorPu = await desk.member(p1, visitor, 'guest');
      const disabled = await desk.user('Disabled');
      const disabledPu = await desk.member(p1, disabled, 'agent');
      await desk.updateMember(p1, disabledPu, { status: 'disabled' });

      const { tracker, stats, errors } = start();
      const from = events.length;
      for (const u of [...users, visitor, disabled]) tracker.connected(u);
      await tracker.settled();
      assert.deepEqual(errors, []);
      assert.equal(stats.transactions, 2, 'one transaction per project, not one per user and project');
      // One read for the wave, then per project: its lock, one update returning every changed project user, the outbox,
      // and one look for requests waiting to be routed to those now online (none wait here, so nobody is read).
      assert.equal(stats.statements, 1 + 2 * 4, 'statements do not grow with the users changed');
      assert.deepEqual(updatesIn(p1, from).map((e) => e.entityId).sort(), [...inP1].sort());
      assert.deepEqual(updatesIn(p2, from).map((e) => e.entityId).sort(), [...inP2].sort());
      for (const e of [...updatesIn(p1, from), ...updatesIn(p2, from)]) assert.equal((e.data as any).presence.status, 'online');
      const seqs = updatesIn(p1, from).map((e) => e.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i), 'gap-free seq within the project');
      assert.equal(await desk.seq(p1), seqs.at(-1));
      for (const pu of [...inP1, ...inP2]) assert.equal(await presenceOf(pu), 'online');
      assert.equal(await presenceOf(visitorPu), 'offline', 'a visitor has no desk presence');
      assert.equal(await presenceOf(disabledPu), 'offline', 'a disabled member is not written');

      // Everyone is already online: a second wave on this node costs nothing (it wrote their online itself)...
      const before = { ...stats };
      const again = events.length;
      for (const u of users) tracker.connected(u);
      await tracker.settled();
      assert.deepEqual({ ...stats }, before, 'no statement at all');
      // ...and on another node, which has not written it, one read for the whole wave and no transaction.
      const other = start();
      for (const u of users) other.tracker.connected(u);
      await other.tracker.settled();
      assert.equal(other.stats.transactions, 0);
      assert.equal(other.stats.statements, 1, 'one read for the whole wave');
      assert.equal(events.length, again);
      tracker.close();
      other.tracker.close();
    });

    test('online and offline in one batch: both written in the one transaction of their project', async () => {
      const p = (await desk.project('Mixed')).projectId;
      const [a, b] = [await desk.user('A'), await desk.user('B')];
      const [aPu, bPu] = [await desk.member(p, a, 'agent'), await desk.member(p, b, 'agent')];
      const { service, stats } = start();
      await service.setPresence([{ userId: a, status: 'online' }]);
      const from = events.length;
      const tx = stats.transactions;
      await service.setPresence([
        { userId: a, status: 'offline' },
        { userId: b, status: 'online' },
      ]);
      assert.equal(stats.transactions, tx + 1);
      assert.deepEqual(
        updatesIn(p, from).map((e) => [e.entityId, (e.data as any).presence.status]),
        [
          [aPu, 'offline'],
          [bPu, 'online'],
        ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
      );
      assert.equal(await presenceOf(aPu), 'offline');
      assert.equal(await presenceOf(bPu), 'online');
    });

    test('a project whose write fails does not stop the others; the failure is reported', async () => {
      const [p1, p2] = [(await desk.project('Bad')).projectId, (await desk.project('Good')).projectId];
      const u = await desk.user('U');
      const [pu1, pu2] = [await desk.member(p1, u, 'agent'), await desk.member(p2, u, 'agent')];
      const { service, stats } = start();
      stats.failLock = p1;
      await assert.rejects(service.setPresence([{ userId: u, status: 'online' }]), /project lock failed/);
      assert.equal(await presenceOf(pu1), 'offline');
      assert.equal(await presenceOf(pu2), 'online');
    });

    test('a close racing its open: the release waits for the acquire, and the user ends offline after the grace', async () => {
      const p = (await desk.project('Race')).projectId;
      const u = await desk.user('Racer');
      const pu = await desk.member(p, u, 'agent');
      // The shared counter answers the open's acquire only when the test says so.
      const inner = new MemoryLimitStore();
      const calls: string[] = [];
      let letAcquire!: () => void;
      const acquireGate = new Promise<void>((resolve) => (letAcquire = resolve));
      const counts: LimitStore = {
        hit: (rule, key) => inner.hit(rule, key),
        acquire: async (counter: string, key: string, max: number) => {
          await acquireGate;
          calls.push('acquire');
          return inner.acquire(counter, key, max);
        },
        release: async (counter: string, key: string) => {
          calls.push('release');
          return inner.release(counter, key);
        },
        held: (counter: string, key: string) => inner.held(counter, key),
      };
      const { tracker, errors } = start(counts, 20);
      const from = events.length;
      tracker.connected(u);
      tracker.disconnected(u);
      letAcquire();
      await tracker.settled();
      assert.deepEqual(calls, ['acquire', 'release']);
      await until(async () => (await presenceOf(pu)) === 'offline' && updatesIn(p, from).length === 2, 'offline after the grace');
      assert.deepEqual(updatesIn(p, from).map((e) => (e.data as any).presence.status), ['online', 'offline']);
      assert.deepEqual(errors, []);
      tracker.close();
    });

    test('more connections of a user already online here cost no store statement; after they all left, the next one writes again', async () => {
      const p = (await desk.project('Tabs')).projectId;
      const u = await desk.user('Tabby');
      const pu = await desk.member(p, u, 'agent');
      const { tracker, stats, errors } = start(new MemoryLimitStore(), 20);
      const from = events.length;
      tracker.connected(u);
      await tracker.settled();
      assert.equal(await presenceOf(pu), 'online');
      const afterFirst = stats.statements;
      assert.ok(afterFirst > 0, 'the first connection writes');
      for (let i = 0; i < 5; i++) tracker.connected(u);
      await tracker.settled();
      assert.equal(stats.statements, afterFirst, 'five more tabs: no statement');
      for (let i = 0; i < 6; i++) tracker.disconnected(u);
      await until(async () => (await presenceOf(pu)) === 'offline', 'offline after the grace');
      const afterOffline = stats.statements;
      tracker.connected(u);
      await tracker.settled();
      assert.ok(stats.statements > afterOffline, 'back after leaving: written again');
      assert.equal(await presenceOf(pu), 'online');
      assert.deepEqual(updatesIn(p, from).map((e) => (e.data as any).presence.status), ['online', 'offline', 'online']);
      assert.deepEqual(errors, []);
      tracker.close();
    });

    test('a reconnect within the grace keeps the user online; other users changing meanwhile are batched apart from it', async () => {
      const p = (await desk.project('Reload')).projectId;
      const [u, v] = [await desk.user('Reloader'), await desk.user('Other')];
      const [uPu, vPu] = [await desk.member(p, u, 'agent'), await desk.member(p, v, 'agent')];
      const { tracker, errors } = start(new MemoryLimitStore(), 50);
      const from = events.length;
      tracker.connected(u);
      await tracker.settled();
      tracker.disconnected(u);
      tracker.connected(u);
      tracker.connected(v);
      await tracker.settled();
      // The grace timer of the first close was cancelled by the reconnect: no offline is coming.
      assert.deepEqual(updatesIn(p, from).map((e) => [e.entityId, (e.data as any).presence.status]), [
        [uPu, 'online'],
        [vPu, 'online'],
      ]);
      tracker.disconnected(v);
      await until(async () => (await presenceOf(vPu)) === 'offline', 'the other user offline after the grace');
      assert.equal(await presenceOf(uPu), 'online');
      assert.deepEqual(errors, []);
      tracker.close();
    });
  });
}
