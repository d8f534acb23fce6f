/**
 * Snapshot storm: every client comes back at once, as after a deploy. Two herds: all resubscribe on their open
 * connections (a fresh snapshot each: store reads only), then all drop and reconnect (handshakes, then every
 * subscription again). Reported: time until the last client has all its snapshots, and the server CPU it cost.
 */
import type { Plan } from '../lib/plan.js';
import { startSystem } from '../lib/systems.js';
import type { Row, ScenarioResult } from './result.js';
import { establish } from './establish.js';

export async function storm(plan: Plan): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const problems: string[] = [];
  const clients = plan.storm.clients;
  for (const kind of plan.systems.filter((k) => k === 'deskwire' || (k === 'ws-per-event' && !plan.lean))) {
    const sys = await startSystem(kind, { projects: 1, subscribersPerProject: clients }, plan.generators, plan.store);
    try {
      await establish(sys, plan, problems);
      const s0 = await sys.fleet.serverStats();
      const resub = await sys.fleet.subscribe('resubscribe');
      const s1 = await sys.fleet.serverStats();
      const re = await sys.fleet.reconnect(1000);
      const s2 = await sys.fleet.serverStats();
      const [cpu0, cpu1, cpu2] = [s0.cpuMicros, s1.cpuMicros, s2.cpuMicros];
      const queries = (a: typeof s0, b: typeof s0) => (a.store && b.store ? b.store.queries - a.store.queries : null);
      if (resub.failed > 0) problems.push(`${kind}: ${resub.failed} resubscriptions failed: ${resub.errors.join('; ')}`);
      if (re.failed > 0 || re.ready < clients) problems.push(`${kind}: reconnect storm: ${re.failed} failed, ${re.ready}/${clients} ready: ${re.errors.join('; ')}`);
      const r = resub.readyMs.summary();
      rows.push({
        system: kind,
        clients,
        'resubscribe: all in s': Math.round(resub.durationMs / 10) / 100,
        'snapshot p50 ms': r.p50,
        'snapshot p99 ms': r.p99,
        'server CPU s': Math.round((cpu1 - cpu0) / 10_000) / 100,
        'store queries': queries(s0, s1),
        'reconnect: all in s': Math.round(re.durationMs / 10) / 100,
        'reconnect CPU s': Math.round((cpu2 - cpu1) / 10_000) / 100,
        'reconnect queries': queries(s1, s2),
      });
    } finally {
      await sys.stop();
    }
  }
  return { scenario: 'storm', rows, problems };
}
