/**
 * A raw test client: it speaks frames, records everything that arrives, and waits for what a test expects with
 * a deadline, failing with the list of what did arrive instead. No sleeps as synchronization.
 */
import WebSocket from 'ws';
import { Waiters } from './waiters.js';

export interface Frame {
  action: string;
  payload: {
    topic?: string;
    method?: string;
    message?: any;
    seq?: number;
    epoch?: string;
    reset?: boolean;
    code?: string;
    retryable?: boolean;
    [key: string]: unknown;
  };
}

export const DEFAULT_WAIT_MS = 5000;

export class TestClient {
  readonly frames: Frame[] = [];
  /** Text frames that were not JSON (there should be none). */
  readonly garbage: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new Waiters(() => `Arrived:\n${this.describe()}`);

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '<binary>' : data.toString();
      try {
        this.frames.push(JSON.parse(text) as Frame);
      } catch {
        this.garbage.push(text);
      }
      this.notify();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    ws.on('error', () => {});
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body}`), { status: res.statusCode, body, headers: res.headers })));
      });
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  subscribe(topic: string, extra: Record<string, unknown> = {}): void {
    this.send({ action: 'subscribe', payload: { topic, ...extra } });
  }

  /** Publish frames for `topic` (in arrival order). */
  publishes(topic: string): Frame[] {
    return this.frames.filter((f) => f.action === 'publish' && f.payload.topic === topic);
  }

  errors(topic?: string): Frame[] {
    return this.frames.filter((f) => f.action === 'error' && (topic === undefined || f.payload.topic === topic));
  }

  /** The first frame from index `from` on that matches; waits for it if it has not arrived yet. */
  waitFor(match: (f: Frame) => boolean, what: string, { from = 0, timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<Frame> {
    return this.until(() => this.frames.slice(from).find(match), what, timeoutMs);
  }

  /** Waits until `count` frames match; resolves with them. */
  waitForCount(match: (f: Frame) => boolean, count: number, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Frame[]> {
    return this.until(() => {
      const found = this.frames.filter(match);
      return found.length >= count ? found : undefined;
    }, `${count} × ${what}`, timeoutMs);
  }

  waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<{ code: number; reason: string }> {
    return this.until(() => this.closed ?? undefined, 'the connection to close', timeoutMs);
  }

  /** Resolves when `check` returns a value; fails after the deadline describing what arrived. */
  until<T>(check: () => T | undefined, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.waiters.until(check, what, timeoutMs);
  }

  describe(): string {
    const lines = this.frames.slice(-40).map((f) => {
      const p = f.payload ?? {};
      const msg = Array.isArray(p.message) ? `[${p.message.length} items]` : p.message?.request_id ?? p.message?._id ?? p.message?.text ?? '';
      return `  ${f.action} ${p.topic ?? ''} ${p.method ?? p.code ?? ''} seq=${p.seq ?? '-'} ${msg}`;
    });
    if (this.frames.length > 40) lines.unshift(`  … ${this.frames.length - 40} earlier frames`);
    if (this.closed) lines.push(`  (closed ${this.closed.code} ${this.closed.reason})`);
    return lines.join('\n') || '  (nothing)';
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.waitForClose().then(() => undefined);
  }

  private notify(): void {
    this.waiters.changed();
  }
}
