import { Redis } from 'ioredis';
import { RedisLink, redisClientOptions } from '../../src/redis/redis-link.js';

const quiet = { warn: () => {}, info: () => {}, debug: () => {} };

/**
 * Why Redis tests are skipped (REDIS_URL is not set), or false to run them. In CI a missing REDIS_URL is an error, so
 * `tests` (e.g. "Redis bus") may never pass there by skipping; `note` is added to the reason in parentheses.
 */
export function redisSkipReason(tests: string, note?: string): string | false {
  if (process.env.REDIS_URL) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but REDIS_URL is not set: the ${tests} tests may not skip in CI`);
  return note === undefined ? 'REDIS_URL is not set' : `REDIS_URL is not set (${note})`;
}

/** A link to `url` with the node's own client options; call `start()`, and `close()` when done. */
export function redisLink(url: string, commandTimeoutMs = 1000): RedisLink {
  const options = redisClientOptions(commandTimeoutMs);
  return new RedisLink(new Redis(url, options), new Redis(url, options), quiet);
}

/** Resolves when `link` reaches `state`; fails after the deadline saying where it stayed. */
export function linkState(link: RedisLink, state: 'up' | 'down', timeoutMs = 10_000): Promise<void> {
  if (link.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the Redis link stayed ${link.state} for ${timeoutMs} ms (waiting for ${state})`));
    }, timeoutMs);
    const stop = link.onChange((now) => {
      if (now !== state) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

