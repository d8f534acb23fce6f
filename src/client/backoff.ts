/** Reconnect delays: capped exponential back-off with full jitter, so a fleet of clients does not reconnect in step. */
export interface BackoffOptions {
  /** The cap of the first delay, in ms. */
  initialMs: number;
  /** No delay is longer than this, in ms. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** A delay for retry number `attempt` (0 = the first): uniform in [0, min(max, initial·2^attempt)]. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
