/**
 * How the SDK answers each close code and a silent server, against a scripted `ws` server (the real server's
 * closes are covered in sdk-resume.test.ts; these are the ones it cannot be made to send on demand).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { Recorder } from './recorder.js';

/** A token-shaped string with an `exp` one hour ahead (the scripted server does not verify it). */
const token = `x.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}.y`;

describe('SDK close-code handling', () => {
  let server: WebSocketServer;
  let url: string;
  /** What the scripted server does with each new connection. */
  let script: (ws: WebSocket, index: number) => void = () => {};
  let connections = 0;
  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v2/ws/`;
    server.on('connection', (ws) => script(ws, connections++));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const reset = (s: typeof script) => {
    connections = 0;
    script = s;
  };

  test('4029 waits retry_after_seconds from the error frame before reconnecting', async () => {
    reset((ws, i) => {
      if (i > 0) return;
      ws.send(JSON.stringify({ action: 'error', payload: { code: 'RATE_LIMITED', message: 'slow down', retryable: true, retry_after_seconds: 2 } }));
      ws.close(4029, 'rate limited');
    });
    const rec = new Recorder();
    const client = rec.connect({ url, token, backoff: { initialMs: 10, maxMs: 10 } });
    try {
      const s = await rec.until(() => rec.states.find((x) => x.state === 'reconnecting'), 'reconnecting');
      assert.ok(s.state === 'reconnecting' && s.delayMs >= 2000 && s.closeCode === 4029, JSON.stringify(s));
      assert.equal(s.state === 'reconnecting' && s.error?.code, 'RATE_LIMITED');
    } finally {
      client.close();
    }
  });

  for (const [code, expected] of [
    [1008, 'PROTOCOL_ABUSE'],
    [1009, 'FRAME_TOO_LARGE'],
    [4003, 'REVOKED'],
  ] as const) {
    test(`${code} is terminal: closed with ${expected}, no reconnect`, async () => {
      reset((ws) => ws.close(code, ''));
      const rec = new Recorder();
      const client = rec.connect({ url, token });
      const closed = await rec.until(() => (client.state.state === 'closed' ? client.state : undefined), 'closed');
      assert.equal(closed.closeCode, code);
      assert.equal(closed.error.code, expected);
      assert.equal(connections, 1);
      assert.deepEqual(rec.states.map((s) => s.state), ['connecting', 'open', 'closed']);
    });
  }

  test('4001 without getToken ends with TOKEN_EXPIRED; with getToken it reconnects at once with a new token', async () => {
    reset((ws) => ws.close(4001, 'token expired'));
    const rec = new Recorder();
    const fixed = rec.connect({ url, token });
    const closed = await rec.until(() => (fixed.state.state === 'closed' ? fixed.state : undefined), 'closed');
    assert.equal(closed.error.code, 'TOKEN_EXPIRED');

    const seen: string[] = [];
    reset((ws, i) => i === 0 && ws.close(4001, 'token expired'));
    server.once('connection', (_ws, req) => seen.push(new URL(req.url!, 'http://x').searchParams.get('token')!));
    let n = 0;
    const renewing = rec.connect({ url, getToken: () => `${token}${++n}` });
    try {
      await rec.until(() => connections === 2 && renewing.state.state === 'open', 'the second connection');
      const again = rec.states.filter((s) => s.state === 'reconnecting').at(-1);
      assert.ok(again?.state === 'reconnecting' && again.delayMs === 0 && again.closeCode === 4001);
      assert.equal(n, 2, 'getToken asked again after 4001');
    } finally {
      renewing.close();
    }
  });

  test('a server that stops answering is left after the pong timeout and the client reconnects', async () => {
    // The first connection goes silent (no pong, no frames); the second behaves.
    reset((ws, i) => {
      if (i === 0) return;
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.action === 'heartbeat') ws.send(JSON.stringify({ action: 'heartbeat', payload: { message: { text: 'pong' } } }));
      });
    });
    const rec = new Recorder();
    const client = rec.connect({ url, token, heartbeatIntervalMs: 100, pongTimeoutMs: 200, backoff: { initialMs: 10, maxMs: 50 } });
    try {
      await rec.until(() => connections === 2 && client.state.state === 'open', 'a second connection', 5000);
      const lost = rec.states.find((s) => s.state === 'reconnecting');
      assert.ok(lost?.state === 'reconnecting' && /no answer to ping/.test(lost.error?.message ?? ''), JSON.stringify(lost));
    } finally {
      client.close();
    }
  });

  test('1001 (node going away) reconnects within the first back-off step and resubscribes with since', async () => {
    const subscribes: unknown[] = [];
    const rec = new Recorder();
    reset((ws, i) => {
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.action !== 'subscribe') return;
        rec.record(() => subscribes.push(frame.payload));
        if (i === 0) {
          ws.send(JSON.stringify({ action: 'publish', payload: { topic: '/p/requests', method: 'CREATE', message: [], seq: 7, epoch: 'E' } }));
          ws.send(JSON.stringify({ action: 'publish', payload: { topic: '/p/requests', method: 'CREATE', message: { _id: 'a' }, seq: 8, epoch: 'E' } }));
          ws.close(1001, 'going away');
        }
      });
    });
    const client = rec.connect({ url, token, backoff: { initialMs: 50, maxMs: 60_000 } });
    try {
      client.subscribe('/p/requests', rec.handlers('/p/requests'));
      await rec.until(() => subscribes.length === 2, 'the resubscribe');
      assert.deepEqual(subscribes, [{ topic: '/p/requests' }, { topic: '/p/requests', since: 8, epoch: 'E' }]);
      const s = rec.states.find((x) => x.state === 'reconnecting');
      assert.ok(s?.state === 'reconnecting' && s.delayMs < 50);
    } finally {
      client.close();
    }
  });
});
