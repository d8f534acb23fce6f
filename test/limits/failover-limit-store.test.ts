/**
 * The cluster's limit store against a redis-server of the test's own, killed, restarted empty and paused: calls
 * never wait on a Redis that is gone, each node enforces its share meanwhile, and the slots it holds are back in
 * Redis before its link reports up.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FailoverLimitStore } from '../../src/limits/failover-limit-store.js';
import { RedisLimitStore } from '../../src/limits/redis-limit-store.js';
import type { RedisLink } from '../../src/redis/redis-link.js';
import { freePort, OwnRedis } from '../support/cluster.js';
import { linkState, redisLink, redisSkipReason } from '../support/redis.js';
import { until } from '../support/until.js';

const skipReason = () => redisSkipReason('Redis fault', 'these tests start their own redis-server');

interface Node {
  link: RedisLink;
  store: FailoverLimitStore;
}

const SETTLE_MS = 400;

// A regression to waiting on Redis would hang a call for ever: fail instead.
describe('the failover limit store through Redis outages', { skip: skipReason(), timeout: 60_000 }, () => {
  let redis: OwnRedis;
  const nodes: Node[] = [];
  before(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
  });
  after(async () => {
    for (const { store, link } of nodes) {
      await store.close();
      await link.close();
    }
    redis.resume();
    await redis.stop();
  });

  async function node(commandTimeoutMs = 1000, start = true): Promise<Node> {
    const link = redisLink(redis.url, commandTimeoutMs);
    const shared = new RedisLimitStore(link.commands, 3000, (error) => link.failed(error));
    const store = new FailoverLimitStore(shared, link, SETTLE_MS);
    const n = { link, store };
    nodes.push(n);
    if (start) {
      await link.start();
      assert.equal(link.state, 'up');
    }
    return n;
  }

  /** Runs `call` and returns its result with how long it took. */
  async function timed<T>(call: () => Promise<T>): Promise<[T, number]> {
    const started = performance.now();
    const result = await call();
    return [result, performance.now() - started];
  }

  test('killed: each node enforces its share at once; restarted empty: every node’s slots are back before it says up', async () => {
    const [a, b] = [await node(), await node()];
    const counter = `CONN-${randomBytes(4).toString('hex')}`;
    // Each counts the live nodes at its heartbeat (every second here): once both have seen both, a share of 4 is 2.
    await until(() => a.store.share(4) === 2, 'node A to count both nodes', { everyMs: 50 });
    assert.deepEqual([a.store.share(4), b.store.share(4)], [2, 2]);
    for (let i = 0; i < 3; i++) assert.equal(await a.store.acquire(counter, 'u', 4), true);
    assert.equal(await b.store.acquire(counter, 'u', 4), true);
    assert.equal(await b.store.acquire(counter, 'u', 4), false, 'the cap holds across the nodes while Redis is up');

    await redis.stop();
    await Promise.all([linkState(a.link, 'down'), linkState(b.link, 'down')]);
    assert.deepEqual([a.store.countsComplete(), b.store.countsComplete()], [false, false], 'no node trusts the counts now');
    // A holds 3, more than its share of 2; B holds 1 and may take one more.
    const [refusedOnA, tA] = await timed(() => a.store.acquire(counter, 'u', 4));
    const [takenOnB, tB] = await timed(() => b.store.acquire(counter, 'u', 4));
    const [fullOnB] = await timed(() => b.store.acquire(counter, 'u', 4));
    assert.deepEqual([refusedOnA, takenOnB, fullOnB], [false, true, false]);
    const rule = { name: `RATE-${randomBytes(4).toString('hex')}`, points: 4, windowSeconds: 60 };
    const hits = [await a.store.hit(rule, 'k'), await a.store.hit(rule, 'k'), await a.store.hit(rule, 'k')];
    assert.deepEqual(hits.map((h) => h.allowed), [true, true, false], 'a rate of 4 allows 2 on this node');
    assert.ok(Math.max(tA, tB) < 1000, `answered in ${tA.toFixed(0)} and ${tB.toFixed(0)} ms`);
    await a.store.release(counter, 'u'); // A now holds 2

    await redis.start();
    await Promise.all([linkState(a.link, 'up'), linkState(b.link, 'up')]);
    assert.equal(await a.store.held(counter, 'u'), 4, 'A’s 2 and B’s 2, written back into the empty Redis');
    assert.equal(await a.store.acquire(counter, 'u', 4), false, 'the cap holds again');
    assert.equal(a.store.countsComplete(), false, 'for a settle period other nodes may still be writing theirs back');
    await until(() => a.store.countsComplete(), 'node A to trust its counts after the settle period', { everyMs: 50 });
    await b.store.release(counter, 'u');
    assert.equal(await a.store.acquire(counter, 'u', 4), true, 'a release on B frees a slot for A');
  });

  test('paused (answers nothing): the first call waits at most the command timeout, the link goes down, later calls do not wait', async () => {
    const a = await node(200);
    const rule = { name: `RATE-${randomBytes(4).toString('hex')}`, points: 100, windowSeconds: 60 };
    assert.equal((await a.store.hit(rule, 'k')).allowed, true);
    redis.pause();
    try {
      const [first, t1] = await timed(() => a.store.hit(rule, 'k'));
      assert.equal(first.allowed, true);
      assert.ok(t1 < 1000, `the first call after the pause took ${t1.toFixed(0)} ms (command timeout 200 ms)`);
      assert.equal(a.link.state, 'down', 'one timeout is enough to stop asking Redis');
      const [, t2] = await timed(() => a.store.acquire('CONN', 'k', 10));
      assert.ok(t2 < 1000, `a later call took ${t2.toFixed(0)} ms`);
    } finally {
      redis.resume();
    }
    await linkState(a.link, 'up');
    assert.equal(await a.store.held('CONN', 'k'), 1, 'the slot taken while paused was written back');
  });

  test('a node started while Redis is down starts at once, degraded, and joins when Redis comes up', async () => {
    await redis.stop();
    const started = performance.now();
    const a = await node(1000, false);
    await a.link.start();
    const startMs = performance.now() - started;
    assert.equal(a.link.state, 'down');
    assert.ok(startMs < 3000, `start returned after ${startMs.toFixed(0)} ms`);
    assert.equal(await a.store.acquire('CONN', 'late', 1), true, 'serves on its own share (all of it: it never saw another node)');
    await redis.start();
    await linkState(a.link, 'up');
    assert.equal(await a.store.held('CONN', 'late'), 1);
  });
});
