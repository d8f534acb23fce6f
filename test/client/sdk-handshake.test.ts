/**
 * A refused handshake, as the SDK sees it in Node: it reads the HTTP status and JSON body (PROTOCOL §1), reports a
 * typed error once, stops for good on what only a new token could fix (unless getToken gives one) and on a disabled
 * user, and retries what is retryable (429, 503, network failures), honouring Retry-After.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import type { DeskwireClientError } from '../../src/client/index.js';
import { signUp } from '../support/desk.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { Recorder } from './recorder.js';

/** A token signed with the server's own secret, expired ten seconds ago. */
async function expiredToken(app: TestApp, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const key = new TextEncoder().encode(app.config.jwtSecret!);
  return new SignJWT({ _id: userId }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt(now - 100).setExpirationTime(now - 10).sign(key);
}

/** The errors a client reports on 'error', recorded. */
function errorsOf(client: { on(event: 'error', listener: (e: DeskwireClientError) => void): () => void }, rec: Recorder): DeskwireClientError[] {
  const seen: DeskwireClientError[] = [];
  client.on('error', (e) => rec.record(() => seen.push(e)));
  return seen;
}

const closedWith = (rec: Recorder) => () => {
  const s = rec.states.find((x) => x.state === 'closed');
  return s && s.state === 'closed' ? s : undefined;
};
const attempts = (rec: Recorder) => rec.states.filter((s) => s.state === 'connecting').length;

describe('SDK: refused handshakes against the real server', () => {
  let app: TestApp;
  let user: { userId: string; token: string; email: string };
  before(async () => {
    app = await startTestApp();
    user = await signUp(app.url, 'handshake');
  });
  after(() => app.closeAll());

  test('an expired token without getToken: one attempt, then closed with TOKEN_EXPIRED (status 401) within 5 s', async () => {
    const rec = new Recorder();
    const startedAt = Date.now();
    const client = rec.connect({ url: app.url, token: await expiredToken(app, user.userId) });
    const closed = await rec.until(closedWith(rec), 'the client to close', 5000);
    assert.ok(Date.now() - startedAt < 5000);
    assert.equal(closed.error.code, 'TOKEN_EXPIRED');
    assert.equal(closed.error.status, 401);
    assert.equal(closed.error.message, 'The token has expired.');
    assert.equal(attempts(rec), 1, 'no retry with the same token');
    client.close();
  });

  test('a garbage token: closed with TOKEN_INVALID; a disabled user: closed with USER_DISABLED even with getToken', async () => {
    const rec = new Recorder();
    rec.connect({ url: app.url, token: 'garbage' });
    assert.equal((await rec.until(closedWith(rec), 'the client to close')).error.code, 'TOKEN_INVALID');

    const disabled = await signUp(app.url, 'disabled');
    await app.services.auth.disableUser(disabled.userId);
    const rec2 = new Recorder();
    let asked = 0;
    rec2.connect({ url: app.url, getToken: () => (asked++, disabled.token) });
    const closed = await rec2.until(closedWith(rec2), 'the client to close');
    assert.equal(closed.error.code, 'USER_DISABLED');
    assert.equal(asked, 1, 'a new token cannot help a disabled user');
  });

  test('with getToken, a refused token is replaced: the error is reported once and the next attempt opens', async () => {
    const rec = new Recorder();
    const tokens = [await expiredToken(app, user.userId), user.token];
    const client = rec.connect({ url: app.url, getToken: () => tokens.shift()!, backoff: { initialMs: 10, maxMs: 10 } });
    const errors = errorsOf(client, rec);
    await client.opened();
    assert.deepEqual(errors.map((e) => e.code), ['TOKEN_EXPIRED']);
    assert.equal(attempts(rec), 2);
    client.close();
  });
});

describe('SDK: retryable refusals and network failures', () => {
  let server: Server;
  let url: string;
  /** The answer to each upgrade: status, JSON body (or raw text), headers. */
  let answer: (index: number) => { status: number; body: string; headers?: Record<string, string> } = () => ({ status: 503, body: '' });
  let upgrades = 0;
  before(async () => {
    server = createServer();
    server.on('upgrade', (_req, socket) => {
      const { status, body, headers = {} } = answer(upgrades++);
      const head = [`HTTP/1.1 ${status} Refused`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const script = (fn: typeof answer) => {
    upgrades = 0;
    answer = fn;
  };

  test('503 DRAINING is retried with back-off and reported once, however many attempts', async () => {
    script(() => ({ status: 503, body: JSON.stringify({ error: 'DRAINING', message: 'This node is shutting down; connect again.' }), headers: { 'Retry-After': '0' } }));
    const rec = new Recorder();
    const client = rec.connect({ url, token: 'x.eyJleHAiOjk5OTk5OTk5OTl9.y', backoff: { initialMs: 5, maxMs: 20 } });
    const errors = errorsOf(client, rec);
    await rec.until(() => attempts(rec) >= 4 || undefined, 'four attempts');
    client.close();
    assert.deepEqual(errors.map((e) => [e.code, e.status, e.retryable]), [['DRAINING', 503, true]]);
  });

  test('429 waits retry_after_seconds before the next attempt', async () => {
    script(() => ({ status: 429, body: JSON.stringify({ error: 'CONN_LIMIT_USER', message: 'Too many open connections for this user.', retry_after_seconds: 1 }), headers: { 'Retry-After': '1' } }));
    const rec = new Recorder();
    const client = rec.connect({ url, token: 'x.eyJleHAiOjk5OTk5OTk5OTl9.y', backoff: { initialMs: 1, maxMs: 1 } });
    const waiting = await rec.until(() => rec.states.find((s) => s.state === 'reconnecting'), 'a reconnect to be planned');
    client.close();
    assert.equal(waiting.state === 'reconnecting' && waiting.error?.code, 'CONN_LIMIT_USER');
    assert.ok(waiting.state === 'reconnecting' && waiting.delayMs >= 1000, `next attempt in ${waiting.state === 'reconnecting' ? waiting.delayMs : '?'} ms`);
  });

  test('a proxy error without our JSON is CLIENT_HANDSHAKE_REFUSED: 502 retried, 400/403 codes terminal', async () => {
    script(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    const rec = new Recorder();
    const client = rec.connect({ url, token: 'x.eyJleHAiOjk5OTk5OTk5OTl9.y', backoff: { initialMs: 5, maxMs: 5 } });
    const errors = errorsOf(client, rec);
    await rec.until(() => attempts(rec) >= 2 || undefined, 'a retry');
    client.close();
    assert.deepEqual(errors.map((e) => [e.code, e.status]), [['CLIENT_HANDSHAKE_REFUSED', 502]]);

    for (const code of ['HANDSHAKE_INVALID', 'TLS_REQUIRED']) {
      script(() => ({ status: code === 'TLS_REQUIRED' ? 403 : 400, body: JSON.stringify({ error: code, message: 'no' }) }));
      const r = new Recorder();
      r.connect({ url, token: 'x.eyJleHAiOjk5OTk5OTk5OTl9.y', backoff: { initialMs: 5, maxMs: 5 } });
      assert.equal((await r.until(closedWith(r), `closed on ${code}`)).error.code, code);
      assert.equal(attempts(r), 1);
    }
  });

  test('connection refused: CLIENT_CONNECTION_FAILED reported once, retried with back-off', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const rec = new Recorder();
    const client = rec.connect({ url: `http://127.0.0.1:${port}`, token: 'x.eyJleHAiOjk5OTk5OTk5OTl9.y', backoff: { initialMs: 5, maxMs: 20 } });
    const errors = errorsOf(client, rec);
    await rec.until(() => attempts(rec) >= 3 || undefined, 'three attempts');
    client.close();
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'CLIENT_CONNECTION_FAILED');
    assert.match(errors[0]!.message, /connection refused/);
    assert.equal(errors[0]!.retryable, true);
  });
});
