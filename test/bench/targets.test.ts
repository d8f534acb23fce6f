/**
 * The bench's verdicts (`bench/lib/targets.ts`) are what docs/benchmarks.md reports: a broken sample must never
 * read as a target met. Memory per connection is after − before; memory freed between the samples by something
 * else (the store worker's heap) made it negative once, and the verdict said "met".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateTargets } from '../../bench/lib/targets.js';
import type { ScenarioResult } from '../../bench/scenarios/result.js';

const connections = (rss: number): ScenarioResult[] => [{ scenario: 'connections', problems: [], rows: [{ system: 'deskwire', connections: 10_000, 'handshakes/s': 1_700, 'RSS KB/conn': rss, 'heap KB/conn': 9.4 }] }];
const memoryVerdict = (rss: number) => evaluateTargets(connections(rss)).find((r) => String(r.target).startsWith('idle connection'))!;

test('memory per connection: within 10 KB is met, above is not', () => {
  assert.equal(memoryVerdict(4.6).verdict, 'met');
  assert.equal(memoryVerdict(16).verdict, 'NOT met');
});

test('a negative memory per connection is an invalid sample: not measured, and said so', () => {
  const row = memoryVerdict(-16.7);
  assert.equal(row.verdict, 'not measured');
  assert.match(String(row.measured), /-16\.7 KB RSS \(invalid: negative\)/);
});
