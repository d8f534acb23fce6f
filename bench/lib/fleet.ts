/**
 * One measured system: its server process (or, for a cluster, its server nodes) and the load generator processes
 * that hold its connections. The specs are dealt round-robin so every generator holds a similar mix; results come
 * back merged, and per node where a phase is timed.
 */
import { startChild, type Child } from './children.js';
import { Histogram, type SparseCounts } from './histogram.js';
import { deal, generatorsFor } from './spread.js';
import type { ClientSpec, CollectResult, CollectTallies, ConnectResult, NodeTally, ServerStats, SubscribeResult, Transport } from './types.js';

/** One phase on one node, merged over the load generators. */
export interface NodePhase {
  ok: number;
  failed: number;
  /** Until the last client of this node finished the phase (the slowest generator's view). */
  durationMs: number;
  times: Histogram;
}

export interface MergedCollect extends CollectTallies {
  latency: Histogram;
  /** Load generators' CPU over the window, in cores (their sum): near the machine's cores, they are the limit. */
  loadgenCpu: number;
}

export class Fleet {
  private generators: Child[] = [];
  private shares: ClientSpec[][] = [];
  /** Specs of the clients told to stop reading. */
  readonly pausedSpecs = new Set<ClientSpec>();

  /**
   * `servers[i]` answers at `urls[i]`; a spec connects to node `spec.node ?? 0`. With several nodes the first one
   * is stopped last (it owns the shared schema and drops it).
   */
  constructor(
    readonly servers: Child[],
    readonly specs: ClientSpec[],
    private readonly transport: Transport,
    private readonly urls: string[],
  ) {
    if (servers.length !== urls.length || servers.length === 0) throw new Error(`${servers.length} servers for ${urls.length} URLs`);
  }

  get server(): Child {
    return this.servers[0]!;
  }

  async start(generatorCount: number): Promise<void> {
    this.shares = deal(this.specs, generatorsFor(this.specs.length, generatorCount));
    this.generators = this.shares.map((_, i) => startChild(`loadgen-${i}`, 'loadgen/worker.ts'));
    await Promise.all(this.generators.map((g, i) => g.rpc.call('init', { urls: this.urls, transport: this.transport, clients: this.shares[i] })));
  }

  /** Opens every connection (at most `concurrency` handshakes in flight per generator). */
  async connect(concurrency: number): Promise<{ opened: number; failed: number; errors: string[]; durationMs: number; handshake: Histogram; nodes: NodePhase[] }> {
    const started = performance.now();
    const parts = await this.withProgress('connect', () => this.all<ConnectResult>('connect', { concurrency }, 600_000));
    const { times, ...merged } = this.mergePhase(parts, (p) => p.handshake, started);
    return { opened: sum(parts.map((p) => p.opened)), ...merged, handshake: times };
  }

  /** Subscribes every connection to its topics; resolves when all snapshots are in. */
  async subscribe(
    call: 'subscribe' | 'resubscribe' = 'subscribe',
    concurrency = 1000,
  ): Promise<{ ready: number; failed: number; errors: string[]; durationMs: number; readyMs: Histogram; nodes: NodePhase[] }> {
    const started = performance.now();
    const parts = await this.withProgress(call, () => this.all<SubscribeResult>(call, { concurrency }, 600_000));
    const { times, ...merged } = this.mergePhase(parts, (p) => p.ready_ms, started);
    return { ready: sum(parts.map((p) => p.ready)), ...merged, readyMs: times };
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

  serverStats(gc = false, node = 0): Promise<ServerStats> {
    return this.servers[node]!.rpc.call<ServerStats>(gc ? 'gcStats' : 'stats', {}, 60_000);
  }

  /** Every node's stats, in node order. */
  nodeStats(gc = false): Promise<ServerStats[]> {
    return Promise.all(this.servers.map((_, i) => this.serverStats(gc, i)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.stop()));
    // A deskwire node closes its store and drops its schema on SIGTERM: time for that before SIGKILL.
    await Promise.all(this.servers.slice(1).map((s) => s.stop(15_000)));
    await this.server.stop(15_000);
  }

  /** A line on stderr every 10 s while a phase runs: a 50,000-connection run takes minutes, and a stall shows. */
  private async withProgress<T>(label: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const timer = setInterval(() => {
      this.all<{ done: number; failed: number }>('phase').then(
        (parts) => {
          const s = Math.round((performance.now() - started) / 1000);
          console.error(`bench: ${label}: ${sum(parts.map((p) => p.done)).toLocaleString('en-US')}/${this.specs.length.toLocaleString('en-US')} done, ${sum(parts.map((p) => p.failed))} failed, ${s} s`);
        },
        () => {},
      );
    }, 10_000);
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  }

  /** One timed phase (connect, subscribe) merged over the generators: failures, the first errors, times overall and per node. */
  private mergePhase<P extends { failed: number; errors: string[]; nodes: NodeTally[] }>(parts: P[], timesOf: (p: P) => SparseCounts, started: number) {
    const times = new Histogram();
    for (const p of parts) times.merge(timesOf(p));
    return {
      failed: sum(parts.map((p) => p.failed)),
      errors: parts.flatMap((p) => p.errors).slice(0, 5),
      durationMs: performance.now() - started,
      times,
      nodes: this.mergeNodes(parts.map((p) => p.nodes)),
    };
  }

    private mergeNodes(parts: NodeTally[][]): NodePhase[] {
    return this.urls.map((_, node) => {
      const merged: NodePhase = { ok: 0, failed: 0, durationMs: 0, times: new Histogram() };
      for (const tallies of parts) {
        const t = tallies[node];
        if (!t) continue;
        merged.ok += t.ok;
        merged.failed += t.failed;
        merged.durationMs = Math.max(merged.durationMs, t.lastMs);
        merged.times.merge(t.times);
      }
      return merged;
    });
  }

  private all<T>(type: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T[]> {
    return Promise.all(this.generators.map((g) => g.rpc.call<T>(type, args, timeoutMs)));
  }
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
