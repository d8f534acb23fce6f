/** A load point as a table row, and what about it fails the sanity check. */
import type { LoadPoint } from '../lib/measure.js';
import type { Row } from './result.js';

export function loadRow(p: LoadPoint, extra: Row = {}, targetPerSec?: number): Row {
  return {
    system: p.system,
    subscribers: p.subscribers,
    ...extra,
    ...(targetPerSec === undefined ? {} : { 'target/s': targetPerSec }),
    'changes/s': p.changesPerSec,
    'offered/s': p.offeredPerSec,
    'delivered/s': p.deliveredPerSec,
    'p50 ms': p.p50,
    'p99 ms': p.p99,
    'max ms': p.max,
    lost: p.lost,
    dup: p.duplicated,
    extra: p.extra,
    'frame B': p.frameBytes,
    'peak RSS MB': p.peakRssMB,
    'server CPU': p.serverCpu,
    'loadgen CPU': p.loadgenCpu,
    ...(p.write ? { 'REST p99 ms': p.write.rest.p99, skipped: p.write.skipped, 'queries/change': p.queriesPerChange } : {}),
  };
}

export function loadProblems(p: LoadPoint, label = ''): string[] {
  const problems: string[] = [];
  const at = `${p.system}${label} at ${p.offeredPerSec}/s`;
  if (p.lost > 0) problems.push(`${at}: ${p.lost} deliveries lost`);
  if (p.duplicated > 0) problems.push(`${at}: ${p.duplicated} deliveries duplicated or out of order`);
  if (p.extra > 0) problems.push(`${at}: ${p.extra} deliveries beyond what the clients may see (visibility leak or stray events)`);
  if (p.write && p.write.failed > 0) problems.push(`${at}: ${p.write.failed} writes failed: ${p.write.errors.join('; ')}`);
  if (p.expected === 0) problems.push(`${at}: nothing was expected (no change committed)`);
  return problems;
}
