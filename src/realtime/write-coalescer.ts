/** A connection's outbound stream, as the coalescer holds and releases it. */
export interface Corkable {
  /** The batch this stream is held in (0: none); owned by the coalescer. */
  heldIn: number;
  cork(): void;
  uncork(): void;
}

/**
 * Makes the frames one dispatch writes to a connection leave in one system call. The kernel's cost of a socket
 * write (~7–8 µs here) hardly depends on its size, so writing each event to each subscriber separately caps a
 * node near 100,000 deliveries/s; coalesced, the same core carries several times that (docs/benchmarks.md).
 *
 * While a batch runs, the first frame for a connection corks its socket; when the batch ends, every socket it
 * corked is uncorked and its frames leave together (one `writev`). Outside a batch, frames are written at once.
 * The batch is bounded by the dispatch itself, never by a timer or the event-loop turn, so coalescing adds no
 * wait: what one dispatch writes would all have been written before the next turn anyway.
 */
export class WriteCoalescer {
  private batch = 0;
  private depth = 0;
  private held: Corkable[] = [];

  /** Runs `dispatch` as one batch (a nested call joins the enclosing batch). */
  run(dispatch: () => void): void {
    if (this.depth++ === 0) this.batch = this.batch >= Number.MAX_SAFE_INTEGER ? 1 : this.batch + 1;
    try {
      dispatch();
    } finally {
      if (--this.depth === 0) this.release();
    }
  }

  /** Called before each write to `stream`: inside a batch, corks it on its first frame of the batch. */
  hold(stream: Corkable): void {
    if (this.depth === 0 || stream.heldIn === this.batch) return;
    stream.heldIn = this.batch;
    stream.cork();
    this.held.push(stream);
  }

  private release(): void {
    const held = this.held;
    this.held = [];
    for (const stream of held) {
      stream.heldIn = 0;
      stream.uncork();
    }
  }
}
