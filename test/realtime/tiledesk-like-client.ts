/**
 * A client that behaves like the Tiledesk dashboard's WebSocket service (websocket-js.ts, see the research notes):
 * `?token=` + the sign-in token with its `JWT ` prefix, its own ping after `pingTimeoutMs` without incoming frames
 * and a close when nothing arrives within `pongTimeoutMs` after it, a reconnect `reconnectDelayMs` after any close
 * that resubscribes every remembered topic, and per-item CREATE/UPDATE dispatch routed by `payload.topic` only
 * (it never looks at `action`, and knows no DELETE). Timings are parameters so a test can shorten them.
 */
import WebSocket from 'ws';
import { Waiters } from '../support/waiters.js';

type Item = Record<string, any>;
interface Callbacks {
  onCreate(item: Item): void;
  onUpdate(item: Item): void;
}

export interface TiledeskTimings {
  pingTimeoutMs: number;
  pongTimeoutMs: number;
  reconnectDelayMs: number;
}

export class TiledeskLikeClient {
  readonly topics: string[] = [];
  private readonly callbacks = new Map<string, Callbacks>();
  private ws!: WebSocket;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly waiters = new Waiters(() => `stats=${JSON.stringify(this.stats)}`);
  /** Every publish frame as it arrived, in order (what the client was told, whether its lists used it or not). */
  readonly publishes: { topic: string; method: string; message: any }[] = [];
  readonly stats = { opens: 0, closes: [] as number[], pingsSent: 0, pongsReceived: 0, serverPings: 0, subscribesSent: 0, frames: 0 };

  constructor(
    private readonly url: string,
    private readonly timings: TiledeskTimings,
  ) {
    this.init();
  }

  /** ref(): remember the callbacks and subscribe now if open, else on open. */
  ref(topic: string, callbacks: Callbacks): void {
    this.callbacks.set(topic, callbacks);
    this.subscribe(topic);
  }

  get connected(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Drops the network connection the way a flaky network does (no close handshake). */
  dropConnection(): void {
    (this.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
  }

  /** Logout: no reconnect. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.reconnectTimer);
    this.ws.close();
  }

  /** Resolves when `check` holds, re-checked after every frame; fails after the deadline with `describe()`. */
  async until(check: () => boolean, what: string, describe: () => string, timeoutMs = 5000): Promise<void> {
    await this.waiters.until(check, what, timeoutMs, () => `${describe()} stats=${JSON.stringify(this.stats)}`);
  }

  private subscribe(topic: string): void {
    if (!this.topics.includes(topic)) this.topics.push(topic);
    if (this.connected) {
      this.stats.subscribesSent++;
      this.ws.send(JSON.stringify({ action: 'subscribe', payload: { topic, message: undefined, method: undefined } }));
    }
  }

  private init(): void {
    this.ws = new WebSocket(this.url);
    this.ws.on('open', () => {
      this.stats.opens++;
      this.heartCheck();
      for (const topic of this.topics) this.subscribe(topic);
      this.notify();
    });
    this.ws.on('message', (data) => this.onMessage(data.toString()));
    this.ws.on('close', (code) => {
      this.stats.closes.push(code);
      clearTimeout(this.pingTimer);
      clearTimeout(this.pongTimer);
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.init(), this.timings.reconnectDelayMs);
      this.notify();
    });
    this.ws.on('error', () => {});
  }

  private heartCheck(): void {
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = setTimeout(() => {
      if (this.connected) {
        this.stats.pingsSent++;
        this.ws.send(JSON.stringify({ action: 'heartbeat', payload: { message: { text: 'ping' } } }));
      }
      this.pongTimer = setTimeout(() => this.ws.close(), this.timings.pongTimeoutMs);
    }, this.timings.pingTimeoutMs);
  }

  private onMessage(text: string): void {
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    this.stats.frames++;
    this.heartCheck();
    if (json.action === 'heartbeat') {
      if (json.payload.message.text === 'ping') {
        this.stats.serverPings++;
        this.ws.send(JSON.stringify({ action: 'heartbeat', payload: { message: { text: 'pong' } } }));
      } else this.stats.pongsReceived++;
      return this.notify();
    }
    if (json.action === 'publish') this.publishes.push({ topic: json.payload.topic, method: json.payload.method, message: json.payload.message });
    const callbacks = this.callbacks.get(json.payload.topic);
    const method = json.payload.method;
    const items: Item[] = Array.isArray(json.payload.message) ? json.payload.message : [json.payload.message];
    if (callbacks && json.payload.message) {
      for (const item of items) {
        if (method === 'CREATE') callbacks.onCreate(item);
        if (method === 'UPDATE') callbacks.onUpdate(item);
      }
    }
    this.notify();
  }

  private notify(): void {
    this.waiters.changed();
  }
}

/** The dashboard's request list (ws-requests.service.ts): add on CREATE if absent; UPDATE replaces or adds, and removes at 1000. */
export class DashboardRequestList {
  readonly items: Item[] = [];
  readonly callbacks: Callbacks = {
    onCreate: (r) => {
      if (this.items.findIndex((e) => e.id === r.id) === -1) this.items.push(r);
    },
    onUpdate: (r) => {
      if (this.items.findIndex((e) => e.id === r.id) === -1) this.items.push(r);
      const i = this.items.findIndex((e) => e._id === r._id);
      if (i !== -1) {
        if (r.status === 1000) this.items.splice(i, 1);
        else this.items[i] = r;
      }
    },
  };
}
