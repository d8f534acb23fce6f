/**
 * The Redis bus through an outage of a redis-server of the test's own: a node's own subscribers keep getting its
 * events at once, the other nodes are told when the bus is back (so they read the outbox), and publishing never
 * waits on a Redis that is gone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProjectEvent } from '../../src/events/event.js';
import { RedisBus } from '../../src/events/redis-bus.js';
import type { RedisLink } from '../../src/redis/redis-link.js';
import { freePort, OwnRedis } from '../support/cluster.js';
import { linkState, redisLink, redisSkipReason } from '../support/redis.js';
import { sampleMessageEvent } from '../support/sample-entities.js';

const skipReason = () => redisSkipReason('Redis fault', 'this test starts its own redis-server');

function event(seq: number): ProjectEvent {
  return sampleMessageEvent('p1', seq, `m${seq}`);
}

describe('the Redis bus through an outage', { skip: skipReason(), timeout: 60_000 }, () => {
  let redis: OwnRedis;
  const links: RedisLink[] = [];
  before(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
  });
  after(async () => {
    for (const link of links) await link.close();
    await redis.stop();
  });

  test('while Redis is down a node delivers its own events at once; the others hear when the bus is back', async () => {
    links.push(redisLink(redis.url), redisLink(redis.url));
    const [la, lb] = links as [RedisLink, RedisLink];
    const [a, b] = [new RedisBus(la), new RedisBus(lb)];
    await Promise.all([la.start(), lb.start()]);
    const onA: number[] = [];
    const onB: number[] = [];
    a.subscribe((e) => onA.push(e.seq));
    b.subscribe((e) => onB.push(e.seq));
    let reconnects = 0;
    b.onReconnect(() => reconnects++);

    await redis.stop();
    await Promise.all([linkState(la, 'down'), linkState(lb, 'down')]);
    const started = performance.now();
    await a.publish([event(1), event(2)]);
    assert.ok(performance.now() - started < 1000, 'publishing does not wait on Redis (the issue’s bound: 1 s)');
    assert.deepEqual(onA, [1, 2], 'delivered to this node’s own subscribers before publish resolved');
    assert.deepEqual(onB, [], 'the other node gets them from the outbox, not the bus');

    await redis.start();
    await Promise.all([linkState(la, 'up'), linkState(lb, 'up')]);
    assert.equal(reconnects, 1, 'told once that the bus is back, after it re-subscribed');
    // With the bus up, each node hears the event from Redis, the publisher too: wait for both.
    const arrivedAt = (bus: RedisBus) => new Promise<void>((resolve) => bus.subscribe((e) => e.seq === 3 && resolve()));
    const arrived = Promise.all([arrivedAt(a), arrivedAt(b)]);
    await a.publish([event(3)]);
    await arrived;
    assert.deepEqual(onB, [3], 'the bus carries events between the nodes again');
    assert.deepEqual(onA, [1, 2, 3], 'and each once to the publishing node');
  });
});
