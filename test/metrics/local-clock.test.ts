import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localClock, slotsPerDay } from '../../src/metrics/local-clock.js';

const H = 3_600_000;

test('Paris in spring: the hour clocks skip shifts the offset, local 03:00 follows 01:45', () => {
  const paris = localClock('Europe/Paris');
  // 2025-03-30: 02:00 local (01:00 UTC) becomes 03:00.
  const before = Date.parse('2025-03-30T00:45:00Z'); // 01:45 CET
  const after = Date.parse('2025-03-30T01:00:00Z'); // 03:00 CEST
  assert.equal(paris.offsetMs(before), 1 * H);
  assert.equal(paris.offsetMs(after), 2 * H);
  assert.deepEqual(paris.slotOf(before, 15), { day: 20177, dow: 0, slot: 7 }); // Sunday, 01:45 → slot 7
  assert.deepEqual(paris.slotOf(after, 15), { day: 20177, dow: 0, slot: 12 }); // 03:00 → slot 12
  // The same local hour a week earlier is 24·7 − 1 hours of UTC before.
  assert.equal(paris.slotOf(Date.parse('2025-03-31T07:00:00Z'), 60).slot, 9);
  assert.equal(paris.slotOf(Date.parse('2025-03-24T08:00:00Z'), 60).slot, 9);
});

test('Paris in autumn: local 02:00–03:00 happens twice and both map to the same slot', () => {
  const paris = localClock('Europe/Paris');
  const first = paris.slotOf(Date.parse('2025-10-26T00:30:00Z'), 15); // 02:30 CEST
  const second = paris.slotOf(Date.parse('2025-10-26T01:30:00Z'), 15); // 02:30 CET
  assert.deepEqual(first, second);
  assert.equal(first.slot, 10);
  assert.equal(first.dow, 0);
});

test('a change in the middle of a UTC hour (Lord Howe Island moves by 30 minutes at 15:30 UTC)', () => {
  const lordHowe = localClock('Australia/Lord_Howe');
  // 2025-10-05 02:00 local (+10:30) becomes 02:30 (+11:00).
  assert.equal(lordHowe.offsetMs(Date.parse('2025-10-04T15:15:00Z')), 10.5 * H);
  assert.equal(lordHowe.offsetMs(Date.parse('2025-10-04T15:30:00Z')), 11 * H);
  assert.equal(lordHowe.slotOf(Date.parse('2025-10-04T15:15:00Z'), 15).slot, 7); // 01:45
  assert.equal(lordHowe.slotOf(Date.parse('2025-10-04T15:30:00Z'), 15).slot, 10); // 02:30
});

test('local dates and weekdays far from UTC, and half-hour offsets', () => {
  // 2025-01-06 is a Monday; at 23:30 UTC it is already Tuesday 12:30 in Auckland (+13).
  const auckland = localClock('Pacific/Auckland').slotOf(Date.parse('2025-01-06T23:30:00Z'), 30);
  assert.equal(auckland.dow, 2);
  assert.equal(auckland.slot, 25);
  // Kolkata is +05:30: 04:00 UTC is 09:30 local, slot 38 of 15 minutes.
  assert.equal(localClock('Asia/Kolkata').slotOf(Date.parse('2025-01-06T04:00:00Z'), 15).slot, 38);
  // Los Angeles: Sunday 2025-01-05 20:00 local is Monday 04:00 UTC.
  const la = localClock('America/Los_Angeles').slotOf(Date.parse('2025-01-06T04:00:00Z'), 60);
  assert.deepEqual({ dow: la.dow, slot: la.slot }, { dow: 0, slot: 20 });
  assert.equal(slotsPerDay(15), 96);
});

test('an unknown time zone is a clear error', () => {
  assert.throws(() => localClock('Mars/Olympus_Mons'), (e: Error) => e instanceof RangeError && /unknown time zone: "Mars\/Olympus_Mons"/.test(e.message));
});
