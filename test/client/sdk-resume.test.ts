import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startApp, type App } from '../../src/app.js';
import { createDesk, type Desk, type Person } from '../support/desk.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, testConfig } from '../support/test-app.js';
import { listed, openRequests, startConversation } from './desk-traffic.js';
import { duplicateSeqs, Recorder } from './recorder.js';
import { useApp } from '../support/use-app.js';

/** A list topic held by a live list and by recording handlers at once. */
function follow(rec: Recorder, client: ReturnType<Recorder['connect']>, topic: string) {
  const list = client.liveList(topic);
  list.onChange(() => rec.poke());
  client.subscribe(topic, rec.handlers(topic));
  return list;
}

/** A desk with one conversation, and the owner's client reaching it through the proxy, its request list ready. */
async function followThroughProxy(rec: Recorder, appUrl: string, proxy: TcpProxy) {
  const desk = await createDesk(appUrl);
  const visitor = await desk.visitor();
  await startConversation(desk, visitor);
  const client = rec.connect({ url: `http://127.0.0.1:${proxy.port}`, token: desk.owner.token });
  const topic = `/${desk.projectId}/requests`;
  const list = follow(rec, client, topic);
  await list.ready;
  return { desk, visitor, client, topic, list };
}

/** After a reconnect: the live list comes to hold exactly what the database holds, by one snapshot and a replay. */
async function assertResumedToDatabase(rec: Recorder, desk: Desk, list: ReturnType<typeof follow>, topic: string): Promise<void> {
  const truth = await openRequests(desk);
  await rec.until(() => JSON.stringify(listed(list.items())) === JSON.stringify(truth), `the live list to equal the database (${truth.length} open)`);
  const kinds = rec.events.filter((e) => e.topic === topic).map((e) => e.kind);
  assert.deepEqual(kinds.filter((k) => k === 'snapshot' || k === 'reset'), ['snapshot'], 'one snapshot, then a replay with since (no reset)');
  const seqs = rec.live(topic).map((e) => e.seq!);
  assert.deepEqual(duplicateSeqs(rec.live(topic)), [], 'no event twice');
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in seq order');
  assert.ok(rec.states.some((s) => s.state === 'reconnecting'), 'it did reconnect');
}

