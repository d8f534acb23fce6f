/**
 * Slow consumers: the same load twice on one server, first with every client reading, then with 5 % that stopped
 * reading. The others' p99 should barely move, and the server's memory stays bounded by the per-connection
 * outbound cap (WS_OUTBOUND_BUFFER_MAX_BYTES), after which a slow client is closed with 4008.
 */
import { measureLoad } from '../lib/measure.js';
import type { Plan } from '../lib/plan.js';
import { startSystem, warmUp } from '../lib/systems.js';
import { loadProblems, loadRow } from './load-row.js';
import type { Row, ScenarioResult } from './result.js';
import { establish } from './establish.js';

export async function slow(plan: Plan): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const problems: string[] = [];
  const { subscribers, offered, durationMs, fraction } = plan.slow;
  // Only deskwire caps what it buffers for a client; the raw baselines would buffer without bound.
  for (const kind of plan.systems.filter((k) => k === 'deskwire')) {
    const sys = await startSystem(kind, { projects: 1, subscribersPerProject: subscribers }, plan.generators, plan.store);
    try {
      await establish(sys, plan, problems);
      const rate = offered / sys.fanoutPerChange;
      await warmUp(sys, offered);
      const normal = await measureLoad(sys, rate, durationMs);
      rows.push(loadRow(normal, { 'slow clients': 0, 'closed 4008': 0 }));
      problems.push(...loadProblems(normal, ' (all reading)'));
      const paused = await sys.fleet.pause(fraction);
      const withSlow = await measureLoad(sys, rate, durationMs);
      rows.push(loadRow(withSlow, { 'slow clients': paused, 'closed 4008': withSlow.closed['4008'] ?? 0 }));
      problems.push(...loadProblems(withSlow, ` (${paused} slow)`));
    } finally {
      await sys.stop();
    }
  }
  return { scenario: 'slow', rows, problems };
}
