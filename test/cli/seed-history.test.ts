/**
 * `deskwire seed-history` as its own process against a real server: generated traffic lands in the project's
 * history through the import (a weekly pattern, every department, answered, abandoned and rated), the forecast
 * counts its days, and refusals and wrong command lines exit 1 and 2 with nothing written.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { localClock } from '../../src/metrics/local-clock.js';
import { expectStatus } from '../support/rest-client.js';
import { CliProcess, cliEnv } from './cli-process.js';
import { useDesk } from '../support/use-desk.js';

const ZONE = 'America/New_York';
const DAY = 86_400_000;

describe('deskwire seed-history against a real server', () => {
  const suite = useDesk('pglite', {}, { realtime: false });
  before(async () => {
    expectStatus(await suite.desk.owner.rest.put(`/projects/${suite.desk.projectId}`, { settings: { time_zone: ZONE } }), 200);
  });
  const run = async (args: string[], token = suite.desk.admin.token) => {
    const cli = new CliProcess('node', ['bin/deskwire.js', 'seed-history', ...args, '--url', suite.app.url, '--token', token], cliEnv());
    const code = await cli.exit(60_000);
    return { code, stdout: cli.stdout, stderr: cli.stderr };
  };
  const history = async (department?: string) => {
    const to = new Date(Math.ceil(Date.now() / DAY) * DAY).toISOString();
    const from = new Date(Math.ceil(Date.now() / DAY) * DAY - 30 * DAY).toISOString();
    const h = expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/metrics/history?from=${from}&to=${to}&interval=1d${department ? `&department=${department}` : ''}`), 200);
    return h.intervals as { start: string; arrivals: number; answered: number; abandoned: number; rating: { count: number } }[];
  };
  const total = (days: { arrivals: number }[]) => days.reduce((s, d) => s + d.arrivals, 0);

  test('14 days: summary on stdout, exit 0, a weekly pattern over every department in the history', async () => {
    const r = await run(['--days', '14', '--project', suite.desk.projectId, '--seed', '7']);
    assert.equal(r.code, 0, r.stderr);
    const summary = /^seeded (\d+) conversations into (\d+) history intervals of Test Desk \(\S+\) from \S+ to \S+ in \d+\.\d s\n$/.exec(r.stdout);
    assert.ok(summary, r.stdout);
    assert.match(r.stderr, /generated \d+ conversations over 14 days \(seed 7, America\/New_York, 2 departments\)/);
    const days = await history();
    assert.equal(total(days), Number(summary[1]), 'every generated conversation is in the history');
    const seeded = days.filter((d) => d.arrivals > 0);
    assert.ok(seeded.length >= 14 && seeded.length <= 15, `${seeded.length} local days`);
    const clock = localClock(ZONE);
    const weekday = seeded.filter((d) => ![0, 6].includes(clock.slotOf(Date.parse(d.start), 15).dow));
    const weekend = seeded.filter((d) => [0, 6].includes(clock.slotOf(Date.parse(d.start), 15).dow));
    const mean = (xs: { arrivals: number }[]) => total(xs) / xs.length;
    assert.ok(weekend.length >= 3 && mean(weekday) > 1.5 * mean(weekend), `weekday ${mean(weekday)}, weekend ${mean(weekend)}`);
    const sum = (f: (d: (typeof days)[number]) => number) => days.reduce((s, d) => s + f(d), 0);
    assert.ok(sum((d) => d.answered) > 0.8 * total(days) && sum((d) => d.abandoned) > 0 && sum((d) => d.rating.count) > 0.2 * total(days));
    const support = total(await history(suite.desk.supportId));
    const sales = total(await history(suite.desk.salesId));
    assert.equal(support + sales, total(days));
    assert.ok(support > sales && sales > 0, `support ${support}, sales ${sales}`);
    const forecast = expectStatus(await suite.desk.supervisor.rest.get(`/${suite.desk.projectId}/metrics/forecast?horizon=24h&interval=60m`), 200);
    assert.ok(forecast.history_days >= 14, String(forecast.history_days));
  });

  test('refused (an agent) exits 1, a wrong command line 2, nothing written', async () => {
    const before = total(await history());
    const agent = await run(['--days', '3', '--project', suite.desk.projectId], suite.desk.agentA.token);
    assert.equal(agent.code, 1);
    assert.match(agent.stderr, /FORBIDDEN/);
    for (const args of [['--days', '0'], ['--days', 'abc'], ['--days', '400'], ['--days', '2.5'], ['--seed', 'x'], ['--peak', '-3'], ['stray']]) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^deskwire seed-history: /, args.join(' '));
    }
    const elsewhere = await run(['--project', 'not-mine']);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stderr, /not a member of project not-mine/);
    assert.equal(total(await history()), before, 'nothing written');
  });
});
