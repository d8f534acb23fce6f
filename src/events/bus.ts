import type { ProjectEvent } from './event.js';

export type EventHandler = (event: ProjectEvent) => void;

/**
 * Carries committed events to every node's hub. Delivery per project is in publish order; a node that misses
 * events (crash between commit and publish, a Redis outage) notices the gap in `seq` and reads the outbox.
 */
export interface Bus {
  publish(events: readonly ProjectEvent[]): Promise<void>;
  /** Every event of every project, until the returned function is called. */
  subscribe(handler: EventHandler): () => void;
  /**
   * Called when the bus is back after a time in which it could not carry other nodes' events (a Redis outage):
   * whatever they published meanwhile never arrives, so subscribers compare with the outbox at once. Returns the
   * unsubscribe function.
   */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}
