import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentsNeeded, averageSpeedOfAnswer, erlangC, serviceLevel } from '../../src/metrics/erlang-c.js';
import { estimateStaffing } from '../../src/metrics/staffing.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);

test('Erlang C matches closed forms and published tables', () => {
  // M/M/2 with A = 1: P(wait) = A²/(2!) · 2/(2−1) ÷ (1 + 1 + 1) = 1/3 exactly.
  close(erlangC(2, 1), 1 / 3, 1e-12, 'C(2, 1)');
  // M/M/1: P(wait) = utilisation.
  close(erlangC(1, 0.7), 0.7, 1e-12, 'C(1, 0.7)');
  // Erlang C tables: 11 agents, 10 Erlangs → 0.6821.
  close(erlangC(11, 10), 0.6821, 5e-5, 'C(11, 10)');
  // No traffic never waits; too little staff always does.
  assert.equal(erlangC(5, 0), 0);
  assert.equal(erlangC(48, 48), 1);
});

test('48 Erlangs, 240 s AHT, 80 % within 20 s needs 54 agents (the standard call-centre example)', () => {
  assert.equal(agentsNeeded(48, 240, { serviceLevel: 0.8, withinSeconds: 20 }), 54);
  // 53 agents fall short (75.2 %), 54 meet it (81.7 %) with an ASA of about 12 s.
  close(serviceLevel(53, 48, 20, 240), 0.7518, 5e-4, 'SL with 53');
  close(serviceLevel(54, 48, 20, 240), 0.8172, 5e-4, 'SL with 54');
  close(averageSpeedOfAnswer(54, 48, 240), 12.05, 0.01, 'ASA with 54');
  // An ASA ceiling can ask for more than the service level alone.
  assert.equal(agentsNeeded(48, 240, { serviceLevel: 0.8, withinSeconds: 20, maxAsaSeconds: 6 }), 56);
});

test('the recurrence stays finite far past where A^N/N! overflows', () => {
  const c = erlangC(2000, 1950);
  assert.ok(Number.isFinite(c) && c > 0 && c < 1, `C(2000, 1950) = ${c}`);
  const n = agentsNeeded(5000, 180, { serviceLevel: 0.9, withinSeconds: 30 });
  assert.ok(n !== null && n > 5000 && n < 5200, `agents for 5000 Erlangs: ${n}`);
});

test('chat concurrency divides the handle time: 3 chats at once need a third of the agents of 1', () => {
  const one = estimateStaffing({ arrivalsPerHour: 720, ahtSeconds: 240, concurrency: 1, target: 0.8, withinSeconds: 20, staffedAgents: 50 });
  assert.equal(one.traffic_erlangs, 48);
  assert.equal(one.agents_needed, 54);
  assert.equal(one.shortfall, 4);
  assert.ok(one.service_level_with_current < 0.8);
  const three = estimateStaffing({ arrivalsPerHour: 720, ahtSeconds: 240, concurrency: 3, target: 0.8, withinSeconds: 20, staffedAgents: 50 });
  assert.equal(three.effective_handle_seconds, 80);
  assert.equal(three.traffic_erlangs, 16);
  assert.equal(three.agents_needed, agentsNeeded(16, 80, { serviceLevel: 0.8, withinSeconds: 20 }));
  assert.ok(three.agents_needed! < one.agents_needed! / 2);
  // Too few on duty: waits grow without bound.
  const short = estimateStaffing({ arrivalsPerHour: 720, ahtSeconds: 240, concurrency: 1, target: 0.8, withinSeconds: 20, staffedAgents: 40 });
  assert.equal(short.service_level_with_current, 0);
  assert.equal(short.asa_seconds_with_current, null);
});
