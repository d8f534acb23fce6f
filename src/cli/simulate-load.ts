/**
 * How much traffic `simulate` offers, and where it goes: an arrival rate derived from what the simulated agents
 * can carry, and departments weighted by the simulated agents in them, so every agent gets work and no department
 * fills with requests nobody simulated can take.
 */
import type { Random } from './simulate-random.js';

export interface Capacity {
  agents: number;
  /** Conversations an agent handles at once. */
  chatsPerAgent: number;
  handleTimeMs: number;
  /** The share of the time an agent is available (not on a break). */
  availableShare: number;
}

/**
 * Visitors per minute the agents can serve at full occupancy: every chat slot of every available agent busy all
 * the time, each conversation holding its slot for the mean handle time (Little's law: rate = slots / time).
 */
export function capacityPerMinute(c: Capacity): number {
  return (c.agents * c.chatsPerAgent * c.availableShare * 60_000) / c.handleTimeMs;
}

/** The arrival rate offering `load` × capacity (0.7: the agents are 70 % occupied on average; above 1: overload). */
export function arrivalsPerMinute(c: Capacity, load: number): number {
  return capacityPerMinute(c) * load;
}

export interface DepartmentInfo {
  _id: string;
  name: string;
  members: string[];
}

export interface WeightedDepartment {
  id: string;
  name: string;
  /** The share of visitors that choose it (the shares add up to 1). */
  share: number;
}

/**
 * Each department's share of visitors: the simulated agents in it, an agent in several departments counting
 * split between them. Departments without a simulated agent get none (their requests would wait for ever); when
 * no department has one, the list is empty and visitors go to the default department.
 */
export function departmentShares(departments: readonly DepartmentInfo[], agentIds: readonly string[]): WeightedDepartment[] {
  const weights = new Map<string, number>();
  for (const agent of agentIds) {
    const of = departments.filter((d) => d.members.includes(agent));
    for (const d of of) weights.set(d._id, (weights.get(d._id) ?? 0) + 1 / of.length);
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  return departments.filter((d) => weights.has(d._id)).map((d) => ({ id: d._id, name: d.name, share: weights.get(d._id)! / total }));
}

/** A department drawn by share; undefined (the default department) when there is none to choose. */
export function chooseDepartment(shares: readonly WeightedDepartment[], random: Random): WeightedDepartment | undefined {
  let x = random();
  for (const d of shares) {
    if (x < d.share) return d;
    x -= d.share;
  }
  return shares[shares.length - 1];
}
