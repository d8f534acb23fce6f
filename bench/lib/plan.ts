/**
 * How big each scenario runs. `--quick` fits CI (under 3 minutes on 2 cores); the default is the figures;
 * `--scale=N` sets the subscriber count of the single-topic scenarios for an in-between run. `cluster` runs only
 * when named (`--only=cluster`): it needs PostgreSQL and Redis.
 */
import { parseArgs } from 'node:util';
import type { SystemKind } from './systems.js';

export const SCENARIOS = ['connections', 'moderate', 'fanout', 'helpdesk', 'slow', 'storm', 'import', 'cluster'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** What a run without --only runs: everything that needs no external service. */
const DEFAULT_SCENARIOS: ScenarioName[] = SCENARIOS.filter((s) => s !== 'cluster');

export interface Plan {
  mode: string;
  /** Quick: the baselines run only where a ratio is reported (connections, fan-out), and in help-desk as coalesced ws. */
  lean: boolean;
  generators: number;
  store: string;
  systems: SystemKind[];
  scenarios: ScenarioName[];
  connections: { n: number; concurrency: number };
  moderate: { subscribers: number; changesPerSec: number; durationMs: number };
  fanout: { subscribers: number; offered: number[]; durationMs: number };
  helpdesk: { shapes: { projects: number; subscribersPerProject: number }[]; offered: number; durationMs: number };
  slow: { subscribers: number; offered: number; durationMs: number; fraction: number };
  storm: { clients: number };
  /** `n` connections spread over `nodes` deskwire nodes, held `holdMs` after the last snapshot. */
  cluster: { nodes: number; n: number; holdMs: number };
  /** Rows in one history import (issue 15: 100,000 in under 30 s on the embedded store). */
  import: { rows: number };
  /** The whole run is killed after this. */
  deadlineMs: number;
}

const quick: Omit<Plan, 'systems' | 'scenarios' | 'store'> = {
  mode: 'quick',
  lean: true,
  generators: 2,
  connections: { n: 500, concurrency: 50 },
  moderate: { subscribers: 1000, changesPerSec: 20, durationMs: 4000 },
  fanout: { subscribers: 500, offered: [10_000, 40_000], durationMs: 3000 },
  helpdesk: { shapes: [{ projects: 5, subscribersPerProject: 50 }], offered: 5000, durationMs: 3000 },
  slow: { subscribers: 500, offered: 10_000, durationMs: 3000, fraction: 0.05 },
  storm: { clients: 300 },
  cluster: { nodes: 3, n: 1500, holdMs: 3000 },
  import: { rows: 20_000 },
  deadlineMs: 175_000,
};

const full: Omit<Plan, 'systems' | 'scenarios' | 'store'> = {
  mode: 'full',
  lean: false,
  generators: 3,
  connections: { n: 10_000, concurrency: 100 },
  moderate: { subscribers: 1000, changesPerSec: 20, durationMs: 10_000 },
  fanout: { subscribers: 10_000, offered: [40_000, 100_000, 200_000, 500_000, 1_000_000], durationMs: 10_000 },
  helpdesk: {
    shapes: [
      { projects: 100, subscribersPerProject: 100 },
      { projects: 1000, subscribersPerProject: 10 },
    ],
    offered: 40_000,
    durationMs: 10_000,
  },
  slow: { subscribers: 10_000, offered: 40_000, durationMs: 10_000, fraction: 0.05 },
  storm: { clients: 2000 },
  cluster: { nodes: 3, n: 50_000, holdMs: 10_000 },
  import: { rows: 100_000 },
  deadlineMs: 3_600_000,
};

export function parsePlan(argv: string[]): Plan {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scale: { type: 'string' },
      only: { type: 'string' },
      systems: { type: 'string' },
      store: { type: 'string', default: 'pglite' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      nodes: { type: 'string' },
      hold: { type: 'string' },
      deadline: { type: 'string' },
      rows: { type: 'string' },
    },
  });
  const base = structuredClone(values.quick ? quick : full);
  const plan: Plan = {
    ...base,
    store: values.store!,
    systems: (values.systems?.split(',') as SystemKind[] | undefined) ?? ['deskwire', 'ws-per-event', 'ws-coalesced', 'socketio'],
    scenarios: (values.only?.split(',') as ScenarioName[] | undefined) ?? [...DEFAULT_SCENARIOS],
  };
  if (values.scale) {
    const n = Number(values.scale);
    plan.mode = `scale-${n}`;
    plan.generators = Math.max(2, Math.ceil(n / 5000));
    plan.connections.n = n;
    plan.fanout.subscribers = n;
    plan.slow.subscribers = n;
    plan.storm.clients = Math.min(n, 2000);
    plan.helpdesk.shapes = [{ projects: Math.max(1, Math.round(n / 100)), subscribersPerProject: 100 }];
  }
  // The connections and cluster scenarios: e.g. --connections=19000, what one process may hold under the 20,000 fd
  // limit, or --nodes=3 --connections=50000 for the cluster.
  if (values.connections) plan.connections.n = plan.cluster.n = positive('--connections', values.connections);
  if (values.nodes) plan.cluster.nodes = positive('--nodes', values.nodes);
  if (values.hold) plan.cluster.holdMs = positive('--hold', values.hold) * 1000;
  if (values.rows) plan.import.rows = positive('--rows', values.rows);
  if (values.deadline) plan.deadlineMs = Number(values.deadline) * 1000;
  if (values.duration) {
    const ms = Number(values.duration) * 1000;
    plan.fanout.durationMs = plan.helpdesk.durationMs = plan.slow.durationMs = plan.moderate.durationMs = ms;
  }
  for (const s of plan.scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  return plan;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return n;
}
