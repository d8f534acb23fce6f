/**
 * Fan-out: one project, S subscribers of `/P/requests` (a few hundred agents seeing their pool, the rest seeing
 * everything), changes at a swept rate. Offered rates are in deliveries per second; the change rate is derived
 * from how many subscribers see an average change. A system that fell far behind is not pushed harder.
 */
import { measureLoad, type LoadPoint } from '../lib/measure.js';
import type { Plan } from '../lib/plan.js';
import { startSystem, warmUp } from '../lib/systems.js';
import { loadRow, loadProblems } from './load-row.js';
import type { Row, ScenarioResult } from './result.js';
import { establish } from './establish.js';

export async function fanout(plan: Plan): Promise<ScenarioResult> {
  const { subscribers, offered, durationMs } = plan.fanout;
  const rows: Row[] = [];
  const problems: string[] = [];
  const points: LoadPoint[] = [];
  for (const kind of plan.systems) {
    const sys = await startSystem(kind, { projects: 1, subscribersPerProject: subscribers }, plan.generators, plan.store);
    try {
      await establish(sys, plan, problems);
      await warmUp(sys, offered[0]!);
      for (const rate of offered) {
        const point = await measureLoad(sys, rate / sys.fanoutPerChange, durationMs);
        points.push(point);
        rows.push(loadRow(point, {}, rate));
        problems.push(...loadProblems(point));
        // Saturated: the changes could not be made at the rate (write path or pacer starved), under half was
        // delivered in time, or p99 is over 5 s. Pushing harder would only take longer to say the same.
        if (point.offeredPerSec < rate / 2 || point.deliveredPerSec < point.offeredPerSec / 2 || (point.p99 ?? 0) > 5000) break;
      }
    } finally {
      await sys.stop();
    }
  }
  return { scenario: 'fanout', rows, problems, details: points };
}
