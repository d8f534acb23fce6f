import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { Config } from '../config.js';
import { DeskwireError, errors } from '../domain/errors.js';
import { parseTopic, TOPIC_MAX_BYTES } from '../domain/topics.js';
import type { ProjectEvent } from '../events/event.js';
import { CloseCode } from '../protocol/close-codes.js';
import { decodeClientFrame, encodeServerFrame, errorPayload } from '../protocol/codec.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { stripTokenPrefix, type TokenService } from '../services/tokens.js';
import type { Db } from '../store/db.js';
import { readEventRange } from '../store/events.js';
import { findUserById } from '../store/users.js';
import { EventFrames } from './event-frames.js';
import type { Hub } from './hub.js';
import type { Logger } from './logger.js';
import type { ProjectChannel } from './project-channel.js';
import { SendQueue } from './send-queue.js';
import { loadTopic, type Loaded } from './snapshot.js';
import { Member, Subscription, type Subscriber } from './subscription.js';
import { allowed, shapeSnapshot, touches } from './topic-rules.js';

export interface SessionDeps {
  config: Config;
  db: Db;
  hub: Hub;
  tokens: TokenService;
  logger: Logger;
}

const PING = Buffer.from(encodeServerFrame({ action: 'heartbeat', payload: { message: { text: 'ping' } } }));
const PONG = Buffer.from(encodeServerFrame({ action: 'heartbeat', payload: { message: { text: 'pong' } } }));
/** Deepest nesting a client frame needs is 3 (`{payload:{message:{}}}`); anything far deeper is abuse. */
const MAX_FRAME_DEPTH = 16;
/** After its exp, a token keeps the connection this long: room for a `refresh` already on its way. */
const TOKEN_EXPIRY_GRACE_MS = 1000;
/** A closing connection that does not finish the close handshake in this time is cut. */
const CLOSE_TIMEOUT_MS = 5000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One WebSocket connection: open → closing → closed. It decodes frames, runs subscriptions one at a time
 * (register in the hub, read the snapshot, flush what arrived meanwhile) and holds the connection's viewer state
 * per project. Hub callbacks (`send`, `accessChanged`, `drop`) run synchronously inside event dispatch.
 */
