/** What ioredis (and rate-limiter-flexible on it) throw when Redis cannot be reached or does not answer in time. */
const UNREACHABLE = /Command timed out|Stream isn't writeable|Connection is closed|Redis connection is not ready|Reached the max retries per request/i;

/**
 * True when a call failed because Redis is unreachable, not because it refused the command: the caller answers
 * 503 `REDIS_UNAVAILABLE`, never INTERNAL. Components fall back before such an error gets this far; this is the
 * last line for one that does.
 */
export function isRedisUnavailable(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | null;
  if (!e || typeof e !== 'object') return false;
  return e.name === 'MaxRetriesPerRequestError' || UNREACHABLE.test(e.message ?? '');
}
