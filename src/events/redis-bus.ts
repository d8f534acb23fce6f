import type { Redis } from 'ioredis';
import type { Bus, EventHandler } from './bus.js';
import type { ProjectEvent } from './event.js';

const CHANNEL_PREFIX = 'deskwire:events:';

/**
 * The cluster bus: every node publishes its committed events to Redis and receives every node's events. One
 * channel per project keeps a project's events in publish order per publisher; events of one project published by
 * two nodes may interleave, which the hub repairs by seq (gaps are read from the outbox).
 *
 * The adapter is given its two clients (a subscribed Redis connection can do nothing else) and never opens one.
 */
export class RedisBus implements Bus {
  private readonly handlers = new Set<EventHandler>();
  private subscribed: Promise<unknown> | null = null;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly onBadMessage: (error: unknown) => void = () => {},
  ) {
    this.subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => this.deliver(message));
  }

  /** Resolves once Redis confirms the subscription, so nothing published after it is missed. */
  async ready(): Promise<void> {
    this.subscribed ??= this.subscriber.psubscribe(`${CHANNEL_PREFIX}*`);
    await this.subscribed;
  }

  async publish(events: readonly ProjectEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.publisher.pipeline();
    for (const event of events) pipeline.publish(CHANNEL_PREFIX + event.projectId, JSON.stringify(event));
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    if (this.subscribed) await this.subscriber.punsubscribe(`${CHANNEL_PREFIX}*`).catch(() => {});
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
