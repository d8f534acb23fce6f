/**
 * A discrete-event simulation of the multi-agent queue the capacity model computes in closed form: Poisson
 * arrivals, exponential handle times, first come first served, and optionally exponential patience (a visitor still
 * waiting when it runs out leaves). It checks the formulas by an independent route: it knows nothing of Erlang B,
 * uniformization or the negative-binomial identity, only the rules of the queue.
 *
 * Service completions are drawn as one clock of rate busy·μ, re-drawn at every event (exact: exponential clocks
 * are memoryless). Abandonment is handled lazily: a server that frees up skips the visitors whose deadline has
 * passed — exact for FIFO, because someone who left never delays anyone.
 */
import { exponential } from './seeded-random.js';

export interface QueueModel {
  servers: number;
  arrivalsPerSecond: number;
  handleSeconds: number;
  /** Mean patience; Infinity: nobody leaves. */
  patienceSeconds: number;
  withinSeconds: number;
}

export interface QueueTally {
  offered: number;
  foundAllBusy: number;
  answered: number;
  answeredWithin: number;
  abandoned: number;
  abandonedWithin: number;
  answeredWaitSum: number;
}

interface Waiting {
  arrival: number;
  deadline: number;
  tracked: boolean;
}

class Queue {
  private items: Waiting[] = [];
  private head = 0;
  push(w: Waiting) {
    this.items.push(w);
  }
  shift(): Waiting | undefined {
    const w = this.items[this.head];
    if (w !== undefined) this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }
  get length() {
    return this.items.length - this.head;
  }
}

function emptyTally(): QueueTally {
  return { offered: 0, foundAllBusy: 0, answered: 0, answeredWithin: 0, abandoned: 0, abandonedWithin: 0, answeredWaitSum: 0 };
}

/**
 * Long-run figures: `visitors` visitors are tallied after `warmup` untallied ones, and the run goes on until every
 * tallied visitor was answered or left.
 */
export function simulateSteadyState(m: QueueModel, visitors: number, warmup: number, random: () => number): QueueTally {
  const tally = emptyTally();
  const queue = new Queue();
  let t = 0;
  let busy = 0;
  let arrived = 0;
  let nextArrival = exponential(random, 1 / m.arrivalsPerSecond);
  let undecided = 0;
  const decide = (w: Waiting, answeredAt: number | null) => {
    if (!w.tracked) return;
    undecided--;
    if (answeredAt === null) {
      tally.abandoned++;
      if (w.deadline - w.arrival <= m.withinSeconds) tally.abandonedWithin++;
    } else {
      tally.answered++;
      tally.answeredWaitSum += answeredAt - w.arrival;
      if (answeredAt - w.arrival <= m.withinSeconds) tally.answeredWithin++;
    }
  };
  while (arrived < warmup + visitors || undecided > 0) {
    const completionRate = busy / m.handleSeconds;
    const nextCompletion = completionRate > 0 ? t + exponential(random, 1 / completionRate) : Number.POSITIVE_INFINITY;
    if (nextArrival <= nextCompletion) {
      t = nextArrival;
      nextArrival = t + exponential(random, 1 / m.arrivalsPerSecond);
      const tracked = arrived >= warmup && arrived < warmup + visitors;
      arrived++;
      const w: Waiting = { arrival: t, deadline: t + exponential(random, m.patienceSeconds), tracked };
      if (tracked) {
        tally.offered++;
        undecided++;
      }
      if (busy < m.servers) {
        busy++;
        decide(w, t);
      } else {
        if (tracked) tally.foundAllBusy++;
        queue.push(w);
      }
    } else {
      t = nextCompletion;
      busy--;
      for (let w = queue.shift(); w !== undefined; w = queue.shift()) {
        if (w.deadline <= t) {
          decide(w, null);
          continue;
        }
        busy++;
        decide(w, t);
        break;
      }
    }
  }
  return tally;
}

/**
 * The next `horizonSeconds` from "every agent busy and these requests waiting (waited so far)": arrivals in the
 * horizon, nobody abandons, FIFO. Returns, summed over `runs` runs, the requests (waiting + arrived) and those
 * answered within the threshold.
 */
export function simulateBacklog(
  m: Omit<QueueModel, 'patienceSeconds'>,
  waitedSeconds: readonly number[],
  horizonSeconds: number,
  runs: number,
  random: () => number,
): { requests: number; answeredWithin: number } {
  let requests = 0;
  let answeredWithin = 0;
  const oldestFirst = [...waitedSeconds].sort((a, b) => b - a);
  for (let run = 0; run < runs; run++) {
    const queue = new Queue();
    for (const waited of oldestFirst) queue.push({ arrival: -waited, deadline: Number.POSITIVE_INFINITY, tracked: true });
    requests += oldestFirst.length;
    let busy = oldestFirst.length > 0 ? m.servers : 0;
    let t = 0;
    let nextArrival = exponential(random, 1 / m.arrivalsPerSecond);
    // After the horizon no one new counts, and under FIFO later arrivals cannot delay earlier ones: drain and stop.
    while (nextArrival <= horizonSeconds || queue.length > 0) {
      const completionRate = busy / m.handleSeconds;
      const nextCompletion = completionRate > 0 ? t + exponential(random, 1 / completionRate) : Number.POSITIVE_INFINITY;
      if (nextArrival <= horizonSeconds && nextArrival <= nextCompletion) {
        t = nextArrival;
        nextArrival = t + exponential(random, 1 / m.arrivalsPerSecond);
        requests++;
        if (busy < m.servers) {
          busy++;
          answeredWithin++;
        } else queue.push({ arrival: t, deadline: Number.POSITIVE_INFINITY, tracked: true });
      } else {
        if (nextCompletion === Number.POSITIVE_INFINITY) break; // no agents: nobody waiting is ever answered
        t = nextCompletion;
        busy--;
        const w = queue.shift();
        if (w !== undefined) {
          busy++;
          if (t - w.arrival <= m.withinSeconds) answeredWithin++;
        }
      }
    }
  }
  return { requests, answeredWithin };
}
