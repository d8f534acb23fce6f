import type { Config } from '../config.js';
import { DeskwireError } from '../domain/errors.js';
import { parseTopic, TOPIC_MAX_BYTES } from '../domain/topics.js';
import type { Viewer } from '../domain/visibility.js';
import type { ProjectEvent } from '../events/event.js';
import type { Db } from '../store/db.js';
import { readEventRange } from '../store/events.js';
import { EventFrames } from './event-frames.js';
import type { Hub } from './hub.js';
import type { ProjectChannel } from './project-channel.js';
import type { Loaded } from './snapshot.js';
import { snapshotBatcherFor, type SnapshotLoader } from './snapshot-batcher.js';
import { snapshotFrameCacheFor, snapshotViewKey } from './snapshot-frame-cache.js';
import { snapshotFrame } from './snapshot-frames.js';
import { Member, Subscription, type Subscriber } from './subscription.js';
import { allowed, shapeSnapshot, touches } from './topic-rules.js';

/** What a connection's subscriptions need from the connection. */
export interface Connection {
  readonly userId: string;
  readonly isOpen: boolean;
  /** The client declared it handles DELETE (PROTOCOL §9). */
  readonly understandsDelete: boolean;
  send(frame: Buffer | string): void;
  sendError(error: DeskwireError, topic?: string): void;
  /** Anything not from the error catalogue, logged once, as INTERNAL. */
  asKnown(error: unknown): DeskwireError;
}

export interface SubscriptionDeps {
  config: Config;
  db: Db;
  hub: Hub;
  /** Reads snapshots; by default the store's batcher, shared by every connection using that store. */
  snapshots?: SnapshotLoader;
}

/**
 * The subscriptions of one connection, and its standing (viewer) in each project it follows. Set-ups run one at a
 * time: register in the hub, read the snapshot, flush what arrived meanwhile. The hub calls `send`,
 * `accessChanged` and `drop` synchronously while it dispatches an event.
 */
export class ConnectionSubscriptions implements Subscriber {
  private readonly subs = new Map<string, Subscription>();
  private readonly members = new Map<string, { member: Member; channel: ProjectChannel }>();
  private readonly queue: Subscription[] = [];
  private running = false;

  constructor(
    private readonly conn: Connection,
    private readonly deps: SubscriptionDeps,
  ) {}

  get understandsDelete(): boolean {
    return this.conn.understandsDelete;
  }

  /** Held, queued or loading. */
  get size(): number {
    return this.subs.size;
  }

  /** Adds this connection's subscriptions, by topic kind, to `into` (for monitoring; not on a hot path). */
  countKinds(into: Record<string, number>): void {
    for (const sub of this.subs.values()) into[sub.parsed.kind] = (into[sub.parsed.kind] ?? 0) + 1;
  }

  send(frame: Buffer): void {
    this.conn.send(frame);
  }

  accessChanged(member: Member): void {
    for (const sub of [...this.subs.values()]) {
      if (sub.state === 'live' && sub.projectId === member.projectId && !allowed(sub, member.viewer)) {
        this.drop(sub, new DeskwireError('SUBSCRIBE_FORBIDDEN', 'Your access to this topic changed; the subscription ended.'));
      }
    }
  }

  drop(sub: Subscription, error: DeskwireError): void {
    if (this.subs.get(sub.topic) !== sub) return;
    this.unsubscribe(sub.topic);
    this.conn.sendError(error, sub.topic);
  }

  resync(sub: Subscription, failed: ProjectEvent): void {
    if (this.subs.get(sub.topic) !== sub || sub.state !== 'live') return;
    // Still in the hub, so nothing after `failed` is missed: it is buffered while the replay is read.
    sub.state = 'loading';
    sub.since = failed.seq - 1;
    sub.epoch = failed.epoch;
    void this.load(sub);
  }

  subscribe(topic: string, since: number | undefined, epoch: string | undefined): void {
    const parsed = parseTopic(topic);
    if (parsed === null) return this.conn.sendError(new DeskwireError('TOPIC_INVALID'), topic.length <= TOPIC_MAX_BYTES ? topic : undefined);
    const existing = this.subs.get(topic);
    if (existing?.state === 'queued') {
      // Still waiting for its turn: it will send the snapshot anyway, with the latest resume point.
      existing.since = since;
      existing.epoch = epoch;
      return;
    }
    const max = this.deps.config.wsSubscriptionsMax;
    if (existing === undefined && this.subs.size >= max) {
      return this.conn.sendError(new DeskwireError('SUBSCRIPTION_LIMIT', `At most ${max} subscriptions per connection.`), topic);
    }
    // Subscribing again re-sends the snapshot: the old subscription gives way to a fresh one.
    if (existing !== undefined) this.detach(existing);
    const sub = new Subscription(this, topic, parsed, since, epoch);
    this.subs.set(topic, sub);
    this.queue.push(sub);
    void this.runQueue();
  }

  unsubscribe(topic: string): void {
    const sub = this.subs.get(topic);
    if (sub === undefined) return;
    this.subs.delete(topic);
    this.detach(sub);
  }

