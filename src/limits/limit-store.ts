/**
 * Where limit counters live. Transport-neutral (the Realtime handshake uses it now, REST rate limits will reuse it),
 * and behind an interface so a cluster can share counters in Redis: a limit must hold across nodes, not per process.
 */

/** A fixed-window rate: at most `points` hits per `windowSeconds` for one key. */
export interface RateRule {
  /** Names the counter family (also the config variable an operator changes), e.g. `WS_CONN_RATE_IP_PER_MINUTE`. */
  readonly name: string;
  readonly points: number;
  readonly windowSeconds: number;
}

/** `remaining` and `resetSeconds` describe the window after this hit (for `RateLimit-*` response headers). */
export type RateDecision =
  | { allowed: true; remaining?: number; resetSeconds?: number }
  | { allowed: false; retryAfterSeconds: number };

export interface LimitStore {
  /** Counts one hit for `key` under `rule`; refused once the window's points are spent. */
  hit(rule: RateRule, key: string): Promise<RateDecision>;
  /** Takes one of at most `max` concurrent slots of `counter` for `key`; false (and nothing taken) when all are held. */
  acquire(counter: string, key: string, max: number): Promise<boolean>;
  /** Gives back a slot taken with `acquire`. */
  release(counter: string, key: string): Promise<void>;
  /** How many slots of `counter` are held for `key` right now, on every node. */
  held(counter: string, key: string): Promise<number>;
  /**
   * False while `held` may miss other nodes' slots: the shared store is unreachable, or came back and the other
   * nodes may not have written their counts back yet. A decision that needs every node's count (turning a user
   * offline) waits while it is false. Absent: counts are always complete (one process).
   */
  countsComplete?(): boolean;
}
