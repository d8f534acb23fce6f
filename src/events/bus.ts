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
  close(): Promise<void>;
}
