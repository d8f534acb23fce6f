/** Memory and CPU of the server process, after a full GC when asked (the server runs with --expose-gc). */
import { readFileSync } from 'node:fs';
import type { ServerStats } from '../lib/types.js';

export function processStats(connections?: number): ServerStats {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, cpuMicros: cpu.user + cpu.system, ...(connections === undefined ? {} : { connections }) };
}

export { collectGarbage } from '../../src/observability/full-gc.js';

/** The soft limit on open files (Linux: /proc/self/limits); the bench's `sh` wrapper raises it to the hard one. */
export function fdSoftLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? null : Number(soft);
  } catch {
    return null;
  }
}
