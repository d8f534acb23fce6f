/**
 * One `subscribe()` call: its handlers, its end, and the async-iterator form. Several subscriptions may share one
 * topic (and one server subscription); the client fans events out to them.
 */
import type { DeskwireClientError } from './client-error.js';
import { callSafely } from './report-error.js';
import type { EventMeta, TopicEvent, TopicHandlers } from './topic-events.js';

export class Subscription<T = any> implements AsyncIterable<TopicEvent<T>> {
  /** Set once the first snapshot reached this subscription; live events before it are not for it. */
  hasSnapshot = false;
  private ended = false;
  private queue: TopicEvent<T>[] | null = null;
  private failure: DeskwireClientError | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly topic: string,
    private readonly handlers: TopicHandlers<T>,
    private readonly release: (subscription: Subscription<T>) => void,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  unsubscribe(): void {
    if (this.ended) return;
    this.end(null);
    this.release(this);
  }

  /** Called by the client: the topic is gone (a refused subscription, a terminal close). */
  end(error: DeskwireClientError | null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.wake?.();
  }

  snapshot(items: T[], meta: EventMeta, asReset: boolean): void {
    if (this.ended) return;
    const first = !this.hasSnapshot;
    this.hasSnapshot = true;
    callSafely(() => this.handlers.onSnapshot?.(items, meta));
    if (asReset || !first) {
      callSafely(() => this.handlers.onReset?.(items, meta));
      this.push({ type: 'reset', items, meta });
    } else {
      for (const item of items) callSafely(() => this.handlers.onCreate?.(item, { ...meta, snapshot: true }));
      this.push({ type: 'snapshot', items, meta });
    }
  }

  live(item: T, meta: EventMeta): void {
    if (this.ended || !this.hasSnapshot) return;
    const h = this.handlers;
    callSafely(() => (meta.method === 'CREATE' ? h.onCreate?.(item, meta) : meta.method === 'UPDATE' ? h.onUpdate?.(item, meta) : h.onDelete?.(item, meta)));
    this.push({ type: meta.method === 'CREATE' ? 'create' : meta.method === 'UPDATE' ? 'update' : 'delete', item, meta });
  }

  error(error: DeskwireClientError): void {
    if (this.ended) return;
    callSafely(() => this.handlers.onError?.(error));
    this.push({ type: 'error', error });
  }

  [Symbol.asyncIterator](): AsyncIterator<TopicEvent<T>> {
    // The queue exists only once someone iterates, so handler-only subscriptions buffer nothing.
    this.queue ??= [];
    const queue = this.queue;
    return {
      next: async (): Promise<IteratorResult<TopicEvent<T>>> => {
        while (queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        const value = queue.shift();
        if (value !== undefined) return { value, done: false };
        if (this.failure) throw this.failure;
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<TopicEvent<T>>> => {
        this.unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }

  private push(event: TopicEvent<T>): void {
    if (!this.queue) return;
    this.queue.push(event);
    this.wake?.();
  }
}
