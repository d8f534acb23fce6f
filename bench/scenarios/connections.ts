/**
 * Connections: N authenticated clients, each subscribed to the project's requests and its own project user.
 * Handshake rate (opened / time to open all, `concurrency` handshakes in flight per generator), time until every
 * snapshot is in, and server memory per connection (RSS and heap after a full GC, minus the same before).
 */
import type { Plan } from '../lib/plan.js';
import { startSystem } from '../lib/systems.js';
import { memoryRow } from './memory-row.js';
import { type Row, type ScenarioResult } from './result.js';

export async function connections(plan: Plan): Promise<ScenarioResult> {
  const { n, concurrency } = plan.connections;
  const rows: Row[] = [];
  const problems: string[] = [];
  // The two ws baselines differ only in how they write; one stands for both here.
  for (const kind of plan.systems.filter((k) => k !== 'ws-coalesced')) {
    const sys = await startSystem(kind, { projects: 1, subscribersPerProject: n }, plan.generators, plan.store);
    try {
      // Each connection is one fd: a server still at a low soft limit would refuse the rest with EMFILE.
      if (sys.fdLimit && n >= sys.fdLimit) problems.push(`${kind}: the server may open ${sys.fdLimit} files, fewer than ${n} connections`);
      const before = await sys.fleet.serverStats(true);
      const opened = await sys.fleet.connect(concurrency);
      const subscribed = await sys.fleet.subscribe('subscribe', concurrency);
      await new Promise((r) => setTimeout(r, 1000));
      const after = await sys.fleet.serverStats(true);
      const held = opened.opened;
      if (opened.failed > 0 || subscribed.failed > 0) problems.push(`${kind}: ${opened.failed} handshakes and ${subscribed.failed} subscriptions failed: ${[...opened.errors, ...subscribed.errors].join('; ')}`);
      const hs = opened.handshake.summary();
      rows.push({
        system: kind,
        connections: held,
        'handshakes/s': Math.round((held * 1000) / opened.durationMs),
        'handshake p50 ms': hs.p50,
        'handshake p99 ms': hs.p99,
        'established s': Math.round((opened.durationMs + subscribed.durationMs) / 100) / 10,
        'snapshot p99 ms': subscribed.readyMs.summary().p99,
        ...memoryRow(before, after, held),
        'store queries/conn': after.store && before.store && held > 0 ? Math.round(((after.store.queries - before.store.queries) / held) * 10) / 10 : null,
      });
    } finally {
      await sys.stop();
    }
  }
  return { scenario: 'connections', rows, problems };
}
