/** Memory and CPU of the server process, after a full GC when asked (the server runs with --expose-gc). */
import type { ServerStats } from '../lib/types.js';

export function processStats(connections?: number): ServerStats {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, cpuMicros: cpu.user + cpu.system, ...(connections === undefined ? {} : { connections }) };
}

export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  // Twice, with a turn in between, so finalizers and weak callbacks of the first pass are collected too.
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
}
