import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Config } from '../config.js';
import { DeskwireError, errors } from '../domain/errors.js';
import { CloseCode } from '../protocol/close-codes.js';
import { decodeClientFrame, encodeServerFrame, errorPayload } from '../protocol/codec.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { stripTokenPrefix, type TokenService } from '../services/tokens.js';
import type { Db } from '../store/db.js';
import { findUserById } from '../store/users.js';
import { ConnectionSubscriptions, type Connection } from './connection-subscriptions.js';
import type { Hub } from './hub.js';
import type { Logger } from './logger.js';
import { FrameRateGuard } from './frame-rate-guard.js';
import { noObserver, type RealtimeObserver } from './observer.js';
import { SendQueue } from './send-queue.js';

export interface SessionDeps {
  config: Config;
  db: Db;
  hub: Hub;
  tokens: TokenService;
  logger: Logger;
  observer?: RealtimeObserver;
}

const PING = Buffer.from(encodeServerFrame({ action: 'heartbeat', payload: { message: { text: 'ping' } } }));
const PONG = Buffer.from(encodeServerFrame({ action: 'heartbeat', payload: { message: { text: 'pong' } } }));
/** A closing connection that does not finish the close handshake in this time is cut. */
const CLOSE_TIMEOUT_MS = 5000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One WebSocket connection: open → closing → closed. It decodes frames and answers them, keeps the connection
 * alive or ends it (heartbeat, token expiry, slow consumer), and hands subscriptions to its `ConnectionSubscriptions`.
 */
export class Session implements Connection {
  readonly id = randomUUID();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly subscriptions: ConnectionSubscriptions;
  private readonly out: SendQueue;
  /** Something (a frame or a protocol pong) arrived since the last heartbeat tick. */
  private heard = true;
  private silentTicks = 0;
  private expiresAt: number;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Set once TOKEN_EXPIRED was sent: the grace for a `refresh` is running. */
  private expiryNoticeSent = false;
  private readonly frameRate: FrameRateGuard;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    /** The socket `ws` runs on (the one the upgrade handed over). */
    socket: Duplex,
    readonly userId: string,
    expiresAt: number,
    /** The client declared it handles DELETE (PROTOCOL §9); otherwise it gets Tiledesk's removal form. */
    readonly understandsDelete: boolean,
    private readonly deps: SessionDeps,
    private readonly onClosed: (session: Session) => void,
  ) {
    this.expiresAt = expiresAt;
    this.out = new SendQueue(ws, socket, deps.hub.writes, deps.config.wsOutboundBufferMaxBytes, () =>
      this.closeWith(CloseCode.SLOW_CONSUMER, 'slow consumer: resume with since'),
    );
    this.subscriptions = new ConnectionSubscriptions(this, deps);
    this.frameRate = new FrameRateGuard(deps.config);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.heard = true));
    ws.on('close', (code) => {
      this.observer.connectionClosed(code);
      this.dispose();
    });
    ws.on('error', (error) => deps.logger.debug({ connectionId: this.id, err: error.message }, 'realtime: socket error'));
    this.scheduleExpiry();
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  countSubscriptionKinds(into: Record<string, number>): void {
    this.subscriptions.countKinds(into);
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  send(frame: Buffer | string): void {
    if (this.state !== 'open') return;
    if (this.out.push(frame)) this.observer.frameOut(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length);
  }

  private get observer(): RealtimeObserver {
    return this.deps.observer ?? noObserver;
  }

  sendError(error: DeskwireError, topic?: string): void {
    this.sendFrame({ action: 'error', payload: errorPayload(error, topic) });
  }

  /** One catch per entry point: anything not from the catalogue is logged once and becomes INTERNAL. */
  asKnown(error: unknown): DeskwireError {
    if (error instanceof DeskwireError) return error;
    this.deps.logger.error({ connectionId: this.id, err: error instanceof Error ? error.stack : String(error) }, 'realtime: unexpected error');
    return new DeskwireError('INTERNAL');
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

  /** The user was disabled or deleted: say why, then close with 4003. */
  revoke(error: DeskwireError): void {
    this.sendError(error);
    this.closeWith(CloseCode.REVOKED, 'access revoked');
  }

  /** Ends the connection with `code`; the hub forgets it at once, the socket follows. */
  closeWith(code: number, reason: string): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.subscriptions.releaseAll();
    this.ws.close(code, reason);
    this.closeTimer = setTimeout(() => this.ws.terminate(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  private dispose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.expiryTimer);
    clearTimeout(this.closeTimer);
    this.subscriptions.releaseAll();
    this.onClosed(this);
  }

  /**
   * At `exp`: an `error` TOKEN_EXPIRED, which a client answers with `refresh`; at `exp` + the grace
   * (WS_TOKEN_EXPIRY_GRACE_MS), still unrefreshed: close 4001. A refresh reschedules both from the new `exp`.
   */
  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    const expiresAtMs = this.expiresAt * 1000;
    const closeAtMs = expiresAtMs + this.deps.config.wsTokenExpiryGraceMs;
    const at = this.expiryNoticeSent ? closeAtMs : expiresAtMs;
    const delay = Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS);
    this.expiryTimer = setTimeout(() => {
      if (Date.now() < at) return this.scheduleExpiry(); // a far expiry waits in several steps
      if (!this.expiryNoticeSent) {
        this.expiryNoticeSent = true;
        this.sendError(new DeskwireError('TOKEN_EXPIRED', 'The token expired; send refresh with a new one before the connection is closed.'));
        return this.scheduleExpiry();
      }
      this.closeWith(CloseCode.TOKEN_EXPIRED, 'token expired');
    }, delay);
    this.expiryTimer.unref();
  }

  // ── Inbound frames ──────────────────────────────────────────────────────────────────────────────────────────

  private onMessage(data: RawData, isBinary: boolean): void {
    this.heard = true;
    this.observer.frameIn(Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength);
    if (this.state !== 'open') return;
    const rate = this.frameRate.admit();
    if (rate === 'close') return this.closeWith(CloseCode.RATE_LIMITED, 'rate limited');
    if (rate !== 'ok') {
      // One error per stretch of refused frames: answering each would amplify the flood back at the sender.
      if (rate.notify) this.sendError(new DeskwireError('RATE_LIMITED', undefined, { retry_after_seconds: rate.retryAfterSeconds }));
      return;
    }
    if (isBinary) return this.closeWith(CloseCode.POLICY_VIOLATION, 'binary frames are not accepted');
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    const frame = decodeClientFrame(text, { maxBytes: this.deps.config.wsInboundFrameMaxBytes, maxDepth: this.deps.config.wsInboundFrameMaxDepth });
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
        // An expired token, in its grace, may only be refreshed: it opens nothing new.
        if (this.expiryNoticeSent) return this.sendError(new DeskwireError('TOKEN_EXPIRED'), frame.payload.topic);
        return this.subscriptions.subscribe(frame.payload.topic, frame.payload.since, frame.payload.epoch);
      case 'unsubscribe':
        return this.subscriptions.unsubscribe(frame.payload.topic);
      case 'refresh':
        return void this.refresh(frame.payload.token);
      default: {
        const unhandled: never = frame;
        throw new Error(`unhandled action ${(unhandled as ClientFrame).action}`);
      }
    }
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
      this.expiryNoticeSent = false;
      if (this.state !== 'open') return;
      this.scheduleExpiry();
      this.sendFrame({ action: 'refresh', payload: { expires_at: claims.expiresAt } });
    } catch (error) {
      this.sendError(this.asKnown(error));
    }
  }

  private sendFrame(frame: ServerFrame): void {
    this.send(encodeServerFrame(frame));
  }
}
