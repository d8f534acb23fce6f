/**
 * How big each scenario runs. `--quick` fits CI (under 3 minutes on 2 cores); the default is the figures;
 * `--scale=N` sets the subscriber count of the single-topic scenarios for an in-between run.
 */
import { parseArgs } from 'node:util';
import type { SystemKind } from './systems.js';

export const SCENARIOS = ['connections', 'fanout', 'helpdesk', 'slow', 'storm'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Plan {
  mode: string;
  generators: number;
  store: string;
  systems: SystemKind[];
  scenarios: ScenarioName[];
  connections: { n: number; concurrency: number };
  fanout: { subscribers: number; offered: number[]; durationMs: number };
  helpdesk: { shapes: { projects: number; subscribersPerProject: number }[]; offered: number; durationMs: number };
  slow: { subscribers: number; offered: number; durationMs: number; fraction: number };
  storm: { clients: number };
  /** The whole run is killed after this. */
  deadlineMs: number;
}

const quick: Omit<Plan, 'systems' | 'scenarios' | 'store'> = {
  mode: 'quick',
  generators: 2,
  connections: { n: 1000, concurrency: 50 },
  fanout: { subscribers: 1000, offered: [20_000, 50_000, 100_000], durationMs: 4000 },
  helpdesk: { shapes: [{ projects: 10, subscribersPerProject: 50 }], offered: 10_000, durationMs: 4000 },
  slow: { subscribers: 1000, offered: 20_000, durationMs: 4000, fraction: 0.05 },
  storm: { clients: 500 },
  deadlineMs: 170_000,
};

const full: Omit<Plan, 'systems' | 'scenarios' | 'store'> = {
  mode: 'full',
  generators: 3,
  connections: { n: 10_000, concurrency: 100 },
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
    },
  });
  const base = structuredClone(values.quick ? quick : full);
  const plan: Plan = {
    ...base,
    store: values.store!,
    systems: (values.systems?.split(',') as SystemKind[] | undefined) ?? ['deskwire', 'ws-per-event', 'ws-coalesced', 'socketio'],
    scenarios: (values.only?.split(',') as ScenarioName[] | undefined) ?? [...SCENARIOS],
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
  if (values.duration) {
    const ms = Number(values.duration) * 1000;
    plan.fanout.durationMs = plan.helpdesk.durationMs = plan.slow.durationMs = ms;
  }
  for (const s of plan.scenarios) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; known: ${SCENARIOS.join(', ')}`);
  return plan;
}
