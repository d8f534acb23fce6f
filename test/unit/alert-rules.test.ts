/** The alert rules read against a metrics object (src/domain/alerts.ts): thresholds are strict, off rules absent. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertSettingsOf, defaultAlertSettings, readRules, SERVICE_LEVEL_MIN_DECIDED } from '../../src/domain/alerts.js';
import type { ProjectMetrics } from '../../src/domain/metrics.js';

/** Only what the rules read; the rest of the object is not theirs. */
function metrics(o: { waiting?: number; longest?: number | null; met?: number; missed?: number; target?: number }): ProjectMetrics {
  const met = o.met ?? 0;
  const missed = o.missed ?? 0;
  const service_level = { target: o.target ?? 0.8, within_seconds: 60, met, missed, value: met + missed > 0 ? met / (met + missed) : null };
  return { now: { waiting: o.waiting ?? 0, longest_wait_seconds: o.longest ?? null }, windows: { '15m': { service_level } } } as unknown as ProjectMetrics;
}

const verdicts = (r: ReturnType<typeof readRules>) => Object.fromEntries(r.map((x) => [x.rule, x.breached]));

test('defaults: every rule on, with the documented thresholds; a partial setting keeps the other defaults', () => {
  assert.deepEqual(defaultAlertSettings, { waiting_above: 10, longest_wait_above_seconds: 300, service_level_below_target: true, forecast_shortfall: true });
  assert.deepEqual(alertSettingsOf({ waiting_above: null }), { ...defaultAlertSettings, waiting_above: null });
  assert.deepEqual(alertSettingsOf(undefined), defaultAlertSettings);
});

test('waiting and longest wait are breached strictly above their thresholds', () => {
  const s = defaultAlertSettings;
  assert.deepEqual(verdicts(readRules(s, metrics({ waiting: 10, longest: 300 }), null)), { waiting_above: false, longest_wait_above: false });
  assert.deepEqual(verdicts(readRules(s, metrics({ waiting: 11, longest: 300.5 }), null)), { waiting_above: true, longest_wait_above: true });
  const r = readRules(s, metrics({ waiting: 11 }), null).find((x) => x.rule === 'waiting_above')!;
  assert.deepEqual([r.value, r.threshold], [11, 10]);
  assert.match(r.message, /11 requests are waiting/);
});

test(`the service level is judged only from ${SERVICE_LEVEL_MIN_DECIDED} decided requests, below the target`, () => {
  const s = defaultAlertSettings;
  assert.equal(verdicts(readRules(s, metrics({ missed: SERVICE_LEVEL_MIN_DECIDED - 1 }), null)).service_level_below_target, undefined);
  assert.equal(verdicts(readRules(s, metrics({ missed: SERVICE_LEVEL_MIN_DECIDED }), null)).service_level_below_target, true);
  assert.equal(verdicts(readRules(s, metrics({ met: 8, missed: 2 }), null)).service_level_below_target, false);
  assert.equal(verdicts(readRules(s, metrics({ met: 7, missed: 3 }), null)).service_level_below_target, true);
});

test('forecast shortfall: more agents needed than can take chats; no plan, no verdict', () => {
  const s = defaultAlertSettings;
  assert.equal(verdicts(readRules(s, metrics({}), { agentsNeeded: 3, agentsCanTakeChats: 2 })).forecast_shortfall, true);
  assert.equal(verdicts(readRules(s, metrics({}), { agentsNeeded: 2, agentsCanTakeChats: 2 })).forecast_shortfall, false);
  assert.equal(verdicts(readRules(s, metrics({}), null)).forecast_shortfall, undefined);
});

test('a rule that is off is not read at all (a raised alert of it clears)', () => {
  const off = { waiting_above: null, longest_wait_above_seconds: null, service_level_below_target: false, forecast_shortfall: false };
  assert.deepEqual(readRules(off, metrics({ waiting: 100, longest: 10_000, missed: 50 }), { agentsNeeded: 9, agentsCanTakeChats: 0 }), []);
});
