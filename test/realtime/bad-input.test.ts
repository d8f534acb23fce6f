import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient, type Frame } from '../support/ws-client.js';
import { startHarness, type Harness } from '../support/realtime-harness.js';
import { connectAs, subscribed } from '../support/realtime-world.js';
import { until } from '../support/until.js';

let h: Harness;
let projectId: string;
let departmentId: string;
let admin: string;
let agent: string;
before(async () => {
  // The flood tests are about subscriptions and buffers, not the frame rate (test/security/limits.test.ts crosses that).
  h = await startHarness('pglite', { WS_SUBSCRIPTIONS_MAX: '5', WS_OUTBOUND_BUFFER_MAX_BYTES: '65536', WS_FRAME_BURST: '10000' });
  ({ projectId, departmentId } = await h.desk.project('Bad input'));
  admin = await h.desk.user('Ada');
  agent = await h.desk.user('Al');
  await h.desk.member(projectId, admin, 'admin');
  await h.desk.member(projectId, agent, 'agent', [departmentId]);
});
after(() => h.close());

/** Sends one raw frame and returns the next frame in answer. */
async function answer(c: TestClient, frame: string | object): Promise<Frame> {
  const from = c.frames.length;
  c.send(frame);
  return c.waitFor(() => true, `an answer to ${String(JSON.stringify(frame)).slice(0, 80)}`, { from });
}

/** The connection still answers: `me` comes back. */
async function stillServes(c: TestClient): Promise<void> {
  const me = await answer(c, { action: 'me' });
  assert.equal(me.action, 'me');
  assert.equal(c.closed, null);
}

