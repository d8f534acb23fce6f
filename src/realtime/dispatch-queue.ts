/**
 * Hands arriving items to `dispatch` in batches: at once (in a microtask) while the node keeps up, coalesced
 * per event-loop turn while it is busy fanning out.
 *
 * A fan-out costs mostly one socket write per subscriber per batch, whatever the batch holds, so under load the
 * way to deliver more is to write more per batch. After a batch that took `d` ms, the node counts as busy for
 * the next `d` ms: items arriving then wait for the end of the current event-loop turn (`setImmediate`) and go
 * out together with everything else that arrived in it. At a moderate rate every batch is short and every item
 * leaves in the microtask after it arrived, so coalescing costs no latency where there is no load to absorb.
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
    /** Milliseconds on a monotonic clock (injectable for tests). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.now() >= this.busyUntil) queueMicrotask(this.drain);
    else setImmediate(this.drain);
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
    const started = this.now();
    try {
      this.dispatch(batch);
    } catch (error) {
      this.onError(error);
    }
    const ended = this.now();
    this.busyUntil = ended + (ended - started);
  };
}
