/**
 * Help-desk shape: many projects with a few subscribers each and independent change streams (changes go
 * round-robin over every project's requests). The Socket.IO baseline is left out: rooms per project change
 * nothing in its cost per delivery, which fan-out already measures.
 */
import { measureLoad } from '../lib/measure.js';
import type { Plan } from '../lib/plan.js';
import { startSystem, warmUp } from '../lib/systems.js';
import { loadProblems, loadRow } from './load-row.js';
import type { Row, ScenarioResult } from './result.js';
import { establish } from './establish.js';

export async function helpdesk(plan: Plan): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const problems: string[] = [];
  const { offered, durationMs } = plan.helpdesk;
  for (const shape of plan.helpdesk.shapes) {
    for (const kind of plan.systems.filter((k) => k !== 'socketio' && !(plan.lean && k === 'ws-per-event'))) {
      const sys = await startSystem(kind, shape, plan.generators, plan.store);
      try {
        await establish(sys, plan, problems);
        await warmUp(sys, offered);
        const point = await measureLoad(sys, offered / sys.fanoutPerChange, durationMs);
        rows.push(loadRow(point, { shape: `${shape.projects}×${shape.subscribersPerProject}` }, offered));
        problems.push(...loadProblems(point, ` ${shape.projects}×${shape.subscribersPerProject}`));
      } finally {
        await sys.stop();
      }
    }
  }
  return { scenario: 'helpdesk', rows, problems };
}
