/** How long a busy node may hold items back at most, whatever its last batch took. */
export const MAX_HOLD_MS = 200;

export interface DispatchClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Milliseconds of CPU this process has used. */
  cpu(): number;
  /** Runs `fn` after `ms` milliseconds. */
  later(fn: () => void, ms: number): void;
}

const realClock: DispatchClock = {
  now: () => performance.now(),
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  later: (fn, ms) => void setTimeout(fn, ms),
};

/**
 * Hands arriving items to `dispatch` in batches: at once (in a microtask) while the node keeps up, and held back
 * while it is busy fanning out, so that they go out together.
 *
 * A fan-out costs mostly one socket write per subscriber per batch, whatever the batch holds, so the way to
 * deliver more under load is to write more per batch. After a batch that cost `d` ms of CPU, the next one starts
 * no sooner than `d` ms (at most `MAX_HOLD_MS`) after it ended: the work that produces events (a store on the
 * same thread, REST requests) gets at least as much time, and whatever it commits meanwhile leaves in one batch.
 * Without the hold, each commit would be fanned out on its own and the writes would starve behind the fan-outs.
 * CPU rather than wall time: on a shared machine a batch's wall time includes the time the process waited for a
 * core, and holding for that would only add latency. At a moderate rate batches are cheap and far apart, so
 * every item leaves in the microtask after it arrived.
 */
export class DispatchQueue<T> {
  private pending: T[] = [];
  private scheduled = false;
  private busyUntil = 0;
  private closed = false;

  constructor(
    private readonly dispatch: (batch: readonly T[]) => void,
    /** A throwing dispatch is reported here; the items after it are still dispatched. */
    private readonly onError: (error: unknown) => void,
    private readonly clock: DispatchClock = realClock,
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    const hold = this.busyUntil - this.clock.now();
    if (hold <= 0) queueMicrotask(this.drain);
    else this.clock.later(this.drain, hold);
  }

  close(): void {
    this.closed = true;
    this.pending = [];
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    if (this.closed) return;
    const batch = this.pending;
    this.pending = [];
    const cpuBefore = this.clock.cpu();
    try {
      this.dispatch(batch);
    } catch (error) {
      this.onError(error);
    }
    this.busyUntil = this.clock.now() + Math.min(this.clock.cpu() - cpuBefore, MAX_HOLD_MS);
  };
}
