import type { Plan } from '../lib/plan.js';
import type { System } from '../lib/systems.js';

/** Every client of the system connects, then subscribes to its topics; the clients that failed either are a problem. */
export async function establish(sys: System, plan: Plan, problems: string[]): Promise<void> {
  const c = await sys.fleet.connect(plan.connections.concurrency);
  const s = await sys.fleet.subscribe();
  if (c.failed + s.failed > 0) problems.push(`${sys.kind}: ${c.failed + s.failed} clients failed to connect or subscribe`);
}
