import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { TestClient } from '../support/ws-client.js';
import { startHarness, type Harness } from '../support/realtime-harness.js';

const HEARTBEAT_MS = 200;
let h: Harness;
let alice: string;
let jwt: string;
before(async () => {
  h = await startHarness('pglite', { WS_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), WS_PATHS: '/v2/ws/,/', WS_TOKEN_EXPIRY_GRACE_MS: '500' });
  alice = await h.desk.user('Alice');
  jwt = await h.token(alice);
});
after(() => h.close());

/** Attempts an upgrade that must be refused; resolves with status, headers and parsed body. */
function refused(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  return TestClient.connect(`${h.origin}${path}`, { headers }).then(
    (c) => {
      void c.close();
      throw new Error(`${path} was accepted`);
    },
    (error: { status?: number; body?: string; headers?: Record<string, unknown> }) => {
      if (error.status === undefined) throw error;
      return { status: error.status, body: JSON.parse(error.body!), headers: error.headers! };
    },
  );
}

async function me(c: TestClient) {
  c.send({ action: 'me' });
  return (await c.waitFor((f) => f.action === 'me', 'me')).payload;
}

describe('handshake', () => {
  test('the token is accepted in every Tiledesk form and both paths', async () => {
    const forms = [
      `/v2/ws/?token=${jwt}`,
      `/v2/ws/?token=JWT%20${jwt}`,
      `/v2/ws/?token=JWT+${jwt}`,
      `/?token=JWT ${jwt}`,
      `/?other=1&token=${encodeURIComponent(`JWT ${jwt}`)}`,
    ];
    for (const path of forms) {
      const c = await TestClient.connect(`${h.origin}${path}`);
      const payload = await me(c);
      assert.equal(payload.userId, alice, path.slice(0, 30));
      assert.equal(typeof payload.id, 'string');
      await c.close();
    }
    for (const header of [`JWT ${jwt}`, `Bearer ${jwt}`]) {
      const c = await TestClient.connect(`${h.origin}/v2/ws/`, { headers: { authorization: header } });
      assert.equal((await me(c)).userId, alice);
      await c.close();
    }
  });

  test('refusals are plain HTTP responses with a JSON body from the catalogue', async () => {
    const expired = await h.token(alice, -60);
    const stranger = await h.desk.user('Gone');
    const strangerToken = await h.token(stranger);
    await h.app.db.query('DELETE FROM users WHERE id = $1', [stranger]);
    const disabled = await h.desk.user('Dis');
    const disabledToken = await h.token(disabled);
    await h.desk.disableUser(disabled);
    const cases: [string, Record<string, string>, number, string][] = [
      [`/wrong?token=${jwt}`, {}, 400, 'HANDSHAKE_INVALID'],
      [`/v2/ws?token=${jwt}`, {}, 400, 'HANDSHAKE_INVALID'],
      ['/v2/ws/', {}, 401, 'TOKEN_MISSING'],
      ['/v2/ws/?token=', {}, 401, 'TOKEN_MISSING'],
      ['/v2/ws/?token=JWT%20', {}, 401, 'TOKEN_MISSING'],
      ['/v2/ws/?token=not.a.jwt', {}, 401, 'TOKEN_INVALID'],
      [`/v2/ws/?token=${jwt.slice(0, -3)}abc`, {}, 401, 'TOKEN_INVALID'],
      ['/v2/ws/', { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'TOKEN_INVALID'],
      [`/v2/ws/?token=${expired}`, {}, 401, 'TOKEN_EXPIRED'],
      [`/v2/ws/?token=${strangerToken}`, {}, 401, 'USER_DISABLED'],
      [`/v2/ws/?token=${disabledToken}`, {}, 401, 'USER_DISABLED'],
    ];
    for (const [path, headers, status, code] of cases) {
      const r = await refused(path, headers);
      assert.equal(r.status, status, path.slice(0, 40));
      assert.equal(r.body.error, code, path.slice(0, 40));
      assert.equal(typeof r.body.message, 'string');
      assert.match(String(r.headers['content-type']), /application\/json/);
    }
  });

  test('a malformed upgrade gets the same JSON refusal', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${h.url}/v2/ws/?token=${jwt}`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'short' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 400);
    assert.equal(JSON.parse(body).error, 'HANDSHAKE_INVALID');
  });

  test('tokens never reach the logs; paths are logged without their query', async () => {
    await refused(`/v2/ws/?token=${jwt.slice(0, -3)}xyz`);
    await refused(`/elsewhere?token=${jwt}`);
    const c = await TestClient.connect(`${h.wsUrl}?token=${jwt}`);
    await me(c);
    await c.close();
    const logged = JSON.stringify(h.logs);
    assert.ok(h.logs.length > 0);
    assert.ok(!logged.includes(jwt.split('.')[2]!) && !logged.includes(jwt.slice(0, 40)), 'no token in the logs');
    assert.ok(h.logs.every((l) => typeof l.fields.path !== 'string' || !l.fields.path.includes('?')));
  });
});

describe('liveness', () => {
  test('an app-level ping every interval, and every client ping answered with a pong at once', async () => {
    const c = await TestClient.connect(`${h.wsUrl}?token=${jwt}`);
    await c.waitForCount((f) => f.action === 'heartbeat' && f.payload.message?.text === 'ping', 3, 'three server pings', HEARTBEAT_MS * 6);
    assert.deepEqual(c.frames.find((f) => f.action === 'heartbeat'), { action: 'heartbeat', payload: { message: { text: 'ping' } } });
    const from = c.frames.length;
    const sent = Date.now();
    c.send({ action: 'heartbeat', payload: { message: { text: 'ping' } } });
    const pong = await c.waitFor((f) => f.action === 'heartbeat' && f.payload.message?.text === 'pong', 'pong', { from });
    assert.ok(Date.now() - sent < 100, 'answered within milliseconds');
    assert.deepEqual(pong, { action: 'heartbeat', payload: { message: { text: 'pong' } } });
    c.send({ action: 'heartbeat', payload: { message: { text: 'pong' } } });
    c.send({ action: 'me' });
    const next = await c.waitFor((f) => f.action === 'me', 'me', { from: c.frames.indexOf(pong) + 1 });
    assert.ok(c.frames.slice(c.frames.indexOf(pong) + 1, c.frames.indexOf(next)).every((f) => f.payload.message?.text !== 'pong'), 'a pong is not answered');
    await c.close();
  });

  test('a connection that stays silent (no frames, no protocol pongs) is terminated after two intervals; one that answers pings is kept', async () => {
    const silent = await TestClient.connect(`${h.wsUrl}?token=${jwt}`, { autoPong: false });
    const alive = await TestClient.connect(`${h.wsUrl}?token=${jwt}`);
    const closed = await silent.waitForClose(HEARTBEAT_MS * 5);
    assert.equal(closed.code, 1006, 'terminated, no close handshake');
    assert.equal(alive.closed, null, 'protocol pongs count as signs of life');
    await alive.waitForCount((f) => f.payload.message?.text === 'ping', 4, 'more pings', HEARTBEAT_MS * 6);
    assert.equal(alive.closed, null);
    await alive.close();
  });

  test('an expired token ends the connection with TOKEN_EXPIRED and 4001; refresh replaces it', async () => {
    const short = await h.token(alice, 1);
    const c = await TestClient.connect(`${h.wsUrl}?token=${short}`);
    const error = await c.waitFor((f) => f.action === 'error', 'TOKEN_EXPIRED', { timeoutMs: 4000 });
    assert.equal(error.payload.code, 'TOKEN_EXPIRED');
    assert.equal((await c.waitForClose()).code, 4001);

    const r = await TestClient.connect(`${h.wsUrl}?token=${await h.token(alice, 1)}`);
    const other = await h.token(await h.desk.user('Mallory'));
    for (const [token, code] of [
      [other, 'TOKEN_INVALID'],
      ['garbage', 'TOKEN_INVALID'],
      [await h.token(alice, -5), 'TOKEN_EXPIRED'],
    ] as const) {
      const from = r.frames.length;
      r.send({ action: 'refresh', payload: { token } });
      assert.equal((await r.waitFor((f) => f.action === 'error', code, { from })).payload.code, code);
    }
    const fresh = await h.token(alice, 3600);
    r.send({ action: 'refresh', payload: { token: `JWT ${fresh}` } });
    const ok = await r.waitFor((f) => f.action === 'refresh', 'the refresh reply');
    assert.ok(Math.abs((ok.payload.expires_at as number) - (Date.now() / 1000 + 3600)) < 5);
    await r.waitForCount((f) => f.payload.message?.text === 'ping', 15, 'pings well past the first token’s expiry', 6000);
    assert.equal(r.closed, null);
    assert.ok(!r.frames.slice(r.frames.indexOf(ok)).some((f) => f.action === 'error'), 'no expiry after the refresh');
    await r.close();
  });
});

describe('shutdown', () => {
  test('close() ends every connection with 1001 and refuses new ones', async () => {
    const before = h.gateway.connectionCount;
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(`${h.wsUrl}?token=${jwt}`)));
    assert.equal(h.gateway.connectionCount, before + 3);
    await h.gateway.close();
    for (const c of clients) assert.equal((await c.waitForClose()).code, 1001);
    assert.equal(h.gateway.connectionCount, 0);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${h.wsUrl}?token=${jwt}`);
        ws.on('open', () => resolve(ws.close()));
        ws.on('error', reject);
      }),
    );
  });
});
