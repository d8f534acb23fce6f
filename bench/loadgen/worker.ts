/**
 * A load generator process: holds its share of the connections (a process may hold at most ~20,000 sockets, the
 * hard fd limit) and answers the orchestrator's calls: connect, subscribe, reset, pause, collect, resubscribe.
 */
import { Histogram } from '../lib/histogram.js';
import { serveRpc } from '../lib/rpc.js';
import type { ClassTally, ClientSpec, CollectResult, ConnectResult, NodeTally, SubscribeResult, Transport } from '../lib/types.js';
import { BenchConnection, type LiveSink } from './connection.js';
import { inPool } from './pool.js';

/** One URL per server node; a client connects to `urls[spec.node ?? 0]`. */
let urls: string[] = [];
let transport: Transport = 'ws';
let conns: BenchConnection[] = [];
let latency = new Histogram();
let firstAt: number | null = null;
let lastAt: number | null = null;
let frames = 0;
let bytes = 0;
let errorFrames = 0;
let cpuAtReset = process.cpuUsage();
let resetAt = performance.now();

const sink: LiveSink = {
  live(conn, _seq, changedAt, size) {
    const now = Date.now();
    firstAt ??= now;
    lastAt = now;
    frames++;
    bytes += size;
    if (!conn.paused && !Number.isNaN(changedAt)) latency.record(now - changedAt);
  },
  error() {
    errorFrames++;
  },
};

function keepErrors(errors: string[], e: unknown): void {
  if (errors.length < 5) errors.push(e instanceof Error ? e.message : String(e));
}

/** Clients done with the current phase (connect or subscribe), for the orchestrator's progress line. */
const phase = { done: 0, failed: 0 };

/** Per-node tallies of one phase, so a multi-node run can report each node apart. */
function nodeTallies(started: number) {
  const tallies = urls.map(() => ({ ok: 0, failed: 0, lastMs: 0, times: new Histogram() }));
  phase.done = phase.failed = 0;
  return {
    done(c: BenchConnection, ms: number | null): void {
      const t = tallies[c.spec.node ?? 0]!;
      phase.done++;
      if (ms === null) {
        t.failed++;
        phase.failed++;
      } else {
        t.ok++;
        t.times.record(ms);
      }
      t.lastMs = performance.now() - started;
    },
    toJSON: (): NodeTally[] => tallies.map((t) => ({ ok: t.ok, failed: t.failed, lastMs: t.lastMs, times: t.times.toJSON() })),
  };
}

/**
 * Runs `step` on each connection, `concurrency` at a time, timing it: the times of the ones that succeeded (overall and
 * per server node), how many failed and the first errors.
 */
async function timed(which: BenchConnection[], concurrency: number, step: (c: BenchConnection) => Promise<number>) {
  const times = new Histogram();
  const errors: string[] = [];
  let failed = 0;
  const started = performance.now();
  const nodes = nodeTallies(started);
  await inPool(which, concurrency, async (c) => {
    try {
      const ms = await step(c);
      times.record(ms);
      nodes.done(c, ms);
    } catch (e) {
      failed++;
      nodes.done(c, null);
      keepErrors(errors, e);
    }
  });
  return { times, failed, errors, durationMs: performance.now() - started, nodes: nodes.toJSON() };
}

async function connect(concurrency: number, which: BenchConnection[] = conns): Promise<ConnectResult> {
  const r = await timed(which, concurrency, (c) => c.open(urls[c.spec.node ?? 0]!));
  return { opened: which.length - r.failed, failed: r.failed, errors: r.errors, durationMs: r.durationMs, handshake: r.times.toJSON(), nodes: r.nodes };
}

async function subscribe(concurrency: number, run: (c: BenchConnection) => Promise<number>): Promise<SubscribeResult> {
  const r = await timed(conns.filter((c) => c.closeCode === null), concurrency, run);
  return { ready: r.times.count, failed: r.failed, errors: r.errors, durationMs: r.durationMs, ready_ms: r.times.toJSON(), nodes: r.nodes };
}

serveRpc({
  init(req) {
    urls = req.urls as string[];
    transport = req.transport as Transport;
    conns = (req.clients as ClientSpec[]).map((spec) => new BenchConnection(spec, transport, sink));
    return { clients: conns.length };
  },
  connect: (req) => connect(req.concurrency as number),
  subscribe: (req) => subscribe(req.concurrency as number, (c) => c.subscribeAll()),
  /** Every client subscribes to its measured topic again at once (the server must send a fresh snapshot). */
  resubscribe: () => subscribe(Number.MAX_SAFE_INTEGER, (c) => c.subscribe(c.spec.topics[0]!)),
  /** Every client drops its connection and comes back: handshake, then all its subscriptions. */
  async reconnect(req) {
    for (const c of conns) c.close();
    await new Promise((r) => setTimeout(r, 200));
    conns = conns.map((c) => new BenchConnection(c.spec, transport, sink));
    const started = performance.now();
    const connected = await connect(req.concurrency as number);
    const subscribed = await subscribe(Number.MAX_SAFE_INTEGER, (c) => c.subscribeAll());
    return { connected, subscribed, durationMs: performance.now() - started };
  },
  reset() {
    for (const c of conns) c.resetCounters();
    latency = new Histogram();
    firstAt = lastAt = null;
    frames = bytes = errorFrames = 0;
    cpuAtReset = process.cpuUsage();
    resetAt = performance.now();
    return true;
  },
  /** The first `count` clients stop reading (slow consumers); they are left out of every tally. */
  pause(req) {
    const n = req.count as number;
    for (const c of conns.slice(0, n)) c.pause();
    return n;
  },
  /** Per class: unique events, duplicates and losses against what the writer says it committed. */
  collect(req): CollectResult {
    const expected = req.expected as Record<string, number>;
    const classes: Record<string, ClassTally> = {};
    const closed: Record<string, number> = {};
    let paused = 0;
    for (const c of conns) {
      if (c.closeCode !== null) closed[c.closeCode] = (closed[c.closeCode] ?? 0) + 1;
      if (c.paused) {
        paused++;
        continue;
      }
      const t = (classes[c.spec.cls] ??= { clients: 0, unique: 0, duplicated: 0, lost: 0, extra: 0 });
      t.clients++;
      t.unique += c.unique;
      t.duplicated += c.duplicated;
      t.lost += Math.max(0, (expected[c.spec.cls] ?? 0) - c.unique);
      t.extra += Math.max(0, c.unique - (expected[c.spec.cls] ?? 0));
    }
    const cpu = process.cpuUsage(cpuAtReset);
    const wallMs = performance.now() - resetAt;
    return { classes, latency: latency.toJSON(), firstAt, lastAt, frames, bytes, errorFrames, closed, paused, cpuMicros: cpu.user + cpu.system, wallMs };
  },
  /** How far the running connect or subscribe phase is. */
  phase: () => ({ ...phase }),
  /** Total unique live events so far on non-paused clients: the orchestrator polls it to know delivery is done. */
  progress() {
    let unique = 0;
    for (const c of conns) if (!c.paused) unique += c.unique;
    return unique;
  },
  close() {
    for (const c of conns) c.close();
    return true;
  },
});
