import { DeskwireError } from '../domain/errors.js';
import type { ProjectEvent } from '../events/event.js';
import type { Queryable } from '../store/db.js';
import { readEventRange } from '../store/events.js';
import { EventFrames } from './event-frames.js';
import type { Logger } from './logger.js';
import { noObserver, type RealtimeObserver } from './observer.js';
import { addToIndex, removeFromIndex } from './set-index.js';
import type { Member, Subscription } from './subscription.js';
import { eventUserId, topicKeys, viewerOfEvent } from './topic-rules.js';
import { WriteCoalescer } from './write-coalescer.js';

/** Waits before re-reading the outbox after a failed gap fill. */
const FILL_RETRY_DELAYS_MS = [100, 500, 2000];

/**
 * One project's slice of the hub: its topic index, its members by user, and its event stream made gap-free.
 * The bus delivers in publish order, which can differ from seq order (two writers publishing after commit) or
 * lose an event (a node dying between commit and publish): a gap is filled from the outbox before anything
 * newer is dispatched, and anything at or below `head` is a duplicate.
 */
export class ProjectChannel {
  /** Every event up to here has been dispatched (or came before this channel started following the project). */
  head: number | null = null;
  private readonly topics = new Map<string, Set<Subscription>>();
  private readonly members = new Map<string, Set<Member>>();
  /** Events that arrived while a gap was being filled. */
  private waiting: ProjectEvent[] = [];
  private filling = false;
  private closed = false;

  constructor(
    readonly projectId: string,
    private readonly db: Queryable,
    private readonly logger: Logger,
    private readonly onEmpty: (channel: ProjectChannel) => void,
    private readonly retryDelaysMs: readonly number[] = FILL_RETRY_DELAYS_MS,
    private readonly observer: RealtimeObserver = noObserver,
    private readonly writes: WriteCoalescer = new WriteCoalescer(),
  ) {}

  addSubscription(sub: Subscription): void {
    addToIndex(this.topics, sub.topic, sub);
    // From now on every dispatched event reaches the subscription: it is covered from the current head.
    sub.coveredFrom = this.head;
  }

  removeSubscription(sub: Subscription): void {
    removeFromIndex(this.topics, sub.topic, sub);
    this.releaseIfEmpty();
  }

  /** The subscriptions of one exact topic string (the metrics publisher writes to these directly). */
  subscribersOf(topic: string): ReadonlySet<Subscription> | undefined {
    return this.topics.get(topic);
  }

  addMember(member: Member): void {
    addToIndex(this.members, member.userId, member);
  }

  removeMember(member: Member): void {
    removeFromIndex(this.members, member.userId, member);
    this.releaseIfEmpty();
  }

  /** Fixes where the stream starts when nothing has been dispatched yet: at a snapshot's seq or before the first event. */
  establish(seq: number): void {
    if (this.head !== null) return;
    this.head = seq;
    for (const subs of this.topics.values()) for (const sub of subs) sub.coveredFrom ??= seq;
  }

  offer(e: ProjectEvent): void {
    if (this.closed) return;
    if (this.filling) this.waiting.push(e);
    else this.accept(e);
  }

  /**
   * The store says the project's history reaches `seq`. A bus that lost a project's last event leaves no later
   * event to reveal the gap, so the hub's periodic check tells the channel, which reads what it is missing.
   */
  catchUp(seq: number): void {
    if (this.closed || this.filling || this.head === null || seq <= this.head) return;
    void this.fill(seq, null);
  }

  close(): void {
    this.closed = true;
    this.waiting = [];
  }

  private accept(e: ProjectEvent): void {
    if (this.head === null) this.establish(e.seq - 1);
    const head = this.head!;
    if (e.seq <= head) return;
    if (e.seq > head + 1) {
      void this.fill(e.seq - 1, e);
      return;
    }
    this.head = e.seq;
    this.dispatch(e);
  }

  /** Reads and dispatches (head, to] from the outbox, then what waited meanwhile, starting with `trigger`. */
  private async fill(to: number, trigger: ProjectEvent | null): Promise<void> {
    this.filling = true;
    const from = this.head!;
    const missing = await this.readRange(from, to);
    if (this.closed) return;
    if (missing && missing.length > 0) this.observer.gapFilled(missing.length);
    // The events read in one go leave as one batch, like a batch from the bus.
    this.writes.run(() => {
      for (const e of missing ?? []) {
        if (e.seq !== this.head! + 1) continue;
        this.head = e.seq;
        this.dispatch(e);
      }
    });
    if (this.head! < to) {
      this.logger.error({ projectId: this.projectId, from, to, got: this.head }, 'realtime: could not fill a gap in the event stream');
      this.dropAll(new DeskwireError('STORE_UNAVAILABLE', 'Events of this project could not be read; subscribe again with since.'));
      this.head = to;
    }
    this.filling = false;
    const queued = trigger ? [trigger, ...this.waiting] : this.waiting;
    this.waiting = [];
    this.writes.run(() => {
      for (const e of queued) this.offer(e);
    });
  }

  private async readRange(from: number, to: number): Promise<ProjectEvent[] | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await readEventRange(this.db, this.projectId, from, to);
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined || this.closed) {
          this.logger.error({ projectId: this.projectId, err: String(error) }, 'realtime: reading the outbox failed');
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private dispatch(e: ProjectEvent): void {
    try {
      if (e.kind === 'project_user') {
        // The viewer changes before the event is routed, so a demoted member does not receive it.
        const members = this.members.get(eventUserId(e) ?? '');
        if (members !== undefined) {
          const viewer = viewerOfEvent(e);
          for (const member of members) member.update(viewer, e.seq);
        }
      }
      const frames = new EventFrames(e);
      let deliveries = 0;
      let failed: Subscription[] | null = null;
      let failure: unknown = null;
      for (const key of topicKeys(e)) {
        const subs = this.topics.get(key);
        if (subs === undefined) continue;
        for (const sub of subs) {
          // One subscriber's failure must not cost the others this event, nor the project its later events.
          try {
            if (sub.receive(e, frames)) deliveries++;
          } catch (error) {
            (failed ??= []).push(sub);
            failure ??= error;
          }
        }
      }
      if (failed !== null) this.relevel(e, failed, failure);
      this.observer.eventDispatched(Date.now() - Date.parse(e.createdAt), deliveries);
    } catch (error) {
      this.logger.error({ projectId: this.projectId, seq: e.seq, err: String(error) }, 'realtime: dispatching an event failed');
    }
  }

  /**
   * An event some subscribers could not be sent (an older node's event nested too deep to encode, say): logged once
   * with its seq, and each of those subscriptions reads its stream again from the outbox — where stored JSON is
   * served capped — from just before the event. Nobody is silently left behind, and dispatch goes on.
   */
  private relevel(e: ProjectEvent, subs: readonly Subscription[], error: unknown): void {
    this.logger.error(
      { projectId: this.projectId, seq: e.seq, subscriptions: subs.length, err: String(error) },
      'realtime: an event could not be sent as it came; its subscribers are brought level from the outbox',
    );
    for (const sub of subs) sub.subscriber.resync(sub, e);
  }

  private dropAll(error: DeskwireError): void {
    for (const subs of [...this.topics.values()]) for (const sub of [...subs]) sub.subscriber.drop(sub, error);
  }

  private releaseIfEmpty(): void {
    if (this.topics.size === 0 && this.members.size === 0 && !this.closed) {
      this.close();
      this.onEmpty(this);
    }
  }
}
