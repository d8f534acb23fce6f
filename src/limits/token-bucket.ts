/**
 * A token bucket for one connection's inbound frames: `ratePerSecond` refill, `burst` capacity. Kept in the
 * connection and synchronous on purpose: it runs on every frame, and a connection lives on one node, so a shared
 * store (and a promise per frame) would buy nothing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until one token is back (at least 1: the wire carries seconds). */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerSecond));
  }
}
