/**
 * One load point: reset the counters, drive changes at a rate for a while, wait until every expected delivery
 * arrived (or nothing moved for a few seconds), then tally deliveries, latency, losses and duplicates.
 */
import { sum } from './fleet.js';
import type { DriveResult, System } from './systems.js';

export interface LoadPoint {
  system: string;
  subscribers: number;
  changesPerSec: number;
  offeredPerSec: number;
  deliveredPerSec: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  delivered: number;
  expected: number;
  lost: number;
  duplicated: number;
  /** Deliveries beyond what the client's visibility allows: must be 0. */
  extra: number;
  errorFrames: number;
  closed: Record<string, number>;
  frameBytes: number | null;
  peakRssMB: number;
  /** Store statements per committed change, everything the server did in the window included (deskwire only). */
  queriesPerChange: number | null;
  /** Server CPU seconds per wall second over the window (1 = one core busy). */
  serverCpu: number;
  loadgenCpu: number;
  write?: DriveResult['write'];
}

const STALL_MS = 3000;
const DRAIN_MAX_MS = 30_000;

export async function measureLoad(sys: System, changesPerSec: number, durationMs: number): Promise<LoadPoint> {
  const { fleet } = sys;
  await fleet.reset();
  const before = await fleet.serverStats();
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    fleet.serverStats().then((s) => (peakRss = Math.max(peakRss, s.rss)), () => {});
  }, 250);
  const startedAt = Date.now();
  const drive = await sys.drive(changesPerSec, durationMs);
  const expected = sum(fleet.specs.filter((s) => !fleet.pausedSpecs.has(s)).map((s) => drive.expected[s.cls] ?? 0));

  // Drain: until all expected deliveries are in, or progress stalls.
  let last = -1;
  let lastMoved = Date.now();
  const drainStarted = Date.now();
  for (;;) {
    const now = await fleet.progress();
    if (now >= expected) break;
    if (now !== last) {
      last = now;
      lastMoved = Date.now();
    } else if (Date.now() - lastMoved > STALL_MS) break;
    if (Date.now() - drainStarted > DRAIN_MAX_MS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  clearInterval(sampler);
  const after = await fleet.serverStats();
  const wallMs = Date.now() - startedAt;
  const c = await fleet.collect(drive.expected);
  const tallies = Object.values(c.classes);
  const delivered = sum(tallies.map((t) => t.unique));
  const spanMs = c.lastAt === null ? drive.durationMs : Math.max(c.lastAt - startedAt, drive.durationMs);
  const lat = c.latency.summary();
  return {
    system: sys.kind,
    subscribers: fleet.specs.length,
    changesPerSec: Math.round((drive.changes * 1000) / drive.durationMs),
    offeredPerSec: Math.round((expected * 1000) / drive.durationMs),
    deliveredPerSec: Math.round((delivered * 1000) / spanMs),
    p50: lat.p50,
    p99: lat.p99,
    max: lat.max,
    delivered,
    expected,
    lost: sum(tallies.map((t) => t.lost)),
    duplicated: sum(tallies.map((t) => t.duplicated)),
    extra: sum(tallies.map((t) => t.extra)),
    errorFrames: c.errorFrames,
    closed: c.closed,
    frameBytes: c.frames > 0 && c.bytes > 0 ? Math.round(c.bytes / c.frames) : null,
    peakRssMB: Math.round(peakRss / 1048576),
    queriesPerChange: after.store && before.store && drive.changes > 0 ? Math.round(((after.store.queries - before.store.queries) / drive.changes) * 10) / 10 : null,
    loadgenCpu: c.loadgenCpu,
    serverCpu: Math.round(((after.cpuMicros - before.cpuMicros) / 1000 / wallMs) * 100) / 100,
    ...(drive.write ? { write: drive.write } : {}),
  };
}
