/**
 * An unreachable Redis is told apart from everything else by the errors ioredis really throws with the node's own
 * options (nobody listening, a server that stops answering, a server killed under a command), and answered
 * 503 REDIS_UNAVAILABLE with Retry-After instead of INTERNAL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { toErrorResponse } from '../../src/http/error-response.js';
import { isRedisUnavailable } from '../../src/redis/redis-errors.js';
import { redisClientOptions } from '../../src/redis/redis-link.js';
import { freePort, OwnRedis } from '../support/cluster.js';
import { redisSkipReason } from '../support/redis.js';

const skipReason = () => redisSkipReason('Redis fault', 'this test starts its own redis-server');

const log = { error: () => {} } as never;

async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return assert.fail('expected the call to fail');
}

function client(url: string, commandTimeoutMs: number): Redis {
  const c = new Redis(url, redisClientOptions(commandTimeoutMs));
  c.on('error', () => {});
  return c;
}

test('what ioredis throws when Redis is unreachable is REDIS_UNAVAILABLE, never INTERNAL', { skip: skipReason(), timeout: 30_000 }, async () => {
  const nobody = client(`redis://127.0.0.1:${await freePort()}`, 100);
  const offline = await rejection(() => nobody.get('k'));
  nobody.disconnect();

  const redis = new OwnRedis(await freePort());
  await redis.start();
  const quick = client(redis.url, 100);
  const patient = client(redis.url, 10_000);
  await Promise.all([quick.connect(), patient.connect()]);
  redis.pause();
  const timedOut = await rejection(() => quick.get('k'));
  // Caught from the start: the rejection may come while stop() is still awaited.
  const inFlight = rejection(() => patient.get('k'));
  await redis.stop(); // SIGKILL while the command waits for its answer
  const killed = await inFlight;
  quick.disconnect();
  patient.disconnect();

  for (const error of [offline, timedOut, killed]) {
    assert.equal(isRedisUnavailable(error), true, String(error));
    const { status, body } = toErrorResponse(error, log);
    assert.deepEqual([status, body.error, body.retry_after_seconds], [503, 'REDIS_UNAVAILABLE', 1]);
  }
  assert.equal(isRedisUnavailable(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')), false);
  assert.equal(toErrorResponse(new Error('boom'), log).body.error, 'INTERNAL', 'anything else is still a bug');
});
