import type { Bus, EventHandler } from './bus.js';
import type { ProjectEvent } from './event.js';

/** The single-process bus: handlers run synchronously, in publish order. */
export class MemoryBus implements Bus {
  private readonly handlers = new Set<EventHandler>();

  async publish(events: readonly ProjectEvent[]): Promise<void> {
    for (const event of events) for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** An in-process bus never loses its connection. */
  onReconnect(_listener: () => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
