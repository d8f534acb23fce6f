import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisLimitStore } from '../../src/limits/redis-limit-store.js';
import { limitStoreContract } from './limit-store-contract.js';
import { until } from '../support/until.js';
import { redisSkipReason } from '../support/redis.js';

const skipReason = () => redisSkipReason('Redis limit');

const unique = (what: string) => `${what}-${randomBytes(5).toString('hex')}`;

const clients: Redis[] = [];
const stores: RedisLimitStore[] = [];
after(async () => {
  for (const s of stores) await s.close().catch(() => {});
  for (const c of clients) c.disconnect();
});

async function redisNode(livenessMs?: number): Promise<RedisLimitStore> {
  const client = new Redis(process.env.REDIS_URL!);
  clients.push(client);
  const store = new RedisLimitStore(client, livenessMs);
  stores.push(store);
  await store.start();
  return store;
}

describe('limit store contract (redis)', { skip: skipReason() }, () => {
  limitStoreContract('redis', () => redisNode());
});

describe('Redis limit store across nodes', { skip: skipReason() }, () => {
  test('a rate rule counts the hits of every node together', async () => {
    const [a, b] = [await redisNode(), await redisNode()];
    const rule = { name: unique('RATE'), points: 3, windowSeconds: 60 };
    const key = unique('user');
    const decisions = [await a.hit(rule, key), await b.hit(rule, key), await a.hit(rule, key), await b.hit(rule, key)];
    assert.deepEqual(decisions.map((d) => d.allowed), [true, true, true, false]);
  });

  test('at most max slots are held across nodes, every node sees the total, and a release frees one', async () => {
    const [a, b] = [await redisNode(), await redisNode()];
    const counter = unique('CONN');
    const key = unique('user');
    assert.deepEqual([await a.acquire(counter, key, 3), await b.acquire(counter, key, 3), await a.acquire(counter, key, 3)], [true, true, true]);
    assert.equal(await b.acquire(counter, key, 3), false);
    assert.deepEqual([await a.held(counter, key), await b.held(counter, key)], [3, 3]);
    await a.release(counter, key);
    assert.equal(await b.held(counter, key), 2);
    assert.equal(await b.acquire(counter, key, 3), true);
    assert.equal(await a.acquire(counter, key, 3), false);
  });
});

describe('Redis limit store: a node that dies', { skip: skipReason() }, () => {
  test('stops holding its slots once its liveness period has passed; a graceful stop releases them at once', async () => {
    const dying = await redisNode(600);
    const leaving = await redisNode();
    const survivor = await redisNode();
    const counter = unique('CONN');
    const key = unique('user');
    assert.equal(await dying.acquire(counter, key, 2), true);
    assert.equal(await leaving.acquire(counter, key, 2), true);
    assert.equal(await survivor.acquire(counter, key, 2), false);

    await leaving.close();
    assert.equal(await survivor.acquire(counter, key, 2), true, 'the gracefully stopped node no longer counts');
    assert.equal(await survivor.acquire(counter, key, 2), false);

    dying.abandon(); // a crash: no release, no more heartbeats
    const freedMs = await until(() => survivor.acquire(counter, key, 2), 'the dead node to release its slot', { everyMs: 50 });
    assert.equal(await survivor.held(counter, key), 2, 'only the live holders count');
    assert.ok(freedMs < 600 + 1000, `freed after ${freedMs} ms, about the 600 ms liveness period`);
  });
});
