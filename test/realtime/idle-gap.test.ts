import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectAs, subscribed } from '../support/realtime-world.js';
import { useHarness } from '../support/use-harness.js';

describe('an event lost on the bus in a project that then goes quiet', () => {
  const world = useHarness('pglite', { EVENT_GAP_CHECK_INTERVAL: '1s' });

  test('still reaches the subscriber within the gap-check interval, read from the outbox, once', async () => {
    const { projectId, admin, request: r } = await world.h.desk.adminWithRequest('Quiet', 'Quinn');
    const topic = `/${projectId}/requests/${r.request_id}`;
    const c = await connectAs(world.h, admin);
    await subscribed(c, topic);

    // Committed, never published (a node died between commit and publish), and nothing happens afterwards.
    const lost = await world.h.desk.updateRequest(projectId, r.request_id, { tags: ['lost'] }, { publish: false });
    const frame = await c.waitFor((f) => f.payload.topic === topic && f.payload.method === 'UPDATE', 'the lost event');
    assert.equal(frame.payload.seq, lost[0]!.seq);
    assert.deepEqual(frame.payload.message.tags, ['lost']);

    // A late copy from the bus is a duplicate by now.
    await world.h.app.bus.publish(lost);
    await world.h.desk.updateRequest(projectId, r.request_id, { tags: ['next'] });
    await c.waitFor((f) => f.payload.message?.tags?.[0] === 'next', 'the next event');
    assert.deepEqual(
      c.publishes(topic).map((f) => f.payload.seq),
      [lost[0]!.seq - 1, lost[0]!.seq, lost[0]!.seq + 1],
      'snapshot, the lost event once, the next one',
    );
    await c.close();
  });
});
