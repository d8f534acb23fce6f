import type { Redis, RedisOptions } from 'ioredis';

export type RedisState = 'up' | 'down';

/** How long one connection attempt may take before it counts as failed (a host that drops packets). */
export const REDIS_CONNECT_TIMEOUT_MS = 1000;
/** The longest pause between two reconnection attempts while Redis is unreachable. */
export const REDIS_RETRY_MAX_MS = 1000;
/** After a failed restore (Redis answers but refuses the writes), the pause before the next try. */
const RESTORE_RETRY_MS = 1000;

/**
 * ioredis options under which no caller ever waits on Redis for longer than `commandTimeoutMs`: no command waits
 * for a connection (offline queue off), a command in flight when the connection drops fails at once instead of
 * being re-sent after the reconnect (it may or may not have run: the restore after a reconnect re-writes what this
 * node holds), and the connection is retried for ever, at most every second. The subscription is restored by
 * `RedisBus` itself once the link is ready, so that "up" means "subscribed".
 */
export function redisClientOptions(commandTimeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    commandTimeout: commandTimeoutMs,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, REDIS_RETRY_MAX_MS),
  };
}

type LogFn = (fields: Record<string, unknown>, message: string) => void;

/**
 * Whether this node can use Redis right now, for every component that depends on it (the bus, the shared limits,
 * readiness, metrics). Components consult `state` before each call and fall back at once while it is `down`, instead
 * of paying a timeout per call; a call that fails anyway reports it with `failed`, which marks the link down and
 * reconnects (a connection that stopped answering may still look open).
 *
 * The link is `up` only once both connections are ready and every restorer has run on them: the shared state a
 * node keeps in Redis (its connection slots, its subscription) is written back first, so an empty Redis after a
 * restart never shows this node's counts as zero while the rest of the node believes it is up.
 */
export class RedisLink {
  private current: RedisState = 'down';
  private changedAt = new Date();
  private readonly restorers: (() => Promise<void>)[] = [];
  private readonly listeners = new Set<(state: RedisState) => void>();
  /** Bumped whenever a connection is lost: a restore begun on an older connection counts for nothing. */
  private generation = 0;
  private restoring = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastError: unknown = null;
  private closed = false;

  constructor(
    readonly commands: Redis,
    readonly subscriber: Redis,
    private readonly log: { warn: LogFn; info: LogFn; debug: LogFn },
  ) {
    for (const client of [commands, subscriber]) {
      client.on('ready', () => void this.restore());
      client.on('close', () => this.lost());
      // Every failed reconnection attempt emits one; the state change is logged once instead.
      client.on('error', (error: unknown) => {
        this.lastError = error;
        this.log.debug({ err: String(error) }, 'redis connection error');
      });
    }
  }

  get state(): RedisState {
    return this.current;
  }

  /** When `state` last changed (or the link was created). */
  get since(): Date {
    return this.changedAt;
  }

  /**
   * Runs `restore` every time the connections are (re)established, in registration order, before the link is
   * reported up. A restorer that throws keeps the link down; the restore is tried again.
   */
  onRestore(restore: () => Promise<void>): void {
    this.restorers.push(restore);
  }

  /** Called on every change of `state`; returns the unsubscribe function. */
  onChange(listener: (state: RedisState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Connects, and resolves once the link is up or the first attempt has failed (or `waitMs` passed): a node whose
   * Redis is down starts degraded and joins when Redis comes up, it never waits for it.
   */
  async start(waitMs = REDIS_CONNECT_TIMEOUT_MS * 2): Promise<void> {
    const clients = [this.commands, this.subscriber];
    const settled = new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      timer.unref();
      const stop = this.onChange(done);
      // 'reconnecting' follows a failed attempt.
      for (const c of clients) c.once('reconnecting', done);
      function done(): void {
        clearTimeout(timer);
        stop();
        for (const c of clients) c.off('reconnecting', done);
        resolve();
      }
    });
    for (const client of clients) client.connect().catch(() => {});
    await settled;
  }

  /**
   * A command failed although the link was thought up (a timeout, a connection that dropped, a refusal): the
   * caller falls back for this call, and the link goes down and reconnects, which restores the shared state.
   */
  failed(error: unknown): void {
    this.lastError = error;
    if (this.closed || (this.current === 'down' && !this.restoring)) return;
    this.generation++;
    this.set('down');
    this.reconnect();
  }

  /** Stops reconnecting and closes both connections. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.listeners.clear();
    await Promise.all(
      [this.commands, this.subscriber].map((c) =>
        // QUIT needs a connection; without one there is nothing to say goodbye to.
        c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : Promise.resolve(c.disconnect()),
      ),
    );
  }

  private lost(): void {
    this.generation++;
    if (this.current === 'up') this.set('down');
  }

  private reconnect(): void {
    // disconnect(true) drops the socket and lets the retry strategy connect again; 'ready' then restores.
    for (const client of [this.commands, this.subscriber]) client.disconnect(true);
  }

  private async restore(): Promise<void> {
    if (this.closed || this.current === 'up' || this.restoring) return;
    if (this.commands.status !== 'ready' || this.subscriber.status !== 'ready') return;
    const generation = this.generation;
    this.restoring = true;
    let failure: { error: unknown } | null = null;
    try {
      for (const restore of this.restorers) await restore();
    } catch (error) {
      failure = { error };
    }
    this.restoring = false;
    if (this.closed) return;
    if (generation !== this.generation) {
      // A connection dropped (and may be back) while restoring: that restore counts for nothing; do it again.
      void this.restore();
      return;
    }
    if (failure === null) return this.set('up');
    this.lastError = failure.error;
    this.log.warn({ err: String(failure.error) }, 'redis: restoring shared state failed; retrying');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (generation === this.generation) this.reconnect();
    }, RESTORE_RETRY_MS);
    this.retryTimer.unref();
  }

  private set(state: RedisState): void {
    if (state === this.current) return;
    const downFor = Date.now() - this.changedAt.getTime();
    this.current = state;
    this.changedAt = new Date();
    if (state === 'down') {
      this.log.warn({ err: this.lastError === null ? undefined : String(this.lastError) }, 'redis unreachable: degraded to per-node limits and outbox catch-up');
    } else {
      this.log.info({ downMs: downFor }, 'redis reachable: shared state restored');
    }
    for (const listener of [...this.listeners]) listener(state);
  }
}
