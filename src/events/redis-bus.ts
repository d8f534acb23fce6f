import type { RedisLink } from '../redis/redis-link.js';
import type { Bus, EventHandler } from './bus.js';
import type { ProjectEvent } from './event.js';

const CHANNEL_PREFIX = 'deskwire:events:';
const PATTERN = `${CHANNEL_PREFIX}*`;

/**
 * The cluster bus: every node publishes its committed events to Redis and receives every node's events. One
 * channel per project keeps a project's events in publish order per publisher; events of one project published by
 * two nodes may interleave, which the hub repairs by seq (gaps are read from the outbox).
 *
 * While Redis is unreachable a node hands its own events straight to its own subscribers; the other nodes read them
 * from the outbox (at their next gap check, and at once when the bus is back: `onReconnect`). The adapter is given
 * its link (two clients: a subscribed Redis connection can do nothing else) and never opens a connection.
 */
export class RedisBus implements Bus {
  private readonly handlers = new Set<EventHandler>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly onMessage = (_pattern: string, _channel: string, message: string) => this.deliver(message);

  constructor(
    private readonly link: RedisLink,
    private readonly onBadMessage: (error: unknown) => void = () => {},
  ) {
    link.subscriber.on('pmessage', this.onMessage);
    // Part of coming up, so that "up" means every event published from then on arrives here.
    link.onRestore(async () => {
      await link.subscriber.psubscribe(PATTERN);
    });
    link.onChange((state) => {
      if (state === 'up') for (const listener of [...this.reconnectListeners]) listener();
    });
  }

  async publish(events: readonly ProjectEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (this.link.state === 'up') {
      try {
        const pipeline = this.link.commands.pipeline();
        for (const event of events) pipeline.publish(CHANNEL_PREFIX + event.projectId, JSON.stringify(event));
        const results = await pipeline.exec();
        const failed = results?.find(([error]) => error !== null);
        if (!failed) return;
        throw failed[0];
      } catch (error) {
        this.link.failed(error);
      }
    }
    // Some of them may have gone out before the failure: the hub drops an event it already has (by seq).
    for (const event of events) for (const handler of this.handlers) handler(event);
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.reconnectListeners.clear();
    this.link.subscriber.off('pmessage', this.onMessage);
    if (this.link.state === 'up') await this.link.subscriber.punsubscribe(PATTERN).catch(() => {});
  }

  private deliver(message: string): void {
    let event: ProjectEvent;
    try {
      event = JSON.parse(message) as ProjectEvent;
    } catch (error) {
      this.onBadMessage(error);
      return;
    }
    for (const handler of this.handlers) handler(event);
  }
}
