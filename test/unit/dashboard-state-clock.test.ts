/**
 * The dashboard's pure helpers: the time in state it tracks from pushes (dashboard/src/state-clock.ts: the server
 * sends no "since" for chat_state) and the alignment of series sampled at different times on one chart axis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { align } from '../../dashboard/src/align-series.js';
import { StateClock } from '../../dashboard/src/state-clock.js';
import type { ProjectUser } from '../../src/domain/project.js';

const T0 = Date.UTC(2026, 11, 7, 5, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();

function member(state: ProjectUser['chat_state'], presenceChangedAt: string | null): ProjectUser {
  return { _id: 'pu1', chat_state: state, presence: { status: state === 'offline' ? 'offline' : 'online', changedAt: presenceChangedAt } } as ProjectUser;
}

test('a state first seen is at least as old as the page (or its presence change after it); offline since presence changed, exactly', () => {
  const clock = new StateClock(T0);
  assert.deepEqual(clock.observe(member('available', at(T0 - 3_600_000)), T0 + 5_000), { since: at(T0), atLeast: true });
  const other = new StateClock(T0);
  assert.deepEqual(other.observe(member('offline', at(T0 - 60_000)), T0 + 5_000), { since: at(T0 - 60_000), atLeast: false });
  const late = new StateClock(T0);
  assert.deepEqual(late.observe(member('busy', at(T0 + 2_000)), T0 + 5_000), { since: at(T0 + 2_000), atLeast: true });
});

test('the same state keeps its start; a change starts the clock at the push that showed it', () => {
  const clock = new StateClock(T0);
  clock.observe(member('available', null), T0);
  assert.deepEqual(clock.observe(member('available', null), T0 + 30_000), { since: at(T0), atLeast: true });
  assert.deepEqual(clock.observe(member('away', null), T0 + 40_000), { since: at(T0 + 40_000), atLeast: false });
  assert.deepEqual(clock.observe(member('away', null), T0 + 90_000), { since: at(T0 + 40_000), atLeast: false });
});

test('series at different times share one sorted x axis, null where a series has no point', () => {
  const a = new Map<number, number | null>([[30, 1], [10, 2]]);
  const b = new Map<number, number | null>([[20, 5], [30, null]]);
  assert.deepEqual(align([a, b]), [[10, 20, 30], [2, null, 1], [null, 5, null]]);
});
