/**
 * Moderate load (issue 8): 1,000 subscribers of one project's requests, 20 changes per second through the real
 * write path. What a help desk feels day to day: commit-to-receive latency when nothing is saturated.
 */
import { measureLoad } from '../lib/measure.js';
import type { Plan } from '../lib/plan.js';
import { startSystem, warmUp } from '../lib/systems.js';
import { loadProblems, loadRow } from './load-row.js';
import type { Row, ScenarioResult } from './result.js';
import { establish } from './establish.js';

export async function moderate(plan: Plan): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const problems: string[] = [];
  const { subscribers, changesPerSec, durationMs } = plan.moderate;
  for (const kind of plan.systems.filter((k) => k === 'deskwire' || (k === 'ws-per-event' && !plan.lean))) {
    const sys = await startSystem(kind, { projects: 1, subscribersPerProject: subscribers }, plan.generators, plan.store);
    try {
      await establish(sys, plan, problems);
      await warmUp(sys, changesPerSec * sys.fanoutPerChange);
      const point = await measureLoad(sys, changesPerSec, durationMs);
      rows.push(loadRow(point));
      problems.push(...loadProblems(point));
    } finally {
      await sys.stop();
    }
  }
  return { scenario: 'moderate', rows, problems };
}
