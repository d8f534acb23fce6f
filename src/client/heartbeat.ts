/**
 * The client's liveness check: a ping every interval, and if nothing at all arrives within the pong timeout the
 * connection is declared dead (a dropped network may never deliver a close, so the SDK cannot wait for one).
 */
export class Heartbeat {
  private interval: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly pongTimeoutMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.interval = setInterval(() => {
      this.ping();
      this.deadline ??= setTimeout(() => {
        this.stop();
        this.dead();
      }, this.pongTimeoutMs);
    }, this.intervalMs);
  }

  /** Anything from the server proves the connection alive. */
  heard(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.interval);
    this.heard();
  }
}
