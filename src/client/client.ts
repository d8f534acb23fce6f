/**
 * The connection loop: one WebSocket at a time, reconnecting with capped, jittered back-off as the close code
 * says (PROTOCOL §8), resubscribing every held topic with `since`/`epoch` so nothing is missed, pinging with a pong
 * deadline, and refreshing the token before its `exp` through the `refresh` action.
 */
import type { ErrorCode } from '../domain/errors.js';
import { CLIENT_ABANDONED_CLOSE, CloseCode, shouldReconnect } from '../protocol/close-codes.js';
import { decodeServerFrame } from '../protocol/codec.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { DeskwireClientError, errorForClose } from './client-error.js';
import { Emitter } from './emitter.js';
import { networkFailureOf, refusalOutcome, watchRefusal, type HandshakeRefusal } from './handshake-refusal.js';
import { Heartbeat } from './heartbeat.js';
import { LiveList, type LiveListOptions } from './live-list.js';
import { platformWebSocket, realtimeUrl, SOCKET_OPEN, withToken, type SocketCloseEvent, type SocketLike, type SocketMessageEvent, type WebSocketConstructor } from './socket.js';
import { Subscription } from './subscription.js';
import { TokenSource } from './token-source.js';
import type { TopicHandlers } from './topic-events.js';
import { TopicState } from './topic-state.js';

export interface ConnectOptions {
  /** `ws(s)://host/v2/ws/`, or the server's `http(s)://host` (the Realtime path is then `/v2/ws/`). */
  url: string;
  /** A fixed token (`JWT …` or the bare JWT). Without `getToken`, the session ends when it expires. */
  token?: string;
  /** Called for a token at connect, before the current one expires, and after a 4001 close. */
  getToken?: () => string | Promise<string>;
  /** The WebSocket constructor; default `globalThis.WebSocket` (in Node 20 pass `ws`'s). */
  WebSocket?: WebSocketConstructor;
  /** Client ping interval (default 15 000 ms, as the Tiledesk dashboard). */
  heartbeatIntervalMs?: number;
  /** A ping not answered in this time counts the connection dead (default 10 000 ms). */
  pongTimeoutMs?: number;
  /** Reconnect delays: uniform in [0, min(maxMs, initialMs·2^attempt)] (defaults 500 ms and 30 s). */
  backoff?: Partial<BackoffOptions>;
  /** Ask `getToken` this long before the token's `exp` (default 60 s; half the remaining life for short tokens). */
  refreshBeforeExpirySeconds?: number;
}

export type ConnectionState =
  | { state: 'connecting'; attempt: number }
  | { state: 'open' }
  | { state: 'reconnecting'; attempt: number; delayMs: number; closeCode: number | null; error: DeskwireClientError | null }
  | { state: 'closed'; closeCode: number | null; error: DeskwireClientError };

interface ClientEvents extends Record<string, unknown> {
  state: ConnectionState;
  /** A failure that ends nothing by itself: an `error` frame without a topic, a failed refresh. */
  error: DeskwireClientError;
}