describe('bad input is answered as specified and the connection keeps serving', () => {
  test('malformed frames: FRAME_INVALID; too deep: FRAME_TOO_DEEP; unknown actions: ACTION_UNKNOWN', async () => {
    const c = await connectAs(h, admin);
    const nested = '{"action":"me","payload":' + '{"a":'.repeat(2000) + '1' + '}'.repeat(2000) + '}';
    // WS_INBOUND_FRAME_MAX_DEPTH is 16: the frame object is level 1, its payload 2.
    const atLimit = '{"action":"me","payload":' + '{"a":'.repeat(15) + '1' + '}'.repeat(15) + '}';
    const overLimit = '{"action":"me","payload":' + '{"a":'.repeat(16) + '1' + '}'.repeat(16) + '}';
    assert.equal(h.config.wsInboundFrameMaxDepth, 16);
    const cases: [string | object, string][] = [
      ['not json at all', 'FRAME_INVALID'],
      ['{"action": "subscribe", ', 'FRAME_INVALID'],
      ['[1,2,3]', 'FRAME_INVALID'],
      ['"subscribe"', 'FRAME_INVALID'],
      ['null', 'FRAME_INVALID'],
      ['', 'FRAME_INVALID'],
      [{ payload: { topic: `/${projectId}/requests` } }, 'FRAME_INVALID'],
      [{ action: 42, payload: {} }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: 'topic' }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: [] }, 'FRAME_INVALID'],
      [{ action: 'subscribe' }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: 42 } }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: { $ne: null } } }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, since: 'yesterday' } }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, since: -1 } }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, since: 1.5 } }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, since: 2 ** 53 + 2 } }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, since: 1e308 } }, 'FRAME_INVALID'],
      ['{"action":"subscribe","payload":{"topic":"/' + projectId + '/requests","since":1e999}}', 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, epoch: 7 } }, 'FRAME_INVALID'],
      [{ action: 'unsubscribe', payload: {} }, 'FRAME_INVALID'],
      [{ action: 'heartbeat', payload: { message: 'ping' } }, 'FRAME_INVALID'],
      [{ action: 'heartbeat', payload: { message: { text: 1 } } }, 'FRAME_INVALID'],
      [{ action: 'refresh', payload: { token: 5 } }, 'FRAME_INVALID'],
      [{ action: 'refresh', payload: {} }, 'FRAME_INVALID'],
      [{ action: 'subscribe', payload: { topic: `/${projectId}/requests`, epoch: 'e\ud800' } }, 'FRAME_INVALID'],
      [{ action: 'refresh', payload: { token: 'JWT \u0000' } }, 'FRAME_INVALID'],
      [{ action: 'heartbeat', payload: { message: { text: 'ping\udfff' } } }, 'FRAME_INVALID'],
      [nested, 'FRAME_TOO_DEEP'],
      [overLimit, 'FRAME_TOO_DEEP'],
      [{ action: 'SUBSCRIBE', payload: {} }, 'ACTION_UNKNOWN'],
      [{ action: 'delete_everything', payload: {} }, 'ACTION_UNKNOWN'],
      [{ action: '__proto__', payload: {} }, 'ACTION_UNKNOWN'],
    ];
    for (const [frame, code] of cases) {
      const f = await answer(c, frame);
      assert.equal(f.action, 'error', JSON.stringify(frame).slice(0, 80));
      assert.equal(f.payload.code, code, JSON.stringify(frame).slice(0, 80));
      assert.equal(typeof f.payload.message, 'string');
      assert.equal(f.payload.retryable, false);
    }
    assert.equal((await answer(c, atLimit)).action, 'me', 'a frame exactly at the depth limit is served');
    const withTopic = await answer(c, { action: 'subscribe', payload: { topic: `/${projectId}/requests`, since: 'x' } });
    assert.equal(withTopic.payload.topic, `/${projectId}/requests`, 'Tiledesk clients route by payload.topic');
    await stillServes(c);
    assert.deepEqual(c.garbage, [], 'every server frame is JSON');
    await c.close();
  });

  test('topics outside the documented forms: TOPIC_INVALID, never a lookup', async () => {
    const c = await connectAs(h, admin);
    const topics = [
      `/${projectId}/../requests`,
      `/${projectId}/requests/..`,
      `/${projectId}//requests`,
      `//requests`,
      `/${projectId}/requests/`,
      `${projectId}/requests`,
      `/${projectId}/requests?x=1`,
      `/${projectId}/Requests`,
      `/${projectId}/requests/%2e%2e`,
      `/${projectId}/requests\u0000`,
      `/${projectId}/requests\ud800`,
      `/${projectId}\u200b/requests`,
      `/${projectId.replace(/\d/, (n) => String.fromCharCode(0xff10 + Number(n)))}/requests`,
      `/${projectId}/\u202erequests`,
      `/${projectId}/requests/${'é'.repeat(200)}`,
      `/${projectId}/requests/${'a'.repeat(10 * 1024)}`,
      `/${projectId}/project_users/users`,
      '',
    ];
    for (const topic of topics) {
      const f = await answer(c, { action: 'subscribe', payload: { topic } });
      assert.deepEqual([f.action, f.payload.code], ['error', 'TOPIC_INVALID'], JSON.stringify(topic).slice(0, 60));
      assert.ok(f.payload.topic === undefined || f.payload.topic === topic);
      assert.ok(JSON.stringify(f).length < 1024, 'a long topic is not echoed back');
    }
    assert.equal(h.gateway.stats().subscriptions, 0);
    await stillServes(c);
    await c.close();
  });

  test('binary frames close with 1008; frames over the size limit close with 1009', async () => {
    const bin = await connectAs(h, admin);
    bin.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await bin.waitForClose()).code, 1008);
    const big = await connectAs(h, admin);
    big.send({ action: 'subscribe', payload: { topic: 'x'.repeat(h.config.wsInboundFrameMaxBytes + 1) } });
    assert.equal((await big.waitForClose()).code, 1009);
    const fresh = await connectAs(h, admin);
    await stillServes(fresh);
    await fresh.close();
  });

  test('publish and broadcast from a client: ACTION_FORBIDDEN, and they reach nobody', async () => {
    const listener = await connectAs(h, agent);
    const topic = `/${projectId}/requests`;
    await subscribed(listener, topic);
    const intruder = await connectAs(h, admin);
    const fake = { _id: 'forged', request_id: 'forged', status: 100, first_text: 'forged' };
    for (const action of ['publish', 'broadcast']) {
      const f = await answer(intruder, { action, payload: { topic, method: 'CREATE', message: fake } });
      assert.deepEqual([f.action, f.payload.code], ['error', 'ACTION_FORBIDDEN']);
    }
    const mark = await h.desk.createRequest(projectId, { departmentId });
    await listener.waitFor((f) => f.payload.message?.request_id === mark.request_id, 'a real event after the forged ones');
    assert.ok(!JSON.stringify(listener.frames).includes('forged'));
    await listener.close();
    await intruder.close();
  });

  test('a subscribe flood: SUBSCRIPTION_LIMIT past the cap, the server keeps answering and frees everything', async () => {
    const c = await connectAs(h, admin);
    const requests = `/${projectId}/requests`;
    for (let i = 0; i < 300; i++) c.subscribe(`/${projectId}/requests/support-group-absent-${i}`);
    for (let i = 0; i < 300; i++) c.subscribe(requests);
    c.send({ action: 'heartbeat', payload: { message: { text: 'ping' } } });
    await c.waitFor((f) => f.action === 'heartbeat' && f.payload.message?.text === 'pong', 'a pong during the flood');
    const limited = await c.waitForCount((f) => f.payload.code === 'SUBSCRIPTION_LIMIT', 295, 'SUBSCRIPTION_LIMIT errors');
    assert.ok(limited.every((f) => typeof f.payload.topic === 'string'));
    await c.waitForCount((f) => f.payload.code === 'SUBSCRIBE_FORBIDDEN', 5, 'the five admitted absent topics refused');
    await until(() => h.gateway.stats().subscriptions <= 1, hubState('the refused subscriptions to be gone'), { timeoutMs: 2000 });
    await subscribed(c, requests);
    await stillServes(c);
    assert.equal(h.gateway.stats().subscriptions, 1, 'however many times it was asked for, /requests is held once');
    await c.close();
    await until(() => h.gateway.stats().connections === 0 && h.gateway.stats().projects === 0, hubState('the hub to release the project'), { timeoutMs: 2000 });
  });

  test('a client that stops reading is closed with 4008 once its outbound buffer passes the cap', async () => {
    const r = await h.desk.createRequest(projectId, { departmentId });
    const slow = await connectAs(h, admin);
    await subscribed(slow, `/${projectId}/requests/${r.request_id}`);
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    await h.desk.burst(projectId, r.request_id, 400, 'x'.repeat(32 * 1024));
    const other = await connectAs(h, admin);
    await stillServes(other);
    socket.resume();
    assert.equal((await slow.waitForClose(10_000)).code, 4008);
    await other.close();
  });
});

/** Server-side state with no event of its own (the hub releasing a project): a failure says what the hub holds. */
function hubState(what: string): () => string {
  return () => `${what} (the hub holds ${JSON.stringify(h.gateway.stats())})`;
}
