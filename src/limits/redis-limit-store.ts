import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitStore, RateDecision, RateRule } from './limit-store.js';

const PREFIX = 'deskwire:limits:';
/** The live nodes by the time their announcement expires. */
const NODES = `${PREFIX}nodes`;
/** When this Redis's counts began (it was new or restarted empty). */
const EPOCH = `${PREFIX}epoch`;

/**
 * Takes a slot only if the live holders hold fewer than `max`. Holders are nodes: each keeps its own count in the
 * hash, and a node whose liveness key has expired (it died without releasing) no longer counts and is removed.
 * KEYS[1] slot hash; ARGV: node id, max, liveness key prefix.
 */
const ACQUIRE = `
local held = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #held, 2 do
  if redis.call('EXISTS', ARGV[3] .. held[i]) == 1 then total = total + tonumber(held[i + 1])
  else redis.call('HDEL', KEYS[1], held[i]) end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1`;

/** The live holders' total. KEYS[1] slot hash; ARGV: liveness key prefix. */
const HELD = `
local held = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #held, 2 do
  if redis.call('EXISTS', ARGV[1] .. held[i]) == 1 then total = total + tonumber(held[i + 1]) end
end
return total`;

/**
 * Announces a node as alive for `livenessMs` and counts the live nodes (on Redis's clock, so nodes' clocks need not
 * agree). KEYS: the node's liveness key, the sorted set of nodes by expiry; ARGV: node id, livenessMs.
 */
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
return redis.call('ZCARD', KEYS[2])`;

/**
 * How long ago (ms, on Redis's clock) this Redis's counts began: the first node to find the key missing (a new or
 * restarted Redis) sets it. KEYS[1] the epoch key.
 */
const EPOCH_AGE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local began = redis.call('GET', KEYS[1])
if not began then
  redis.call('SET', KEYS[1], now)
  return 0
end
return now - tonumber(began)`;

/** KEYS[1] slot hash; ARGV: node id. */
const RELEASE = `
local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left`;

/** One slot count this node holds, as `rejoin` writes it back. */
export interface HeldSlot {
  counter: string;
  key: string;
  /** 0: this node holds none (any count of its own left in Redis is removed). */
  count: number;
}

/**
 * Limits shared by every node of a cluster: rate windows from `rate-limiter-flexible` on Redis, and connection
 * slots counted per node so that the slots of a node that dies stop counting once its liveness key expires
 * (`livenessMs`, refreshed every third of it). Given its Redis client; never opens one.
 */
export class RedisLimitStore implements LimitStore {
  readonly nodeId = randomBytes(8).toString('hex');
  private readonly limiters = new Map<string, RateLimiterRedis>();
  private readonly heartbeat: NodeJS.Timeout;
  private nodes = 1;

  /** `onBeatError`: a heartbeat failed (the caller decides whether Redis is down); by default ignored. */
  constructor(
    private readonly redis: Redis,
    private readonly livenessMs = 15_000,
    onBeatError: (error: unknown) => void = () => {},
  ) {
    this.redis.defineCommand('deskwireAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis.defineCommand('deskwireRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis.defineCommand('deskwireHeld', { numberOfKeys: 1, lua: HELD });
    this.redis.defineCommand('deskwireBeat', { numberOfKeys: 2, lua: BEAT });
    this.redis.defineCommand('deskwireEpochAge', { numberOfKeys: 1, lua: EPOCH_AGE });
    this.heartbeat = setInterval(() => void this.beat().catch(onBeatError), Math.max(100, Math.floor(livenessMs / 3)));
    this.heartbeat.unref();
  }

  /** How many nodes announced themselves within the liveness period, this one included, at its last heartbeat. */
  get liveNodes(): number {
    return this.nodes;
  }

  /** Announces this node as alive; call once before the first `acquire`. */
  async start(): Promise<void> {
    await this.beat();
  }

  async hit(rule: RateRule, key: string): Promise<RateDecision> {
    try {
      const result = await this.limiterFor(rule).consume(key);
      return { allowed: true, remaining: result.remainingPoints, resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    }
  }

  async acquire(counter: string, key: string, max: number): Promise<boolean> {
    const run = (this.redis as unknown as Commands).deskwireAcquire;
    return (await run.call(this.redis, slotKey(counter, key), this.nodeId, max, `${PREFIX}node:`)) === 1;
  }

  async release(counter: string, key: string): Promise<void> {
    const run = (this.redis as unknown as Commands).deskwireRelease;
    await run.call(this.redis, slotKey(counter, key), this.nodeId);
  }

  async held(counter: string, key: string): Promise<number> {
    const run = (this.redis as unknown as Commands).deskwireHeld;
    return Number(await run.call(this.redis, slotKey(counter, key), `${PREFIX}node:`));
  }

  /**
   * Announces this node and writes its slot counts as given (absolute, so writing them twice is harmless): after
   * Redis lost its data in a restart, or after counts went on in memory while Redis was unreachable. Resolves with
   * how long ago this Redis's counts began (0 when this call found it empty): until every live node has rejoined,
   * within its liveness period, counts read from it may miss theirs.
   */
  async rejoin(slots: Iterable<HeldSlot>): Promise<{ epochAgeMs: number }> {
    const pipeline = this.redis.pipeline() as unknown as PipelineCommands & ReturnType<Redis['pipeline']>;
    pipeline.deskwireEpochAge(EPOCH);
    pipeline.deskwireBeat(`${PREFIX}node:${this.nodeId}`, NODES, this.nodeId, this.livenessMs);
    for (const { counter, key, count } of slots) {
      if (count > 0) pipeline.hset(slotKey(counter, key), this.nodeId, count);
      else pipeline.hdel(slotKey(counter, key), this.nodeId);
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error !== null);
    if (failed) throw failed[0];
    this.nodes = Number(results[1]?.[1] ?? this.nodes);
    return { epochAgeMs: Number(results[0]?.[1] ?? 0) };
  }

  /** A graceful stop: this node's slots stop counting at once instead of after the liveness period. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.redis.multi().del(`${PREFIX}node:${this.nodeId}`).zrem(NODES, this.nodeId).exec();
  }

  /** Stops announcing this node without cleaning up, as a crash would (for tests of the release bound). */
  abandon(): void {
    clearInterval(this.heartbeat);
  }

  private async beat(): Promise<void> {
    const run = (this.redis as unknown as Commands).deskwireBeat;
    this.nodes = Number(await run.call(this.redis, `${PREFIX}node:${this.nodeId}`, NODES, this.nodeId, this.livenessMs));
  }

  private limiterFor(rule: RateRule): RateLimiterRedis {
    const id = `${rule.name}/${rule.points}/${rule.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (limiter === undefined) {
      limiter = new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${PREFIX}rate:${id}`, points: rule.points, duration: rule.windowSeconds });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

type Commands = {
  deskwireAcquire: (key: string, nodeId: string, max: number, livenessPrefix: string) => Promise<number>;
  deskwireRelease: (key: string, nodeId: string) => Promise<number>;
  deskwireHeld: (key: string, livenessPrefix: string) => Promise<number>;
  deskwireBeat: (nodeKey: string, nodesKey: string, nodeId: string, livenessMs: number) => Promise<number>;
};

type PipelineCommands = {
  deskwireBeat: (nodeKey: string, nodesKey: string, nodeId: string, livenessMs: number) => unknown;
  deskwireEpochAge: (epochKey: string) => unknown;
};

function slotKey(counter: string, key: string): string {
  return `${PREFIX}slots:${counter}:${key}`;
}