describe('SDK resume after losing the connection', () => {
  test('the connection is cut while changes flow: it reconnects, resumes with since, and its list equals the database', async () => {
    const app = await startTestApp();
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(app.url).port));
    await proxy.start();
    const rec = new Recorder();
    try {
      const { desk, visitor, client, topic, list } = await followThroughProxy(rec, app.url, proxy);

      // Changes flow while the line is cut and restored: the writes do not wait for the client.
      const writes = (async () => {
        for (let i = 0; i < 12; i++) {
          const rid = await startConversation(desk, visitor, `question ${i}`);
          if (i % 3 === 0) await desk.agentA.rest.post(`/${desk.projectId}/requests/${rid}/participants`, { member: desk.agentA.userId });
          if (i % 4 === 0) await desk.agentA.rest.put(`/${desk.projectId}/requests/${rid}/close`);
        }
      })();
      await rec.until(() => rec.live(topic).length >= 3, 'a few live events before the cut');
      await proxy.cut();
      await rec.until(() => rec.states.at(-1)?.state === 'reconnecting', 'the client to notice');
      // At least one change surely happens while the client cannot hear it: only the replay can bring it.
      const missed = await startConversation(desk, visitor, 'while cut');
      await proxy.start(); // same port
      await writes;
      await rec.until(() => client.state.state === 'open', 'reconnected');
      await assertResumedToDatabase(rec, desk, list, topic);
      assert.ok(rec.live(topic).some((e) => e.kind === 'create' && e.item.request_id === missed), 'the change made while cut was replayed');
      client.close();
    } finally {
      await proxy.close();
      await app.closeAll();
    }
  });

  test('the server restarts on the same port and store: the client resumes and misses nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deskwire-sdk-restart-'));
    const env = { DATA_DIR: dataDir, JWT_SECRET: randomBytes(24).toString('hex') };
    let app: App = await startApp(testConfig(env));
    const port = new URL(app.url).port;
    // The client reaches the server through a proxy, so the test decides when it may come back.
    const proxy = new TcpProxy('127.0.0.1', Number(port));
    await proxy.start();
    const rec = new Recorder();
    try {
      const { desk, visitor, client, topic, list } = await followThroughProxy(rec, app.url, proxy);
      for (let i = 0; i < 3; i++) await startConversation(desk, visitor, `before ${i}`);
      await rec.until(() => rec.live(topic).length >= 3, 'live events before the restart');

      await app.close(); // 1001 to the client, which starts reconnecting
      const goingAway = await rec.until(() => rec.states.find((s) => s.state === 'reconnecting'), 'the client to notice the restart');
      assert.equal(goingAway.state === 'reconnecting' && goingAway.closeCode, 1001);
      await proxy.cut(); // hold the client off until the new server has had changes
      app = await startApp(testConfig({ ...env, PORT: port }));
      const missed: string[] = [];
      for (let i = 0; i < 3; i++) missed.push(await startConversation(desk, visitor, `after ${i}`));
      const rid = await startConversation(desk, visitor, 'closed soon');
      await desk.agentA.rest.put(`/${desk.projectId}/requests/${rid}/close`);
      await proxy.start();
      await rec.until(() => client.state.state === 'open', 'reconnected to the new server');
      await assertResumedToDatabase(rec, desk, list, topic);
      const replayed = rec.live(topic).filter((e) => e.kind === 'create').map((e) => e.item.request_id);
      assert.deepEqual(missed.filter((m) => !replayed.includes(m)), [], 'changes made before it was back were replayed');
      client.close();
    } finally {
      await proxy.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('SDK tokens and terminal closes', () => {
  const suite = useApp();

  /** The user a desk member's tokens are issued for. */
  const userOf = (p: Person, firstname: string) => ({ id: p.userId, email: p.email, firstname, lastname: 'Test' });

  /** A client whose getToken() issues the member a fresh token of an hour each time it is asked. */
  const connectIssuing = (rec: Recorder, p: Person, firstname: string) =>
    rec.connect({ url: suite.app.url, getToken: async () => (await suite.app.tokens.issue(userOf(p, firstname), 3600)).token });

  /** Waits until the client has closed for good, which must be with 4003 USER_DISABLED; returns that state. */
  async function closedAsDisabled(rec: Recorder, client: ReturnType<Recorder['connect']>) {
    const closed = await rec.until(() => (client.state.state === 'closed' ? client.state : undefined), 'the client to close for good');
    assert.equal(closed.closeCode, 4003);
    assert.equal(closed.error.code, 'USER_DISABLED');
    return closed;
  }

  test('a token expiring during the session is replaced through getToken() without losing the subscriptions', async () => {
    const desk = await createDesk(suite.app.url);
    const user = userOf(desk.owner, 'owner');
    const issued: number[] = [];
    const rec = new Recorder();
    const getToken = async () => {
      const { token, expiresAt } = await suite.app.tokens.issue(user, 2); // 1–2 s of life
      rec.record(() => issued.push(expiresAt));
      return token;
    };
    const client = rec.connect({ url: suite.app.url, getToken });
    try {
      const topic = `/${desk.projectId}/requests`;
      const list = follow(rec, client, topic);
      await list.ready;
      const firstExpiry = issued[0]!;
      // Outlive the first token (and the server's one second of grace) by refreshes; each getToken call re-checks.
      const visitor = await desk.visitor();
      await rec.until(() => issued.length >= 3 && Date.now() / 1000 > firstExpiry + 1.5, 'the first token to be long expired', 10_000);
      const rid = await startConversation(desk, visitor, 'after the first token expired');
      await rec.until(() => list.items().some((r) => r.request_id === rid), 'an event after expiry');
      assert.deepEqual(rec.states.map((s) => s.state), ['connecting', 'open'], 'never disconnected');
      assert.deepEqual(rec.events.filter((e) => e.kind === 'snapshot' || e.kind === 'reset').length, 1);
    } finally {
      client.close();
    }
  });

  test('disabling the user while connected closes with 4003: the client stops and every subscription learns why', async () => {
    const desk = await createDesk(suite.app.url);
    const rec = new Recorder();
    const client = connectIssuing(rec, desk.agentB, 'agentB');
    const topic = `/${desk.projectId}/requests`;
    const list = client.liveList(topic);
    client.subscribe(topic, rec.handlers(topic));
    await list.ready;
    await suite.app.services.auth.disableUser(desk.agentB.userId); // what an operator's "disable" does
    await closedAsDisabled(rec, client);
    assert.deepEqual(rec.events.filter((e) => e.kind === 'error').map((e) => e.code), ['USER_DISABLED']);
    await assert.rejects(list.ready.then(() => client.opened()), (e: Error & { code?: string }) => e.code === 'USER_DISABLED');
    await desk.owner.rest.get('/projects');
    assert.equal(rec.states.filter((s) => s.state === 'connecting').length, 1, 'never tried again');
  });

  test('a refresh that finds the user disabled (4003) stops reconnecting and surfaces the reason', async () => {
    const desk = await createDesk(suite.app.url);
    const rec = new Recorder();
    const client = connectIssuing(rec, desk.agentA, 'agentA');
    const topic = `/${desk.projectId}/requests`;
    client.subscribe(topic, rec.handlers(topic));
    await rec.until(() => rec.events.some((e) => e.kind === 'snapshot'), 'the snapshot');
    // No REST route disables a whole user yet; the store does what an operator's tool would.
    await suite.app.db.query('UPDATE users SET active = false WHERE id = $1', [desk.agentA.userId]);
    await client.refreshToken(); // the server re-checks the user on refresh and closes with 4003
    const closed = await closedAsDisabled(rec, client);
    assert.equal(closed.error.retryable, false);
    assert.deepEqual(rec.events.filter((e) => e.kind === 'error').map((e) => e.code), ['USER_DISABLED'], 'the subscription learns why');
    await assert.rejects(client.opened(), (e: Error & { code?: string }) => e.code === 'USER_DISABLED');
    // Nothing is scheduled: a REST round trip later it is still closed and never tried again.
    await desk.owner.rest.get('/projects');
    assert.equal(rec.states.filter((s) => s.state === 'connecting').length, 1);
    assert.equal(client.state.state, 'closed');
  });
});