export class DeskwireClient {
  private readonly url: string;
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly backoff: BackoffOptions;
  private readonly heartbeat: Heartbeat;
  private readonly tokens: TokenSource;
  private readonly topics = new Map<string, TopicState>();
  private readonly events = new Emitter<ClientEvents>();
  private socket: SocketLike | null = null;
  private current: ConnectionState = { state: 'connecting', attempt: 0 };
  private attempt = 0;
  private stopped = false;
  /** The last `error` frame without a topic: names the close that may follow (4003, 4029). */
  private lastError: { code: ErrorCode; retryAfterSeconds: number | undefined } | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the current attempt failed before opening, when the WebSocket implementation says (Node's `ws`). */
  private refusal: HandshakeRefusal | null = null;
  private networkFailure: { code: string; message: string } | null = null;
  /** The last failure reported on 'error' since the last open: a failure repeating on every retry is said once. */
  private surfaced: string | null = null;

  constructor(options: ConnectOptions) {
    const ctor = options.WebSocket ?? platformWebSocket();
    if (!ctor) throw new DeskwireClientError('CLIENT_NO_WEBSOCKET', 'No WebSocket constructor: pass one as the WebSocket option.');
    if (options.token === undefined && options.getToken === undefined) {
      throw new DeskwireClientError('CLIENT_TOKEN_UNAVAILABLE', 'Give a token or a getToken callback.');
    }
    this.url = realtimeUrl(options.url);
    this.WebSocketCtor = ctor;
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.heartbeat = new Heartbeat(
      options.heartbeatIntervalMs ?? 15_000,
      options.pongTimeoutMs ?? 10_000,
      () => this.send({ action: 'heartbeat', payload: { message: { text: 'ping' } } }),
      () => this.abandonSocket(),
    );
    this.tokens = new TokenSource(options.token, options.getToken, (options.refreshBeforeExpirySeconds ?? 60) * 1000, {
      refreshed: (token) => this.send({ action: 'refresh', payload: { token } }),
      failed: (error) => this.events.emit('error', error),
    });
    // Next microtask: listeners added right after connect() still see the first 'connecting'.
    queueMicrotask(() => void this.connectNow());
  }

  get state(): ConnectionState {
    return this.current;
  }

  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Resolves once the connection is open (at once if it is); rejects if the client closes for good first. */
  opened(): Promise<void> {
    if (this.current.state === 'open') return Promise.resolve();
    if (this.current.state === 'closed') return Promise.reject(this.current.error);
    return new Promise((resolve, reject) => {
      const off = this.on('state', (s) => {
        if (s.state === 'open') (off(), resolve());
        else if (s.state === 'closed') (off(), reject(s.error));
      });
    });
  }

  subscribe<T = any>(topic: string, handlers: TopicHandlers<T> = {}): Subscription<T> {
    if (this.stopped) throw new DeskwireClientError('CLIENT_CLOSED', 'The client is closed.', { topic });
    let state = this.topics.get(topic);
    if (!state) this.topics.set(topic, (state = new TopicState(topic)));
    const subscription = new Subscription<T>(topic, handlers, (s) => this.release(s as Subscription));
    state.subscriptions.add(subscription as Subscription);
    // A new subscription needs its own snapshot: the frame asks for one (the others get it as a reset).
    this.send(state.subscribeFrame());
    return subscription;
  }

  /** An ordered, up-to-date collection of a topic's items: see LiveList. */
  liveList<T = any>(topic: string, options: LiveListOptions<T> = {}): LiveList<T> {
    return new LiveList<T>(topic, options, (handlers) => this.subscribe<T>(topic, handlers));
  }

  /** Asks `getToken` now and hands the new token to the server (normally automatic before `exp`). */
  refreshToken(): Promise<void> {
    return this.tokens.refreshNow();
  }

  /** Closes for good: no reconnect; every subscription ends. */
  close(): void {
    if (this.stopped) return;
    this.finish(1000, new DeskwireClientError('CLIENT_CLOSED', 'The client was closed.'));
  }

  // ── Connection lifetime ─────────────────────────────────────────────────────────────────────────────────────

  private async connectNow(): Promise<void> {
    if (this.stopped) return;
    this.setState({ state: 'connecting', attempt: this.attempt });
    let token: string;
    try {
      token = await this.tokens.current();
    } catch (cause) {
      // getToken failing is usually the network too: try again later rather than give up.
      this.events.emit('error', new DeskwireClientError('CLIENT_TOKEN_UNAVAILABLE', 'getToken failed.', { cause, retryable: true }));
      return this.scheduleReconnect(backoffDelay(this.attempt++, this.backoff), null, null);
    }
    if (this.stopped) return;
    let socket: SocketLike;
    try {
      socket = new this.WebSocketCtor(withToken(this.url, token));
    } catch (cause) {
      return this.finish(null, new DeskwireClientError('CLIENT_CONNECTION_CLOSED', `Cannot open ${this.url}.`, { cause }));
    }
    this.socket = socket;
    this.refusal = null;
    this.networkFailure = null;
    let opened = false;
    watchRefusal(socket, (refusal) => {
      if (this.socket === socket) this.refusal = refusal;
    });
    socket.onopen = () => {
      opened = true;
      this.onOpen();
    };
    socket.onmessage = (event: SocketMessageEvent) => this.onMessage(typeof event.data === 'string' ? event.data : String(event.data));
    // The close event follows and carries what to do; the error only says why, where the platform tells.
    socket.onerror = (event: unknown) => {
      if (this.socket === socket) this.networkFailure ??= networkFailureOf(event);
    };
    socket.onclose = (event: SocketCloseEvent) => {
      if (this.socket !== socket) return;
      this.onClose(event.code, event.reason, opened);
    };
  }

  private onOpen(): void {
    this.attempt = 0;
    this.lastError = null;
    this.surfaced = null;
    this.setState({ state: 'open' });
    for (const topic of this.topics.values()) this.send(topic.subscribeFrame());
    this.heartbeat.start();
    this.tokens.scheduleRefresh();
  }

  private onClose(code: number, reason: string, opened: boolean): void {
    const { refusal, networkFailure } = this;
    this.refusal = this.networkFailure = null;
    this.dropSocket();
    if (this.stopped) return;
    if (!opened && refusal) return this.onRefused(refusal);
    if (!opened && networkFailure) {
      const failed = new DeskwireClientError('CLIENT_CONNECTION_FAILED', `Cannot connect to ${this.url}: ${networkFailure.message}`, { retryable: true, cause: networkFailure });
      this.surface(failed);
      return this.scheduleReconnect(backoffDelay(this.attempt++, this.backoff), code, failed);
    }
    const error = errorForClose(code, reason, this.lastError?.code);
    if (code === CloseCode.TOKEN_EXPIRED) {
      if (!this.tokens.canRenew) return this.finish(code, error);
      this.tokens.invalidate();
      return this.scheduleReconnect(0, code, error);
    }
    if (!shouldReconnect(code)) return this.finish(code, error);
    // Refused before opening: perhaps an expired token after a sleep; ask for a fresh one next time.
    if (!opened) this.tokens.invalidate();
    let delay = backoffDelay(this.attempt++, this.backoff);
    if (code === CloseCode.RATE_LIMITED) delay += (this.lastError?.retryAfterSeconds ?? 1) * 1000;
    // 1001: this node is going away; reconnect at once (another node), spread by a first-step jitter only.
    if (code === CloseCode.GOING_AWAY) delay = backoffDelay(0, this.backoff);
    this.scheduleReconnect(delay, code, error);
  }

  /** A refused handshake whose answer was readable: stop, or retry (with a new token first when that is the problem). */
  private onRefused(refusal: HandshakeRefusal): void {
    const { error, action } = refusalOutcome(refusal, this.tokens.canRenew);
    if (action === 'stop') return this.finish(null, error);
    this.surface(error);
    if (action === 'renew-token') this.tokens.invalidate();
    const delay = backoffDelay(this.attempt++, this.backoff) + (refusal.retryAfterSeconds ?? 0) * 1000;
    this.scheduleReconnect(delay, null, error);
  }

  /** Reports a failure on 'error' unless it is the one reported last (a failure repeating on every retry). */
  private surface(error: DeskwireClientError): void {
    const key = `${error.code} ${error.message}`;
    if (key === this.surfaced) return;
    this.surfaced = key;
    this.events.emit('error', error);
  }

  private scheduleReconnect(delayMs: number, closeCode: number | null, error: DeskwireClientError | null): void {
    this.setState({ state: 'reconnecting', attempt: this.attempt, delayMs, closeCode, error });
    this.reconnectTimer = setTimeout(() => void this.connectNow(), delayMs);
  }

  /** Ends for good with `error`: every subscription learns why. */
  private finish(closeCode: number | null, error: DeskwireClientError): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.tokens.stop();
    const socket = this.socket;
    this.dropSocket();
    if (socket && socket.readyState <= SOCKET_OPEN) socket.close(CloseCode.NORMAL, 'closed by client');
    for (const topic of this.topics.values()) {
      if (error.code !== 'CLIENT_CLOSED') topic.error(error);
      topic.end(error.code === 'CLIENT_CLOSED' ? null : error);
    }
    this.topics.clear();
    this.setState({ state: 'closed', closeCode, error });
  }

