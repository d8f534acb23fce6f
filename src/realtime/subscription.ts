import type { ContactScope } from '../domain/contact-visibility.js';
import type { DeskwireError } from '../domain/errors.js';
import type { Topic } from '../domain/topics.js';
import type { RequestScope, Viewer } from '../domain/visibility.js';
import type { ProjectEvent } from '../events/event.js';
import type { EventFrames } from './event-frames.js';
import { decide, forClient, sameViewer, type RuleTarget } from './topic-rules.js';

/** What the hub needs from a connection. */
export interface Subscriber {
  /** The client handles DELETE; otherwise a request leaving its sight reaches it as Tiledesk's removal (§9). */
  readonly understandsDelete: boolean;
  send(frame: Buffer): void;
  /** The viewer's role, departments or membership changed: re-check the connection's subscriptions of that project. */
  accessChanged(member: Member): void;
  /** The hub can no longer guarantee this subscription's stream: end it with `error` so the client resubscribes. */
  drop(sub: Subscription, error: DeskwireError): void;
  /**
   * The hub could not send `sub` the event `failed` (it could not be encoded as it came): read the stream again
   * from the outbox, from just before that event, as a resume does, holding back what arrives meanwhile.
   */
  resync(sub: Subscription, failed: ProjectEvent): void;
}

/** One connection's standing in one project, shared by its subscriptions there and kept current by events. */
export class Member {
  viewer: Viewer | null = null;
  /** The seq `viewer` is as of: only newer facts replace it. -1 until known. */
  viewerSeq = -1;
  subscriptions = 0;

  constructor(
    readonly subscriber: Subscriber,
    readonly projectId: string,
    readonly userId: string,
  ) {}

  /** Applies what a snapshot read or a project_user event at `seq` says about the viewer, when it is newer. */
  update(viewer: Viewer | null, seq: number): void {
    if (seq <= this.viewerSeq) return;
    const known = this.viewerSeq >= 0;
    const changed = !sameViewer(this.viewer, viewer);
    this.viewer = viewer;
    this.viewerSeq = seq;
    if (known && changed) this.subscriber.accessChanged(this);
  }
}

/**
 * queued: waiting for its turn to read (not in the hub yet) → loading: in the hub, buffering events while the
 * snapshot is read → live: events delivered as they come → closed.
 */
export type SubscriptionState = 'queued' | 'loading' | 'live' | 'closed';

export class Subscription implements RuleTarget {
  state: SubscriptionState = 'queued';
  /** The seq of the last event this subscription has seen (delivered or filtered out); older ones are duplicates. */
  lastSeq = 0;
  /** Events that arrived while loading. */
  buffer: ProjectEvent[] = [];
  /** Every event after this seq reaches the buffer; set by the channel when the subscription joins it. */
  coveredFrom: number | null = null;
  scope: RequestScope | null = null;
  targetUserId: string | null = null;
  contact: ContactScope | null = null;
  member: Member | null = null;

  constructor(
    readonly subscriber: Subscriber,
    /** Exactly the client's string, which `parseTopic` only accepts in canonical form. */
    readonly topic: string,
    readonly parsed: Topic,
    public since: number | undefined,
    public epoch: string | undefined,
  ) {}

  get projectId(): string {
    return this.parsed.projectId;
  }

  /** True when a frame was sent. */
  receive(e: ProjectEvent, frames: EventFrames): boolean {
    if (this.state === 'loading') this.buffer.push(e);
    else if (this.state === 'live') return this.deliver(e, frames);
    return false;
  }

  /** Sends what this subscriber may see of `e`, once: events at or below `lastSeq` were already handled. */
  deliver(e: ProjectEvent, frames: EventFrames): boolean {
    if (e.seq <= this.lastSeq) return false;
    this.lastSeq = e.seq;
    const d = forClient(this.parsed, decide(this, this.member?.viewer ?? null, e), this.subscriber.understandsDelete);
    if (d === null) return false;
    this.subscriber.send(frames.get(this.topic, d));
    return true;
  }
}
