/**
 * The tests' one deadline poll: checks a condition until it holds and fails after a deadline naming what was awaited,
 * instead of sleeping a guessed time. It returns as soon as the condition holds; the pause only paces the checks.
 */
export interface UntilOptions {
  /** Fail after this long. */
  timeoutMs?: number;
  /** Pause between checks; 0 lets the event loop turn once (for conditions that in-process work makes true). */
  everyMs?: number;
}

/** Polls `check` until it holds and returns how long that took; throws `<what>: not within <timeoutMs> ms` after
 * (`what` may be a function, to say the state at the time of failure). */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), options: UntilOptions = {}): Promise<number> {
  const { timeoutMs = 5000, everyMs = 10 } = options;
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${typeof what === 'function' ? what() : what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => (everyMs === 0 ? setImmediate(resolve) : setTimeout(resolve, everyMs)));
  }
  return Date.now() - started;
}

/** For checks that each ask a server over HTTP: a walking pace, with room for a cluster to settle. */
export const overHttp: UntilOptions = { timeoutMs: 10_000, everyMs: 100 };
