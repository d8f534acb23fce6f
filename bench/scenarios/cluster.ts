/**
 * Cluster: N deskwire nodes (one PostgreSQL schema, one Redis) hold the connections scenario's clients together,
 * spread round-robin over the nodes. Per node and in total: connections the server holds after a hold period,
 * handshake rate, time to establish, snapshot p99, and memory per connection after a full GC. Sane only when every
 * client connected, subscribed and stayed connected, and each node holds exactly the clients it was given.
 */
import { startCluster } from '../lib/cluster.js';
import type { NodePhase } from '../lib/fleet.js';
import type { Plan } from '../lib/plan.js';
import { perNode } from '../lib/spread.js';
import type { ServerStats } from '../lib/types.js';
import { memoryRow } from './memory-row.js';
import { type Row, type ScenarioResult } from './result.js';

export async function cluster(plan: Plan): Promise<ScenarioResult> {
  const { nodes, n, holdMs } = plan.cluster;
  const { concurrency } = plan.connections;
  const problems: string[] = [];
  const c = await startCluster({ nodes, clients: n, generators: plan.generators, store: plan.store });
  try {
    const { fleet } = c;
    const assigned = perNode(fleet.specs, nodes);
    const before = await fleet.nodeStats(true);
    const opened = await fleet.connect(concurrency);
    const subscribed = await fleet.subscribe('subscribe', concurrency);
    // Held means still open after a while, not just opened: closes and error frames during the hold count as failures.
    await new Promise((r) => setTimeout(r, holdMs));
    const after = await fleet.nodeStats(true);
    const tally = await fleet.collect({});
    const closed = Object.values(tally.closed).reduce((a, b) => a + b, 0);

    const rows: Row[] = c.nodes.map((node, i) =>
      row(`${i + 1}`, assigned[i]!, before[i]!, after[i]!, opened.nodes[i]!, subscribed.nodes[i]!, { fdLimit: node.fdLimit }),
    );
    const held = after.reduce((a, s) => a + (s.connections ?? 0), 0);
    const sumStats = (xs: ServerStats[]): ServerStats => ({
      rss: xs.reduce((a, s) => a + s.rss, 0),
      heapUsed: xs.reduce((a, s) => a + s.heapUsed, 0),
      external: 0,
      arrayBuffers: 0,
      cpuMicros: xs.reduce((a, s) => a + s.cpuMicros, 0),
      connections: xs.reduce((a, s) => a + (s.connections ?? 0), 0),
    });
    const allConnect: NodePhase = { ok: opened.opened, failed: opened.failed, durationMs: opened.durationMs, times: opened.handshake };
    const allSubscribe: NodePhase = { ok: subscribed.ready, failed: subscribed.failed, durationMs: subscribed.durationMs, times: subscribed.readyMs };
    rows.push(row('all', n, sumStats(before), sumStats(after), allConnect, allSubscribe, { closed, errorFrames: tally.errorFrames }));

    if (opened.failed + subscribed.failed > 0) {
      problems.push(`cluster: ${opened.failed} handshakes and ${subscribed.failed} subscriptions failed: ${[...opened.errors, ...subscribed.errors].join('; ')}`);
    }
    if (closed > 0 || tally.errorFrames > 0) problems.push(`cluster: ${closed} connections closed (${JSON.stringify(tally.closed)}) and ${tally.errorFrames} error frames during the run`);
    after.forEach((s, i) => {
      if (s.connections !== assigned[i]) problems.push(`cluster: node ${i + 1} holds ${s.connections ?? '?'} connections of the ${assigned[i]} sent to it`);
    });
    if (held !== n) problems.push(`cluster: ${held} of ${n} connections held`);
    return { scenario: 'cluster', rows, problems, details: { nodes, redisUrl: c.redisUrl, seedMs: Math.round(c.seedMs), holdMs } };
  } finally {
    await c.stop();
  }
}

function row(node: string, clients: number, before: ServerStats, after: ServerStats, connect: NodePhase, subscribe: NodePhase, extra: { fdLimit?: number | null; closed?: number; errorFrames?: number }): Row {
  const held = after.connections ?? 0;
  const hs = connect.times.summary();
  return {
    system: 'deskwire',
    node,
    clients,
    connections: held,
    failed: connect.failed + subscribe.failed,
    closed: extra.closed ?? null,
    'error frames': extra.errorFrames ?? null,
    'handshakes/s': connect.durationMs > 0 ? Math.round((connect.ok * 1000) / connect.durationMs) : null,
    'handshake p50 ms': hs.p50,
    'handshake p99 ms': hs.p99,
    'established s': Math.round((connect.durationMs + subscribe.durationMs) / 100) / 10,
    'snapshot p99 ms': subscribe.times.summary().p99,
    ...memoryRow(before, after, held),
    'server heap MB': Math.round(after.heapUsed / 1048576),
    'fd limit': extra.fdLimit ?? null,
  };
}
