import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitStore, RateDecision, RateRule } from './limit-store.js';

/** The single-process limit store (the default): rate windows from `rate-limiter-flexible`, slot counts in a map. */
export class MemoryLimitStore implements LimitStore {
  private readonly limiters = new Map<string, RateLimiterMemory>();
  private readonly slots = new Map<string, number>();

  async hit(rule: RateRule, key: string): Promise<RateDecision> {
    const limiter = this.limiterFor(rule);
    try {
      const result = await limiter.consume(key);
      return { allowed: true, remaining: result.remainingPoints, resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    } catch (result) {
      if (!(result instanceof RateLimiterRes)) throw result;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    }
  }

  async acquire(counter: string, key: string, max: number): Promise<boolean> {
    const slot = `${counter}\u0000${key}`;
    const held = this.slots.get(slot) ?? 0;
    if (held >= max) return false;
    this.slots.set(slot, held + 1);
    return true;
  }

  async release(counter: string, key: string): Promise<void> {
    const slot = `${counter}\u0000${key}`;
    const held = (this.slots.get(slot) ?? 0) - 1;
    // Empty counters are dropped so the map holds only keys with open connections.
    if (held <= 0) this.slots.delete(slot);
    else this.slots.set(slot, held);
  }

  async held(counter: string, key: string): Promise<number> {
    return this.slots.get(`${counter}\u0000${key}`) ?? 0;
  }

  private limiterFor(rule: RateRule): RateLimiterMemory {
    const id = `${rule.name}/${rule.points}/${rule.windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (limiter === undefined) {
      limiter = new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: rule.windowSeconds });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
