/**
 * PROTOCOL §6: each limit crossed, with its documented status or code and body. The server trusts a proxy here so
 * every test can speak from its own client address (`X-Forwarded-For`) and not spend another test's IP budget.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TestClient } from '../support/ws-client.js';
import { until } from '../support/until.js';
import { useHarness } from '../support/use-harness.js';

const world = useHarness('pglite', {
  TRUST_PROXY: 'true',
  WS_CONN_RATE_IP_PER_MINUTE: '6',
  WS_CONN_RATE_USER_PER_MINUTE: '5',
  WS_CONN_MAX_PER_USER: '2',
  WS_CONN_MAX_PER_PROJECT: '3',
  WS_FRAME_RATE_PER_SECOND: '5',
  WS_FRAME_BURST: '10',
  WS_FRAME_RATE_CLOSE_AFTER_MS: '1000',
});

let nextIp = 1;
/** A client address of its own for one test. */
const freshIp = () => `198.51.100.${nextIp++}`;

/** Each connection from its own address unless one is given: only the per-IP test shares one. */
function open(token: string, ip = freshIp()): Promise<TestClient> {
  return TestClient.connect(`${world.h.wsUrl}?token=${encodeURIComponent(token)}`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': `203.0.113.9, ${ip}` } });
}

interface Refusal {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, unknown>;
}

async function refused(token: string, ip = freshIp()): Promise<Refusal> {
  try {
    const c = await open(token, ip);
    await c.close();
  } catch (error) {
    const e = error as { status?: number; body?: string; headers?: Record<string, unknown> };
    if (e.status === undefined) throw error;
    return { status: e.status, body: JSON.parse(e.body!), headers: e.headers! };
  }
  throw new Error('the connection was accepted');
}

/** The 429 of PROTOCOL §1: which limit, its value, its window, when to retry (header and body agree). */
function assertLimitRefusal(r: Refusal, code: string, limit: string, max: number, windowSeconds: number | null): void {
  assert.equal(r.status, 429);
  assert.equal(r.body.error, code);
  assert.equal(typeof r.body.message, 'string');
  assert.equal(r.body.limit, limit);
  assert.equal(r.body.max, max);
  assert.equal(r.body.window_seconds, windowSeconds);
  const retry = r.body.retry_after_seconds as number;
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `retry_after_seconds ${retry}`);
  assert.equal(r.headers['retry-after'], String(retry));
}

async function userWithToken(name: string): Promise<{ id: string; token: string }> {
  const id = await world.h.desk.user(name);
  return { id, token: await world.h.token(id) };
}

describe('connection limits at the handshake (HTTP 429)', () => {
  test('new connections per IP per minute: failed handshakes count, the refusal says which limit; other addresses are unaffected', async () => {
    const ip = freshIp();
    const { token } = await userWithToken('Ivy');
    for (let i = 0; i < 6; i++) assert.equal((await refused('not-a-token', ip)).status, 401);
    assertLimitRefusal(await refused(token, ip), 'CONN_RATE_IP', 'WS_CONN_RATE_IP_PER_MINUTE', 6, 60);
    const other = await open(token, freshIp());
    await other.close();
  });

  test('new connections per user per minute: the sixth within the minute is refused, even after the others closed', async () => {
    const u = await userWithToken('Uma');
    for (let i = 0; i < 5; i++) await (await open(u.token)).close();
    assertLimitRefusal(await refused(u.token), 'CONN_RATE_USER', 'WS_CONN_RATE_USER_PER_MINUTE', 5, 60);
    const other = await userWithToken('Otto');
    await (await open(other.token)).close();
  });

  test('open connections per user: the third is refused until one closes', async () => {
    const v = await userWithToken('Vic');
    const first = await open(v.token);
    const second = await open(v.token);
    assertLimitRefusal(await refused(v.token), 'CONN_LIMIT_USER', 'WS_CONN_MAX_PER_USER', 2, null);
    const before = world.h.gateway.connectionCount;
    await first.close();
    await until(() => world.h.gateway.connectionCount === before - 1, 'the server to see the close');
    const third = await open(v.token);
    await second.close();
    await third.close();
  });

  test('open connections per project: counted for every active desk member; a visitor or an outsider is not counted', async () => {
    const { projectId } = await world.h.desk.project('Crowded');
    const agents = [];
    for (const name of ['A1', 'A2', 'A3', 'A4']) {
      const a = await userWithToken(name);
      await world.h.desk.member(projectId, a.id, 'agent');
      agents.push(a);
    }
    const guest = await userWithToken('Guest');
    await world.h.desk.member(projectId, guest.id, 'guest');
    const outsider = await userWithToken('Outsider');
    const open3 = [await open(agents[0]!.token), await open(agents[1]!.token), await open(agents[2]!.token)];
    assertLimitRefusal(await refused(agents[3]!.token), 'CONN_LIMIT_PROJECT', 'WS_CONN_MAX_PER_PROJECT', 3, null);
    const uncounted = [await open(guest.token), await open(outsider.token)];
    const before = world.h.gateway.connectionCount;
    await open3[0]!.close();
    await until(() => world.h.gateway.connectionCount === before - 1, 'the server to see the close');
    // The refused agent's user slot was given back with the refusal: it gets in once the project has room.
    const late = await open(agents[3]!.token);
    for (const c of [...open3.slice(1), ...uncounted, late]) await c.close();
  });
});

describe('inbound frame rate (token bucket)', () => {
  test('frames past the burst are dropped with one RATE_LIMITED error; the connection stays open and is served again after retry_after_seconds', async () => {
    const u = await userWithToken('Burst');
    const c = await open(u.token, freshIp());
    for (let i = 0; i < 30; i++) c.send({ action: 'me' });
    const limited = await c.waitFor((f) => f.action === 'error', 'RATE_LIMITED');
    assert.equal(limited.payload.code, 'RATE_LIMITED');
    assert.equal(limited.payload.retryable, true);
    assert.equal(limited.payload.retry_after_seconds, 1);
    c.send({ action: 'heartbeat', payload: { message: { text: 'ping' } } });
    const pong = c.until(() => c.frames.find((f) => f.action === 'heartbeat' && f.payload.message?.text === 'pong'), 'a pong after the pause', 3000);
    // The dropped ping is not answered; one sent after retry_after_seconds is.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    c.send({ action: 'heartbeat', payload: { message: { text: 'ping' } } });
    await pong;
    assert.equal(c.frames.filter((f) => f.action === 'me').length, 10, 'exactly the burst was served');
    assert.equal(c.errors().length, 1, 'one error for the whole stretch, not one per dropped frame');
    assert.equal(c.closed, null);
    await c.close();
  });

  test('a client that keeps exceeding past WS_FRAME_RATE_CLOSE_AFTER_MS is closed with 4029', async () => {
    const u = await userWithToken('Flood');
    const c = await open(u.token, freshIp());
    const started = Date.now();
    const flood = setInterval(() => c.closed === null && c.send({ action: 'me' }), 20);
    try {
      const closed = await c.waitForClose(5000);
      assert.equal(closed.code, 4029);
      assert.ok(Date.now() - started >= 1000, 'not before the stretch lasted WS_FRAME_RATE_CLOSE_AFTER_MS');
      assert.equal(c.errors()[0]?.payload.code, 'RATE_LIMITED', 'warned with an error frame first');
    } finally {
      clearInterval(flood);
    }
  });
});