  /** The connection is ending: the hub forgets all of it at once. */
  releaseAll(): void {
    for (const sub of this.subs.values()) this.detach(sub);
    this.subs.clear();
    this.queue.length = 0;
  }

  /** One set-up at a time per connection: a subscribe flood queues instead of opening transactions in parallel. */
  private async runQueue(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let sub = this.queue.shift(); sub !== undefined; sub = this.queue.shift()) {
        if (sub.state === 'queued' && this.conn.isOpen) await this.setUp(sub);
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * PROTOCOL §5: register first (events start buffering), then read the snapshot with its seq, then send it and
   * flush the buffer above that seq. Nothing can fall between the snapshot and the first live event.
   */
  private async setUp(sub: Subscription): Promise<void> {
    this.attach(sub);
    await this.load(sub);
  }

  /** Reads the snapshot (or the replay from `since`) of a subscription in the hub, and makes it live. */
  private async load(sub: Subscription): Promise<void> {
    try {
      const { config, db } = this.deps;
      const snapshots = this.deps.snapshots ?? snapshotBatcherFor(db);
      const loaded = await snapshots.load(sub.topic, sub.parsed, this.conn.userId, {
        since: sub.since,
        epoch: sub.epoch,
        requestsLimit: config.wsHistoryRequestsLimit,
        messagesLimit: config.wsHistoryMessagesLimit,
      });
      if (sub.state !== 'loading') return;
      sub.member!.update(loaded.viewer, loaded.seq);
      this.members.get(sub.projectId)!.channel.establish(loaded.seq);
      // Events the buffer cannot hold (they passed the hub before it followed from this far back) come from the outbox.
      let gap: ProjectEvent[] = [];
      if (sub.coveredFrom !== null && sub.coveredFrom > loaded.seq) {
        gap = (await readEventRange(db, sub.projectId, loaded.seq, sub.coveredFrom)).filter((e) => touches(e, sub.topic));
        if (sub.state !== 'loading') return;
      }
      this.goLive(sub, loaded, gap);
    } catch (error) {
      if (this.subs.get(sub.topic) !== sub) return;
      this.unsubscribe(sub.topic);
      this.conn.sendError(this.conn.asKnown(error), sub.topic);
    }
  }

  private goLive(sub: Subscription, loaded: Loaded, gap: readonly ProjectEvent[]): void {
    sub.scope = loaded.scope;
    sub.targetUserId = loaded.targetUserId;
    sub.contact = loaded.contact;
    const viewer = sub.member!.viewer;
    if (viewer === null || !allowed(sub, viewer)) throw new DeskwireError('SUBSCRIBE_FORBIDDEN');
    if (loaded.kind === 'snapshot') {
      const message = shapeSnapshot(sub, viewer, loaded.message);
      this.conn.send(this.snapshotFrameOf(sub, viewer, message, loaded));
      sub.lastSeq = loaded.seq;
    } else {
      sub.lastSeq = sub.since!;
      for (const e of loaded.events) sub.deliver(e, new EventFrames(e));
      sub.lastSeq = Math.max(sub.lastSeq, loaded.seq);
    }
    for (const e of gap) sub.deliver(e, new EventFrames(e));
    for (const e of sub.buffer) sub.deliver(e, new EventFrames(e));
    sub.buffer = [];
    sub.state = 'live';
  }

  /** The encoded snapshot, shared with every subscriber of the same view at the same seq (snapshot-frame-cache.ts). */
  private snapshotFrameOf(sub: Subscription, viewer: Viewer, message: unknown, loaded: Loaded & { kind: 'snapshot' }): Buffer {
    const encode = () => snapshotFrame(sub.topic, message, loaded.seq, loaded.epoch, loaded.reset);
    const view = snapshotViewKey(sub.parsed.kind, viewer);
    if (view === null) return encode();
    const { wsHistoryRequestsLimit, wsHistoryMessagesLimit } = this.deps.config;
    const key = `${view}\n${sub.topic}\n${loaded.reset}\n${wsHistoryRequestsLimit}|${wsHistoryMessagesLimit}`;
    return snapshotFrameCacheFor(this.deps.db).frame(sub.projectId, loaded.seq, loaded.epoch, key, encode);
  }

  private attach(sub: Subscription): void {
    let entry = this.members.get(sub.projectId);
    if (entry === undefined) {
      const channel = this.deps.hub.channel(sub.projectId);
      entry = { member: new Member(this, sub.projectId, this.conn.userId), channel };
      channel.addMember(entry.member);
      this.members.set(sub.projectId, entry);
    }
    entry.member.subscriptions += 1;
    sub.member = entry.member;
    sub.state = 'loading';
    entry.channel.addSubscription(sub);
  }

  private detach(sub: Subscription): void {
    const wasAttached = sub.state === 'loading' || sub.state === 'live';
    sub.state = 'closed';
    sub.buffer = [];
    if (!wasAttached) return;
    const entry = this.members.get(sub.projectId)!;
    entry.channel.removeSubscription(sub);
    entry.member.subscriptions -= 1;
    if (entry.member.subscriptions === 0) {
      entry.channel.removeMember(entry.member);
      this.members.delete(sub.projectId);
    }
  }
}
