/**
 * One simulated client, over either transport, reduced to what the bench counts: per live event on the measured
 * topic its seq (for lost/duplicated) and its change time (for latency); per subscribed topic, when the snapshot
 * came. Everything else a frame carries is ignored.
 */
import { io, type Socket as IoSocket } from 'socket.io-client';
import WebSocket from 'ws';
import type { ClientSpec, Transport } from '../lib/types.js';
import { isErrorFrame, scanPublish, topicNeedle } from './frame-scan.js';

export interface LiveSink {
  /** A live event on the measured topic. */
  live(conn: BenchConnection, seq: number, changedAt: number, bytes: number): void;
  error(conn: BenchConnection): void;
}

interface IoPayload {
  topic?: string;
  message?: unknown;
  seq?: number;
}

export class BenchConnection {
  lastSeq = -1;
  unique = 0;
  duplicated = 0;
  paused = false;
  closeCode: number | null = null;
  /** Topics whose snapshot has not come since the last subscribe, with the time it was asked for. */
  private readonly waiting = new Map<string, { since: number; done: (ms: number | Error) => void }>();
  private readonly needle: Buffer;
  private ws: WebSocket | null = null;
  private sio: IoSocket | null = null;

  constructor(
    readonly spec: ClientSpec,
    private readonly transport: Transport,
    private readonly sink: LiveSink,
  ) {
    this.needle = topicNeedle(spec.topics[0]!);
  }

  /** Resolves with the handshake time; rejects with the HTTP refusal or socket error. */
  open(url: string): Promise<number> {
    const started = performance.now();
    return this.transport === 'ws' ? this.openWs(url, started) : this.openIo(url, started);
  }

  private openWs(url: string, started: number): Promise<number> {
    const target = this.spec.token ? `${url}?token=${encodeURIComponent(this.spec.token)}` : url;
    // No UTF-8 validation: the load generator must cost as little per frame as it can (the server is measured).
    const ws = new WebSocket(target, { perMessageDeflate: false, skipUTF8Validation: true });
    this.ws = ws;
    ws.on('message', (data: Buffer) => this.onWsFrame(data));
    ws.on('close', (code) => {
      this.closeCode = code;
      this.failWaiting(new Error(`closed ${code}`));
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(performance.now() - started));
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`HTTP ${res.statusCode}`));
        res.resume();
        ws.terminate();
      });
      ws.once('error', (e: Error) => reject(e));
      ws.on('error', () => {});
    });
  }

  private openIo(url: string, started: number): Promise<number> {
    const sio = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
    this.sio = sio;
    sio.on('publish', (p: IoPayload) => this.onIoPublish(p));
    sio.on('disconnect', () => {
      this.closeCode = 1006;
      this.failWaiting(new Error('disconnected'));
    });
    return new Promise((resolve, reject) => {
      sio.once('connect', () => resolve(performance.now() - started));
      sio.once('connect_error', (e: Error) => reject(e));
    });
  }

  /** Subscribes to every topic; resolves when each has its snapshot, with the time the last one took. */
  async subscribeAll(): Promise<number> {
    let slowest = 0;
    for (const topic of this.spec.topics) slowest = Math.max(slowest, await this.subscribe(topic));
    return slowest;
  }

  subscribe(topic: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.set(topic, { since: performance.now(), done: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      if (this.ws) this.ws.send(JSON.stringify({ action: 'subscribe', payload: { topic } }));
      else this.sio?.emit('subscribe', { topic });
    });
  }

  /** Stops reading from the socket: the server sees a client whose receive window fills up. */
  pause(): void {
    this.paused = true;
    this.ws?.pause();
  }

  close(): void {
    this.ws?.terminate();
    this.sio?.disconnect();
  }

  resetCounters(): void {
    this.unique = 0;
    this.duplicated = 0;
  }

  private onWsFrame(frame: Buffer): void {
    if (isErrorFrame(frame)) {
      this.sink.error(this);
      // A refused subscription ends the wait for its snapshot (the orchestrator counts it as failed).
      const topic = /"topic":"([^"]+)"/.exec(frame.toString())?.[1];
      const w = topic ? this.waiting.get(topic) : undefined;
      if (w && topic) {
        this.waiting.delete(topic);
        w.done(new Error(frame.toString().slice(0, 200)));
      }
      return;
    }
    const measured = frame.indexOf(this.needle) >= 0;
    if (!measured && this.waiting.size === 0) return;
    const scanned = measured ? scanPublish(frame, this.waiting.size > 0) : null;
    if (this.waiting.size > 0) {
      // The snapshot is the first frame of a topic after its subscribe; on the measured (list) topic it is an array.
      const topic = measured ? (scanned?.snapshot ? this.spec.topics[0] : undefined) : [...this.waiting.keys()].find((t) => frame.includes(topicNeedle(t)));
      const w = topic === undefined ? undefined : this.waiting.get(topic);
      if (w && topic !== undefined) {
        this.waiting.delete(topic);
        if (measured) this.lastSeq = scanned!.seq;
        w.done(performance.now() - w.since);
        return;
      }
    }
    if (scanned && !scanned.snapshot) this.count(scanned.seq, scanned.changedAt, frame.length);
  }

  private onIoPublish(p: IoPayload): void {
    const topic = p.topic ?? '';
    const w = this.waiting.get(topic);
    if (Array.isArray(p.message)) {
      if (w) {
        this.waiting.delete(topic);
        if (topic === this.spec.topics[0]) this.lastSeq = p.seq ?? -1;
        w.done(performance.now() - w.since);
      }
      return;
    }
    if (topic !== this.spec.topics[0]) return;
    const updatedAt = (p.message as { updatedAt?: string } | undefined)?.updatedAt;
    this.count(p.seq ?? -1, updatedAt ? Date.parse(updatedAt) : Number.NaN, 0);
  }

  private count(seq: number, changedAt: number, bytes: number): void {
    if (seq <= this.lastSeq) {
      this.duplicated++;
      return;
    }
    this.lastSeq = seq;
    this.unique++;
    this.sink.live(this, seq, changedAt, bytes);
  }

  private failWaiting(error: Error): void {
    for (const w of this.waiting.values()) w.done(error);
    this.waiting.clear();
  }
}
