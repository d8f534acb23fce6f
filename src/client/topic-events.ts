/** What a subscription hands to its handlers and its async iterator. */
import type { PublishMethod } from '../protocol/frames.js';
import type { DeskwireClientError } from './client-error.js';

export interface EventMeta {
  topic: string;
  /** The project's event number (a snapshot: the number it is consistent with). */
  seq: number | undefined;
  epoch: string | undefined;
  /** True for the items of a snapshot handed to `onCreate` one by one. */
  snapshot: boolean;
  method: PublishMethod;
}

// Items are whatever the server sends for the topic (requests, messages, project users): the SDK does not
// re-declare the server's entity shapes, so the caller names T.
export interface TopicHandlers<T = any> {
  /** Every snapshot: the first one, and each one that replaces what was held (then `onReset` follows too). */
  onSnapshot?(items: T[], meta: EventMeta): void;
  /** A new item; also each item of the first snapshot, as Tiledesk clients expect (`meta.snapshot` is true). */
  onCreate?(item: T, meta: EventMeta): void;
  onUpdate?(item: T, meta: EventMeta): void;
  /** The item left the topic or is no longer visible: only its ids are given. */
  onDelete?(item: T, meta: EventMeta): void;
  /** A fresh snapshot replaced everything held before (history reset, or a gap too old to replay). */
  onReset?(items: T[], meta: EventMeta): void;
  /** A failure on this topic. When `error.retryable` is false the subscription has ended. */
  onError?(error: DeskwireClientError): void;
}

export type TopicEvent<T = any> =
  | { type: 'snapshot'; items: T[]; meta: EventMeta }
  | { type: 'reset'; items: T[]; meta: EventMeta }
  | { type: 'create' | 'update' | 'delete'; item: T; meta: EventMeta }
  | { type: 'error'; error: DeskwireClientError };