  /** Forgets the socket: its late events are ignored; timers tied to it stop. */
  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.heartbeat.stop();
    this.tokens.pause();
    if (socket) socket.onopen = socket.onmessage = socket.onclose = null;
  }

  /** No answer to a ping: a dead network may never finish a close handshake, so reconnect now. */
  private abandonSocket(): void {
    const socket = this.socket;
    this.onClose(CloseCode.INTERNAL_ERROR, 'no answer to ping', true);
    try {
      socket?.close(CLIENT_ABANDONED_CLOSE, 'pong timeout');
    } catch {
      // already closing
    }
  }

  // ── Frames ──────────────────────────────────────────────────────────────────────────────────────────────────

  private send(frame: ClientFrame): void {
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(JSON.stringify(frame));
  }

  private onMessage(text: string): void {
    this.heartbeat.heard();
    const frame = decodeServerFrame(text);
    if (frame) this.handle(frame);
  }

  private handle(frame: ServerFrame): void {
    switch (frame.action) {
      case 'publish':
        return this.topics.get(frame.payload.topic)?.onPublish(frame.payload);
      case 'refresh':
        return this.tokens.confirmed(frame.payload.expires_at);
      case 'error': {
        const p = frame.payload;
        const error = new DeskwireClientError(p.code, p.message, { topic: p.topic, retryable: p.retryable, retryAfterSeconds: p.retry_after_seconds });
        const topic = p.topic === undefined ? undefined : this.topics.get(p.topic);
        if (!topic) {
          this.lastError = { code: p.code, retryAfterSeconds: p.retry_after_seconds };
          return this.events.emit('error', error);
        }
        topic.error(error);
        if (p.retryable) {
          // The server dropped the topic but asks to come back (STORE_UNAVAILABLE): resume after a pause.
          const delay = Math.max((p.retry_after_seconds ?? 0) * 1000, backoffDelay(1, this.backoff));
          setTimeout(() => this.topics.get(topic.topic) === topic && this.send(topic.subscribeFrame()), delay);
        } else {
          topic.end(error);
          this.topics.delete(topic.topic);
        }
        return;
      }
      case 'heartbeat':
      case 'me':
        return;
      default: {
        const unhandled: never = frame;
        return unhandled;
      }
    }
  }

  private release(subscription: Subscription): void {
    const topic = this.topics.get(subscription.topic);
    if (!topic) return;
    topic.subscriptions.delete(subscription);
    if (topic.subscriptions.size > 0) return;
    this.topics.delete(topic.topic);
    this.send({ action: 'unsubscribe', payload: { topic: topic.topic } });
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.events.emit('state', state);
  }
}

/** Opens a client; it connects at once and keeps reconnecting until `close()` or a terminal close code. */
export function connect(options: ConnectOptions): DeskwireClient {
  return new DeskwireClient(options);
}