export class Session implements Subscriber {
  readonly id = randomUUID();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly subs = new Map<string, Subscription>();
  private readonly members = new Map<string, { member: Member; channel: ProjectChannel }>();
  private readonly queue: Subscription[] = [];
  private running = false;
  private readonly out: SendQueue;
  /** Something (a frame or a protocol pong) arrived since the last heartbeat tick. */
  private heard = true;
  private silentTicks = 0;
  private expiresAt: number;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly userId: string,
    expiresAt: number,
    private readonly deps: SessionDeps,
    private readonly onClosed: (session: Session) => void,
  ) {
    this.expiresAt = expiresAt;
    this.out = new SendQueue(ws, deps.config.wsOutboundBufferMaxBytes, () =>
      this.closeWith(CloseCode.SLOW_CONSUMER, 'slow consumer: resume with since'),
    );
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.heard = true));
    ws.on('close', () => this.dispose());
    ws.on('error', (error) => deps.logger.debug({ connectionId: this.id, err: error.message }, 'realtime: socket error'));
    this.scheduleExpiry();
  }

  get subscriptionCount(): number {
    return this.subs.size;
  }

  // ── Subscriber (called by the hub) ──────────────────────────────────────────────────────────────────────────

  send(frame: Buffer | string): void {
    if (this.state === 'open') this.out.push(frame);
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
    this.sendError(error, sub.topic);
  }

  // ── Liveness and lifetime ───────────────────────────────────────────────────────────────────────────────────

  /** Called every heartbeat interval: ping, or cut a connection silent for two intervals in a row. */
  tick(): void {
    if (this.state !== 'open') return;
    this.silentTicks = this.heard ? 0 : this.silentTicks + 1;
    this.heard = false;
    if (this.silentTicks >= 2) {
      this.deps.logger.debug({ connectionId: this.id }, 'realtime: terminating a silent connection');
      this.ws.terminate();
      return;
    }
    this.send(PING);
    this.ws.ping();
  }

  /** Ends the connection with `code`; the hub forgets it at once, the socket follows. */
  closeWith(code: number, reason: string): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.releaseAll();
    this.ws.close(code, reason);
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  private dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.expiryTimer);
    clearTimeout(this.closeTimer);
    this.releaseAll();
    this.onClosed(this);
  }

  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    const delay = Math.min(Math.max(this.expiresAt * 1000 + TOKEN_EXPIRY_GRACE_MS - Date.now(), 0), MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => {
      if (Date.now() < this.expiresAt * 1000) return this.scheduleExpiry(); // a far expiry waits in several steps
      this.sendError(new DeskwireError('TOKEN_EXPIRED', 'The token expired; connect again with a new one.'));
      this.closeWith(CloseCode.TOKEN_EXPIRED, 'token expired');
    }, delay);
    this.expiryTimer.unref();
  }

  // ── Inbound frames ──────────────────────────────────────────────────────────────────────────────────────────

  private onMessage(data: RawData, isBinary: boolean): void {
    this.heard = true;
    if (this.state !== 'open') return;
    if (isBinary) return this.closeWith(CloseCode.POLICY_VIOLATION, 'binary frames are not accepted');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const frame = decodeClientFrame(text, { maxBytes: this.deps.config.wsInboundFrameMaxBytes, maxDepth: MAX_FRAME_DEPTH });
    if (frame instanceof DeskwireError) {
      if (frame.code === 'FRAME_TOO_LARGE') return this.closeWith(CloseCode.MESSAGE_TOO_BIG, 'frame too large');
      return this.sendError(frame, typeof frame.details.topic === 'string' ? frame.details.topic : undefined);
    }
    try {
      this.handle(frame);
    } catch (error) {
      this.sendError(this.asKnown(error));
    }
  }

  private handle(frame: ClientFrame): void {
    switch (frame.action) {
      case 'heartbeat':
        // Only a ping gets an answer: answering pongs would let two peers ping-pong forever.
        if (frame.payload.message.text === 'ping') this.send(PONG);
        return;
      case 'me':
        return this.sendFrame({ action: 'me', payload: { id: this.id, userId: this.userId } });
      case 'subscribe':
        return this.subscribe(frame.payload.topic, frame.payload.since, frame.payload.epoch);
      case 'unsubscribe':
        return this.unsubscribe(frame.payload.topic);
      case 'refresh':
        return void this.refresh(frame.payload.token);
      default: {
        const unhandled: never = frame;
        throw new Error(`unhandled action ${(unhandled as ClientFrame).action}`);
      }
    }
  }

  private subscribe(topic: string, since: number | undefined, epoch: string | undefined): void {
    const parsed = parseTopic(topic);
    if (parsed === null) return this.sendError(new DeskwireError('TOPIC_INVALID'), topic.length <= TOPIC_MAX_BYTES ? topic : undefined);
    const existing = this.subs.get(topic);
    if (existing?.state === 'queued') {
      // Still waiting for its turn: it will send the snapshot anyway, with the latest resume point.
      existing.since = since;
      existing.epoch = epoch;
      return;
    }
    if (existing === undefined && this.subs.size >= this.deps.config.wsSubscriptionsMax) {
      const max = this.deps.config.wsSubscriptionsMax;
      return this.sendError(new DeskwireError('SUBSCRIPTION_LIMIT', `At most ${max} subscriptions per connection.`), topic);
    }
    // Subscribing again re-sends the snapshot: the old subscription gives way to a fresh one.
    if (existing !== undefined) this.detach(existing);
    const sub = new Subscription(this, topic, parsed, since, epoch);
    this.subs.set(topic, sub);
    this.queue.push(sub);
    void this.runQueue();
  }

  private unsubscribe(topic: string): void {
    const sub = this.subs.get(topic);
    if (sub === undefined) return;
    this.subs.delete(topic);
    this.detach(sub);
  }

  private async refresh(token: string): Promise<void> {
    try {
      const claims = await this.deps.tokens.verify(stripTokenPrefix(token));
      if (claims.userId !== this.userId) throw new DeskwireError('TOKEN_INVALID', 'The new token names another user.');
      const user = await findUserById(this.deps.db, claims.userId);
      if (user === null || !user.active) {
        this.sendError(new DeskwireError('USER_DISABLED'));
        return this.closeWith(errors.USER_DISABLED.close, 'user disabled');
      }
      this.expiresAt = claims.expiresAt;
      if (this.state !== 'open') return;
      this.scheduleExpiry();
      this.sendFrame({ action: 'refresh', payload: { expires_at: claims.expiresAt } });
    } catch (error) {
      this.sendError(this.asKnown(error));
    }
  }

  // ── Subscription set-up ─────────────────────────────────────────────────────────────────────────────────────

  /** One set-up at a time per connection: a subscribe flood queues instead of opening transactions in parallel. */
  private async runQueue(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let sub = this.queue.shift(); sub !== undefined; sub = this.queue.shift()) {
        if (sub.state === 'queued' && this.state === 'open') await this.setUp(sub);
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
    try {
      const { config, db } = this.deps;
      const loaded = await loadTopic(db, sub.topic, sub.parsed, this.userId, {
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
      this.sendError(this.asKnown(error), sub.topic);
    }
  }

  private goLive(sub: Subscription, loaded: Loaded, gap: readonly ProjectEvent[]): void {
    sub.scope = loaded.scope;
    sub.targetUserId = loaded.targetUserId;
    const viewer = sub.member!.viewer;
    if (viewer === null || !allowed(sub, viewer)) throw new DeskwireError('SUBSCRIBE_FORBIDDEN');
    if (loaded.kind === 'snapshot') {
      const message = shapeSnapshot(sub, viewer, loaded.message);
      const payload = { topic: sub.topic, method: 'CREATE' as const, message, seq: loaded.seq, epoch: loaded.epoch };
      this.sendFrame({ action: 'publish', payload: loaded.reset ? { ...payload, reset: true } : payload });
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

  private attach(sub: Subscription): void {
    let entry = this.members.get(sub.projectId);
    if (entry === undefined) {
      const channel = this.deps.hub.channel(sub.projectId);
      entry = { member: new Member(this, sub.projectId, this.userId), channel };
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

  private releaseAll(): void {
    for (const sub of this.subs.values()) this.detach(sub);
    this.subs.clear();
    this.queue.length = 0;
  }

  // ── Outbound helpers ────────────────────────────────────────────────────────────────────────────────────────

  private sendFrame(frame: ServerFrame): void {
    this.send(encodeServerFrame(frame));
  }

  private sendError(error: DeskwireError, topic?: string): void {
    this.sendFrame({ action: 'error', payload: errorPayload(error, topic) });
  }

  /** One catch per entry point: anything not from the catalogue is logged once and becomes INTERNAL. */
  private asKnown(error: unknown): DeskwireError {
    if (error instanceof DeskwireError) return error;
    this.deps.logger.error({ connectionId: this.id, err: error instanceof Error ? error.stack : String(error) }, 'realtime: unexpected error');
    return new DeskwireError('INTERNAL');
  }
}
