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
 * Hands arriving items to `dispatch` in batches: at once while the node keeps up, together while it is busy.
 *
 * A fan-out costs mostly one socket write per subscriber per batch, whatever the batch holds, so the way to
 * deliver more under load is to write more per batch. After a batch that cost `d` ms of CPU, the node counts as
 * busy for the next `d` ms (at most `MAX_HOLD_MS`):
 * - idle: an item is dispatched in the microtask after it arrived, so a moderate rate pays no latency;
 * - busy after a batch of one: items wait for the end of the current event-loop turn (`setImmediate`) and go out
 *   with whatever else the turn committed;
 * - busy after a batch of several (items are piling up: the node is saturated): the next batch is held until the
 *   busy period ends. The work that produces items (a store on the same thread, REST requests) gets at least as
 *   much time as the fan-out, and what it commits meanwhile leaves in one batch. Without the hold each commit
 *   would be fanned out alone, and the writes would starve behind the fan-outs.
 * CPU rather than wall time: on a shared machine a batch's wall time includes waiting for a core.
 */
export class DispatchQueue<T> {
  private pending: T[] = [];
  private scheduled = false;
  private busyUntil = 0;
  private lastBatchSize = 0;
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
    else if (this.lastBatchSize < 2) setImmediate(this.drain);
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
    this.lastBatchSize = batch.length;
    const cpuBefore = this.clock.cpu();
    try {
      this.dispatch(batch);
    } catch (error) {
      this.onError(error);
    }
    this.busyUntil = this.clock.now() + Math.min(this.clock.cpu() - cpuBefore, MAX_HOLD_MS);
  };
}
