/**
 * One topic the client holds: its subscriptions and its resume position (last `seq` and `epoch`). Turns `publish`
 * payloads into snapshots and live events, dropping anything at or below the last `seq` seen, so a replay after a
 * reconnect never hands an event to a handler twice.
 */
import type { ClientFrame, PublishPayload } from '../protocol/frames.js';
import type { DeskwireClientError } from './client-error.js';
import type { Subscription } from './subscription.js';
import type { EventMeta } from './topic-events.js';

/** Topics whose snapshot is an array (PROTOCOL §2); the others snapshot one object. */
const LIST_TOPIC = /\/(requests|messages|project_users|alerts)$|\/events\/[^/]+(\/[^/]+)?$/;

export class TopicState {
  readonly subscriptions = new Set<Subscription>();
  seq: number | undefined;
  epoch: string | undefined;
  /** What the next frames are after our `subscribe`: a snapshot (none held, or a new subscription needs one) or a replay. */
  private expecting: 'snapshot' | 'resume' = 'snapshot';

  constructor(readonly topic: string) {}

  /** The `subscribe` frame to (re)send: resume with `since` unless some subscription still needs its snapshot. */
  subscribeFrame(): ClientFrame {
    const needsSnapshot = this.seq === undefined || [...this.subscriptions].some((s) => !s.hasSnapshot);
    this.expecting = needsSnapshot ? 'snapshot' : 'resume';
    const payload: { topic: string; since?: number; epoch?: string } = { topic: this.topic };
    if (!needsSnapshot) {
      payload.since = this.seq!;
      if (this.epoch !== undefined) payload.epoch = this.epoch;
    }
    return { action: 'subscribe', payload };
  }

  onPublish(payload: PublishPayload): void {
    const meta: EventMeta = { topic: this.topic, seq: payload.seq, epoch: payload.epoch, snapshot: false, method: payload.method };
    const isList = LIST_TOPIC.test(this.topic);
    const snapshot =
      payload.reset === true ||
      (isList ? Array.isArray(payload.message) : this.expecting === 'snapshot' && payload.method === 'CREATE');
    if (snapshot) {
      this.expecting = 'resume';
      this.seq = payload.seq;
      this.epoch = payload.epoch ?? this.epoch;
      // `/P/bots/ID` snapshots null: there is nothing, not one item that is null.
      const items = Array.isArray(payload.message) ? payload.message : payload.message === null ? [] : [payload.message];
      for (const s of [...this.subscriptions]) s.snapshot(items, { ...meta, snapshot: true }, payload.reset === true);
      return;
    }
    // A replayed or repeated event the handlers already had: the heart of "nothing twice".
    if (payload.seq !== undefined && this.seq !== undefined && payload.seq <= this.seq) return;
    if (payload.seq !== undefined) this.seq = payload.seq;
    if (payload.epoch !== undefined) this.epoch = payload.epoch;
    for (const s of [...this.subscriptions]) s.live(payload.message, meta);
  }

  error(error: DeskwireClientError): void {
    for (const s of [...this.subscriptions]) s.error(error);
  }

  /** Ends every subscription of the topic (refused, or the client closed for good). */
  end(error: DeskwireClientError | null): void {
    for (const s of [...this.subscriptions]) s.end(error);
    this.subscriptions.clear();
  }
}
