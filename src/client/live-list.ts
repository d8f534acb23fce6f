/**
 * An ordered, up-to-date collection of one topic's items, kept from the snapshot plus CREATE/UPDATE/DELETE and
 * replaced on a reset: the thing every dashboard otherwise writes by hand.
 *
 * On `/P/requests` an UPDATE to status 1000 (closed) removes the request, as Tiledesk clients do: the topic lists
 * open requests, and the server announces a close as an UPDATE rather than a DELETE. On a messages topic a DELETE
 * means the request itself became invisible, so the list empties.
 */
import type { DeskwireClientError } from './client-error.js';
import { callSafely } from './report-error.js';
import type { Subscription } from './subscription.js';
import type { EventMeta, TopicHandlers } from './topic-events.js';

export interface LiveListChange<T> {
  type: 'snapshot' | 'reset' | 'create' | 'update' | 'delete';
  /** The item concerned (for delete: what the server sent, often only its ids). */
  item?: T;
  meta: EventMeta;
}

export interface LiveListOptions<T> {
  /** An item's identity (default `_id`, else `id`). */
  key?: (item: T) => string;
  /** Order of `items()`; default: the topic's natural order (see `defaultSort`). */
  sort?: ((a: T, b: T) => number) | null;
  /** Called after every change, with the new items. */
  onChange?: (items: T[], change: LiveListChange<T>) => void;
  onError?: (error: DeskwireClientError) => void;
}

const REQUESTS_TOPIC = /^\/[^/]+\/requests$/;
const MESSAGES_TOPIC = /^\/[^/]+\/requests\/[^/]+\/messages$/;
const EVENTS_TOPIC = /^\/[^/]+\/events\/[^/]+(\/[^/]+)?$/;
const CLOSED = 1000;

type Record_ = Record<string, unknown>;
const field = (item: unknown, name: string): unknown => (typeof item === 'object' && item !== null ? (item as Record_)[name] : undefined);
const time = (item: unknown, name: string): number => {
  const value = field(item, name);
  return typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() || 0 : 0;
};

/**
 * The order the server's snapshot uses: requests newest `updatedAt` first, messages oldest first, a contact's
 * events newest first, others as they came.
 */
export function defaultSort(topic: string): ((a: unknown, b: unknown) => number) | null {
  if (REQUESTS_TOPIC.test(topic)) return (a, b) => time(b, 'updatedAt') - time(a, 'updatedAt');
  if (MESSAGES_TOPIC.test(topic)) return (a, b) => time(a, 'createdAt') - time(b, 'createdAt');
  if (EVENTS_TOPIC.test(topic)) return (a, b) => time(b, 'createdAt') - time(a, 'createdAt');
  return null;
}

const defaultKey = (item: unknown): string => String(field(item, '_id') ?? field(item, 'id'));

export class LiveList<T = any> {
  private readonly byKey = new Map<string, T>();
  private readonly listeners = new Set<(items: T[], change: LiveListChange<T>) => void>();
  private readonly key: (item: T) => string;
  private readonly sort: ((a: T, b: T) => number) | null;
  private readonly subscription: Subscription<T>;
  private cache: T[] | null = null;
  private hadSnapshot = false;
  private readyResolve!: () => void;
  private readyReject!: (error: unknown) => void;
  /** Settles with the first snapshot (or the subscription's failure). */
  readonly ready: Promise<void>;

  constructor(
    readonly topic: string,
    options: LiveListOptions<T>,
    subscribe: (handlers: TopicHandlers<T>) => Subscription<T>,
  ) {
    this.key = options.key ?? defaultKey;
    this.sort = options.sort === undefined ? (defaultSort(topic) as ((a: T, b: T) => number) | null) : options.sort;
    if (options.onChange) this.listeners.add(options.onChange);
    this.ready = new Promise((resolve, reject) => ((this.readyResolve = resolve), (this.readyReject = reject)));
    this.ready.catch(() => {}); // a list nobody awaits must not raise an unhandled rejection
    const removesOnClose = REQUESTS_TOPIC.test(topic);
    const clearsOnDelete = MESSAGES_TOPIC.test(topic);
    this.subscription = subscribe({
      onSnapshot: (items, meta) => {
        this.byKey.clear();
        for (const item of items) this.byKey.set(this.key(item), item);
        this.changed({ type: this.hadSnapshot ? 'reset' : 'snapshot', meta });
        this.hadSnapshot = true;
        this.readyResolve();
      },
      onCreate: (item, meta) => {
        if (meta.snapshot) return; // already taken from onSnapshot
        this.byKey.set(this.key(item), item);
        this.changed({ type: 'create', item, meta });
      },
      onUpdate: (item, meta) => {
        if (removesOnClose && field(item, 'status') === CLOSED) this.byKey.delete(this.key(item));
        else this.byKey.set(this.key(item), item);
        this.changed({ type: 'update', item, meta });
      },
      onDelete: (item, meta) => {
        if (clearsOnDelete) this.byKey.clear();
        else this.byKey.delete(this.key(item));
        this.changed({ type: 'delete', item, meta });
      },
      onError: (error) => {
        if (!error.retryable) this.readyReject(error);
        options.onError?.(error);
      },
    });
  }

  /** The current items, in order. The same array is returned until the next change. */
  items(): T[] {
    if (this.cache) return this.cache;
    const list = [...this.byKey.values()];
    if (this.sort) list.sort(this.sort);
    return (this.cache = list);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  get size(): number {
    return this.byKey.size;
  }

  onChange(listener: (items: T[], change: LiveListChange<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.subscription.unsubscribe();
    this.listeners.clear();
  }

  private changed(change: LiveListChange<T>): void {
    this.cache = null;
    const items = this.items();
    for (const listener of [...this.listeners]) callSafely(() => listener(items, change));
  }
}
