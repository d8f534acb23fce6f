/**
 * Coalesced fan-out: the hub dispatches in batches (`DispatchQueue`), and what one batch writes to a connection
 * leaves in one socket write (`WriteCoalescer` + `SendQueue`), over a real `ws` connection.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { DispatchQueue, MAX_HOLD_MS } from '../../src/realtime/dispatch-queue.js';
import { SendQueue } from '../../src/realtime/send-queue.js';
import { WriteCoalescer } from '../../src/realtime/write-coalescer.js';

const noError = (error: unknown) => assert.fail(`dispatch failed: ${String(error)}`);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DispatchQueue', () => {
  test('while idle, an item is dispatched in the microtask after it arrives (no added wait)', async () => {
    const batches: number[][] = [];
    const queue = new DispatchQueue<number>((b) => batches.push([...b]), noError);
    queue.push(1);
    assert.deepEqual(batches, [], 'not synchronously: the caller finishes first');
    await null;
    assert.deepEqual(batches, [[1]], 'dispatched before any timer or I/O turn');
  });

  test('items pushed in one synchronous run share a batch', async () => {
    const batches: number[][] = [];
    const queue = new DispatchQueue<number>((b) => batches.push([...b]), noError);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    await null;
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  test('busy after a batch of one: the end of the turn; after a batch of several: held until the busy time ends; capped', async () => {
    // Clocks the dispatcher advances: each batch costs `cost` ms of CPU and twice that of wall time (the process
    // shared the cores). Timers are captured and fired by hand.
    let clock = 0;
    let cpu = 0;
    let cost = 40;
    const timers: { fn: () => void; ms: number }[] = [];
    const batches: number[][] = [];
    const queue = new DispatchQueue<number>(
      (b) => {
        batches.push([...b]);
        clock += 2 * cost;
        cpu += cost;
      },
      noError,
      { now: () => clock, cpu: () => cpu, later: (fn, ms) => timers.push({ fn, ms }) },
    );
    queue.push(1);
    await null;
    assert.deepEqual(batches, [[1]], 'idle: at once');
    clock += 10; // 10 ms after a batch of 40 ms CPU: busy for 30 ms more
    queue.push(2);
    queue.push(3);
    await null;
    assert.deepEqual(batches, [[1]], 'busy: not within the turn');
    await nextTurn();
    assert.deepEqual(batches, [[1], [2, 3]], 'after a batch of one: at the end of the turn, together');
    assert.equal(timers.length, 0, 'no hold yet');

    // The last batch had several items: the node is saturated, the next batch is held for the busy time.
    clock += 10;
    queue.push(4);
    queue.push(5);
    await nextTurn();
    assert.deepEqual(batches, [[1], [2, 3]], 'held back');
    assert.deepEqual(timers.map((t) => t.ms), [30], 'until 40 ms after the last batch ended');
    queue.push(6);
    assert.equal(timers.length, 1, 'one hold for everything waiting');
    clock += 30;
    timers.shift()!.fn();
    assert.deepEqual(batches, [[1], [2, 3], [4, 5, 6]], 'one batch');

    cost = 5000; // a huge batch: the next hold is capped
    queue.push(7);
    queue.push(8);
    clock += 1;
    timers.shift()!.fn();
    assert.deepEqual(batches.at(-1), [7, 8]);
    queue.push(9);
    assert.deepEqual(timers.map((t) => t.ms), [MAX_HOLD_MS]);
    timers.shift()!.fn();
    assert.deepEqual(batches.at(-1), [9]);
    clock += 100_000; // long idle: back to dispatching at once
    queue.push(10);
    await null;
    assert.deepEqual(batches.at(-1), [10]);
  });

  test('a failing dispatch is reported and does not stall later items; close drops what waits', async () => {
    const batches: number[][] = [];
    const errors: unknown[] = [];
    let fail = true;
    const queue = new DispatchQueue<number>(
      (b) => {
        if (fail) {
          fail = false;
          throw new Error('dispatch failed');
        }
        batches.push([...b]);
      },
      (e) => errors.push(e),
    );
    queue.push(1);
    await nextTurn();
    assert.deepEqual(errors.map(String), ['Error: dispatch failed']);
    queue.push(2);
    await nextTurn();
    assert.deepEqual(batches, [[2]]);
    queue.push(3);
    queue.close();
    await nextTurn();
    assert.deepEqual(batches, [[2]], 'closed: nothing more is dispatched');
  });
});

describe('WriteCoalescer over a real ws connection', () => {
  let wss: WebSocketServer;
  let serverSide: { ws: WebSocket; socket: Duplex };
  let client: WebSocket;
  const received: string[] = [];
  /** Calls into the server socket's write path (`_write` for one chunk, `_writev` for several). */
  let socketWrites = 0;

  before(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const connected = new Promise<{ ws: WebSocket; socket: Duplex }>((resolve) =>
      wss.once('connection', (ws, req) => resolve({ ws, socket: req.socket })),
    );
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    client.on('message', (data) => received.push(String(data)));
    serverSide = await connected;
    const socket = serverSide.socket as Duplex & { _write: Function; _writev: Function };
    for (const method of ['_write', '_writev'] as const) {
      const original = socket[method].bind(socket);
      socket[method] = (...args: unknown[]) => {
        socketWrites++;
        return original(...args);
      };
    }
  });

  after(async () => {
    client.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  async function receivedAll(n: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (received.length < n) {
      assert.ok(Date.now() < deadline, `only ${received.length} of ${n} frames arrived`);
      await new Promise((resolve) => client.once('message', resolve));
    }
  }

  test('one batch: every frame for the connection leaves in one socket write, in order', async () => {
    const writes = new WriteCoalescer();
    const out = new SendQueue(serverSide.ws, serverSide.socket, writes, 1 << 22, () => assert.fail('no overflow'));
    received.length = 0;
    socketWrites = 0;
    writes.run(() => {
      for (let i = 0; i < 20; i++) out.push(Buffer.from(`{"n":${i}}`));
      writes.run(() => out.push(Buffer.from('{"n":"nested"}')));
      assert.equal(socketWrites, 0, 'held until the batch ends (a nested run joins it)');
    });
    assert.equal(socketWrites, 1, 'one write for the whole batch');
    await receivedAll(21);
    assert.deepEqual(received, [...Array.from({ length: 20 }, (_, i) => `{"n":${i}}`), '{"n":"nested"}']);
  });

  test('outside a batch each frame is written at once', async () => {
    const writes = new WriteCoalescer();
    const out = new SendQueue(serverSide.ws, serverSide.socket, writes, 1 << 22, () => assert.fail('no overflow'));
    received.length = 0;
    socketWrites = 0;
    for (let i = 0; i < 5; i++) out.push(Buffer.from(`{"m":${i}}`));
    assert.equal(socketWrites, 5);
    await receivedAll(5);
    assert.deepEqual(received, Array.from({ length: 5 }, (_, i) => `{"m":${i}}`));
  });

  test('frames held in a batch count against the outbound cap: the overflow is seen inside the batch', () => {
    const writes = new WriteCoalescer();
    let overflowed = 0;
    const out = new SendQueue(serverSide.ws, serverSide.socket, writes, 1000, () => overflowed++);
    const frame = Buffer.alloc(400, 'x');
    let accepted = 0;
    writes.run(() => {
      for (let i = 0; i < 5; i++) if (out.push(frame)) accepted++;
    });
    assert.equal(overflowed > 0, true, 'the cap was crossed while frames were held');
    assert.ok(accepted <= 3, `at most the cap's worth was accepted (accepted ${accepted})`);
  });
});
