/**
 * One measured system: a server process and the load generator processes that hold its connections. The specs
 * are dealt round-robin so every generator holds a similar mix; results come back merged.
 */
import { startChild, type Child } from './children.js';
import { Histogram } from './histogram.js';
import type { ClassTally, ClientSpec, CollectResult, ConnectResult, ServerStats, SubscribeResult, Transport } from './types.js';

/** Sockets per generator process: well under the 20,000 hard fd limit (each socket is one fd). */
const MAX_PER_GENERATOR = 15_000;

export interface MergedCollect {
  classes: Record<string, ClassTally>;
  latency: Histogram;
  firstAt: number | null;
  lastAt: number | null;
  frames: number;
  bytes: number;
  errorFrames: number;
  closed: Record<string, number>;
  paused: number;
  /** Load generators' CPU over the window, in cores (their sum): near the machine's cores, they are the limit. */
  loadgenCpu: number;
}

export class Fleet {
  private generators: Child[] = [];
  private shares: ClientSpec[][] = [];
  /** Specs of the clients told to stop reading. */
  readonly pausedSpecs = new Set<ClientSpec>();

  constructor(
    readonly server: Child,
    readonly specs: ClientSpec[],
    private readonly transport: Transport,
    private readonly url: string,
  ) {}

  async start(generatorCount: number): Promise<void> {
    const count = Math.max(generatorCount, Math.ceil(this.specs.length / MAX_PER_GENERATOR), 1);
    this.shares = Array.from({ length: count }, () => []);
    this.specs.forEach((s, i) => this.shares[i % count]!.push(s));
    this.generators = this.shares.map((_, i) => startChild(`loadgen-${i}`, 'loadgen/worker.ts'));
    await Promise.all(this.generators.map((g, i) => g.rpc.call('init', { url: this.url, transport: this.transport, clients: this.shares[i] })));
  }

  /** Opens every connection (at most `concurrency` handshakes in flight per generator). */
  async connect(concurrency: number): Promise<{ opened: number; failed: number; errors: string[]; durationMs: number; handshake: Histogram }> {
    const started = performance.now();
    const parts = await this.all<ConnectResult>('connect', { concurrency }, 600_000);
    const handshake = new Histogram();
    for (const p of parts) handshake.merge(p.handshake);
    return {
      opened: sum(parts.map((p) => p.opened)),
      failed: sum(parts.map((p) => p.failed)),
      errors: parts.flatMap((p) => p.errors).slice(0, 5),
      durationMs: performance.now() - started,
      handshake,
    };
  }

  /** Subscribes every connection to its topics; resolves when all snapshots are in. */
  async subscribe(call: 'subscribe' | 'resubscribe' = 'subscribe', concurrency = 1000): Promise<{ ready: number; failed: number; errors: string[]; durationMs: number; readyMs: Histogram }> {
    const started = performance.now();
    const parts = await this.all<SubscribeResult>(call, { concurrency }, 600_000);
    const readyMs = new Histogram();
    for (const p of parts) readyMs.merge(p.ready_ms);
    return {
      ready: sum(parts.map((p) => p.ready)),
      failed: sum(parts.map((p) => p.failed)),
      errors: parts.flatMap((p) => p.errors).slice(0, 5),
      durationMs: performance.now() - started,
      readyMs,
    };
  }

  async reconnect(concurrency: number): Promise<{ durationMs: number; opened: number; failed: number; ready: number; errors: string[] }> {
    const started = performance.now();
    const parts = await this.all<{ connected: ConnectResult; subscribed: SubscribeResult }>('reconnect', { concurrency }, 600_000);
    return {
      durationMs: performance.now() - started,
      opened: sum(parts.map((p) => p.connected.opened)),
      failed: sum(parts.map((p) => p.connected.failed + p.subscribed.failed)),
      ready: sum(parts.map((p) => p.subscribed.ready)),
      errors: parts.flatMap((p) => [...p.connected.errors, ...p.subscribed.errors]).slice(0, 5),
    };
  }

  async reset(): Promise<void> {
    await this.all('reset');
  }

  /** `fraction` of each generator's clients stop reading. */
  async pause(fraction: number): Promise<number> {
    const counts = this.shares.map((share) => Math.floor(share.length * fraction));
    await Promise.all(this.generators.map((g, i) => g.rpc.call('pause', { count: counts[i] })));
    this.shares.forEach((share, i) => share.slice(0, counts[i]).forEach((s) => this.pausedSpecs.add(s)));
    return sum(counts);
  }

  async progress(): Promise<number> {
    return sum(await this.all<number>('progress'));
  }

  async collect(expected: Record<string, number>): Promise<MergedCollect> {
    const parts = await this.all<CollectResult>('collect', { expected });
    const merged: MergedCollect = { classes: {}, latency: new Histogram(), firstAt: null, lastAt: null, frames: 0, bytes: 0, errorFrames: 0, closed: {}, paused: 0, loadgenCpu: 0 };
    for (const p of parts) {
      for (const [cls, t] of Object.entries(p.classes)) {
        const m = (merged.classes[cls] ??= { clients: 0, unique: 0, duplicated: 0, lost: 0, extra: 0 });
        m.clients += t.clients;
        m.unique += t.unique;
        m.duplicated += t.duplicated;
        m.lost += t.lost;
        m.extra += t.extra;
      }
      merged.latency.merge(p.latency);
      if (p.firstAt !== null) merged.firstAt = Math.min(merged.firstAt ?? p.firstAt, p.firstAt);
      if (p.lastAt !== null) merged.lastAt = Math.max(merged.lastAt ?? p.lastAt, p.lastAt);
      merged.frames += p.frames;
      merged.bytes += p.bytes;
      merged.errorFrames += p.errorFrames;
      merged.paused += p.paused;
      merged.loadgenCpu += p.wallMs > 0 ? p.cpuMicros / 1000 / p.wallMs : 0;
      for (const [code, n] of Object.entries(p.closed)) merged.closed[code] = (merged.closed[code] ?? 0) + n;
    }
    merged.loadgenCpu = Math.round(merged.loadgenCpu * 100) / 100;
    return merged;
  }

  serverStats(gc = false): Promise<ServerStats> {
    return this.server.rpc.call<ServerStats>(gc ? 'gcStats' : 'stats', {}, 60_000);
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.stop()));
    await this.server.stop();
  }

  private all<T>(type: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T[]> {
    return Promise.all(this.generators.map((g) => g.rpc.call<T>(type, args, timeoutMs)));
  }
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
