/**
 * A client that stops reading while 50 MB of events flow is cut with 4008 once its outbound buffer passes the cap
 * (default 4 MiB), long before the flow ends: the server holds at most the cap for it, not the 50 MB. Another
 * subscriber of the same topic receives every event, in order, throughout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectAs, subscribed } from '../support/realtime-world.js';
import { useHarness } from '../support/use-harness.js';

const EVENT_PAD = 32 * 1024;
const BURSTS = 16;
const PER_BURST = 100;
const world = useHarness();

test('a slow client is closed with 4008 during a 50 MB flow; the other subscriber gets every event', { timeout: 60_000 }, async () => {
  assert.equal(world.h.config.wsOutboundBufferMaxBytes, 4 * 1024 * 1024, 'the default cap');
  const { projectId, admin, request: r } = await world.h.desk.adminWithRequest('Firehose', 'Ada');
  const topic = `/${projectId}/requests/${r.request_id}`;
  const slow = await connectAs(world.h, admin);
  const fast = await connectAs(world.h, admin);
  await subscribed(slow, topic);
  await subscribed(fast, topic);
  const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  socket.pause();

  let flowed = 0;
  let cutAfter: number | null = null;
  for (let burst = 0; burst < BURSTS; burst++) {
    const events = await world.h.desk.burst(projectId, r.request_id, PER_BURST, 'x'.repeat(EVENT_PAD));
    flowed += PER_BURST * EVENT_PAD;
    const last = events.at(-1)!.seq;
    await fast.waitFor((f) => f.payload.topic === topic && f.payload.seq === last, `event ${last} on the reading subscriber`, { timeoutMs: 10_000 });
    // Closing releases the connection's subscriptions at once (the socket itself may linger in its close handshake).
    if (cutAfter === null && world.h.gateway.stats().subscriptions === 1) {
      cutAfter = flowed;
      // Read again at once: the 4008 close frame waits behind what was buffered, and the server only waits a few
      // seconds for its close handshake before cutting the TCP connection (then a client sees 1006).
      socket.resume();
    }
  }
  assert.ok(flowed >= 50 * 1024 * 1024, `${flowed} bytes of events flowed`);
  assert.ok(cutAfter !== null, 'the slow connection was closed by the server during the flow');
  // The cap plus what the kernel's socket buffers absorb: a few MiB, nowhere near the 50 MB.
  assert.ok(cutAfter <= 16 * 1024 * 1024, `cut after ${(cutAfter / 1048576).toFixed(1)} MiB had flowed`);

  const live = fast.publishes(topic).filter((f) => f.payload.method === 'UPDATE').map((f) => f.payload.seq!);
  assert.equal(live.length, BURSTS * PER_BURST, 'every event reached the reading subscriber');
  assert.ok(live.every((seq, i) => i === 0 || seq === live[i - 1]! + 1), 'in order, without gaps');

  assert.equal((await slow.waitForClose(10_000)).code, 4008);
  await fast.close();
});
