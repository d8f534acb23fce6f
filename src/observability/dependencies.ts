import type { Db } from '../store/db.js';

/** What the node knows about its Redis link (`RedisLink` satisfies it). */
export interface RedisStatus {
  readonly state: 'up' | 'down';
  readonly since: Date;
}

export interface DependencyReport {
  store: { kind: string; state: 'up' | 'down' };
  /** `unused`: no REDIS_URL (in-process bus and limits). `since`: when the state last changed. */
  redis: { state: 'up' | 'down' | 'unused'; since?: string };
  /** Dependencies that are down but that the node serves without, degraded (today only `redis`). */
  degraded: string[];
}

/**
 * The node's dependencies as `/readyz` and the `deskwire_dependency_up` gauge report them: the store is asked (one
 * `Db.ping()`), Redis's state is the link's, which every Redis-backed component already follows.
 */
export class Dependencies {
  constructor(
    private readonly db: Db,
    private readonly redis: RedisStatus | null,
  ) {}

  /** `storeError`: why the store did not answer (for the caller to log when it is not a plain outage). */
  async check(): Promise<{ report: DependencyReport; storeError: unknown }> {
    let storeError: unknown = null;
    try {
      await this.db.ping();
    } catch (error) {
      storeError = error;
    }
    const redis: DependencyReport['redis'] = this.redis ? { state: this.redis.state, since: this.redis.since.toISOString() } : { state: 'unused' };
    return {
      report: {
        store: { kind: this.db.kind, state: storeError === null ? 'up' : 'down' },
        redis,
        degraded: redis.state === 'down' ? ['redis'] : [],
      },
      storeError,
    };
  }
}
