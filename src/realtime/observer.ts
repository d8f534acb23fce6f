/**
 * What the Realtime gateway reports as it works, for monitoring (Prometheus in the app). Called on hot paths: an
 * implementation must be cheap (counter increments, histogram observations), never blocking.
 */
export interface RealtimeObserver {
  handshakeRefused(code: string): void;
  connectionClosed(code: number): void;
  frameIn(bytes: number): void;
  frameOut(bytes: number): void;
  /** One event dispatched to its subscribers: commit-to-send lag and how many frames it produced. */
  eventDispatched(lagMs: number, deliveries: number): void;
  /** An event arrived from the bus `lagMs` after its commit. */
  busReceived(lagMs: number): void;
  /** Events read from the outbox to fill a gap in a project's stream. */
  gapFilled(events: number): void;
}

export const noObserver: RealtimeObserver = {
  handshakeRefused() {},
  connectionClosed() {},
  frameIn() {},
  frameOut() {},
  eventDispatched() {},
  busReceived() {},
  gapFilled() {},
};
