/**
 * `deskwire simulate` with its defaults on the demo project, as a new user runs it (issue 21): a shortened run
 * (handle times of seconds instead of minutes, so 20 s hold many conversations), against a server with the real
 * per-IP sign-in budget. The queue stays stable, every demo agent gets work, a person signs in meanwhile, and the run
 * closes what it opened when it is stopped with SIGTERM. A second run with --keep leaves its requests open.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CliProcess, cliEnv } from './cli-process.js';

interface RequestRow {
  request_id: string;
  status: number;
  createdAt: string;
  participantsAgents: string[];
}

/** The server's defaults, the per-IP sign-in budget above all: the one a person on the same machine shares. */
const realBudgets = { USER_REQUESTS_PER_MINUTE: '600', REST_READS_PER_MINUTE: '300', REST_WRITES_PER_MINUTE: '120', REST_AUTH_PER_IP_PER_MINUTE: '20' };

describe('deskwire simulate on the demo project', () => {
  let app: TestApp;
  let projectId: string;
  let password: string;
  let owner: string;
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(new URL(path, app.url), {
      method,
      headers: { ...(token ? { authorization: token } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const simRequests = async (statuses: string): Promise<RequestRow[]> => {
    const { status, body } = await call('GET', `/${projectId}/requests?status=${statuses}&limit=100`, owner);
    assert.equal(status, 200);
    return (body.requests as RequestRow[]).filter((r) => r.request_id.includes('-sim'));
  };

  before(async () => {
    app = await startTestApp('pglite', { DEMO_DATA: 'true', ...realBudgets });
    assert.ok(app.demo, 'the demo project was seeded');
    ({ projectId, password } = app.demo);
    const signin = await call('POST', '/auth/signin', null, { email: 'owner@demo.deskwire', password });
    assert.equal(signin.status, 200);
    owner = signin.body.token;
  });
  after(() => app.closeAll());

  test('with defaults the queue stays stable, every agent works, a person signs in meanwhile, and SIGTERM closes what the run opened', async () => {
    const args = ['bin/deskwire.js', 'simulate', '--password', password, '--handle-time', '6', '--duration', '120', '--seed', '21', '--json'];
    const sim = new CliProcess('node', [...args, '--url', app.url, '--token', owner], cliEnv());
    const samples: { at: number; waiting: number; oldestSeconds: number }[] = [];
    const personSignins: number[] = [];
    const agents = await call('GET', `/${projectId}/project_users?role=agent`, owner);
    const agentIds: string[] = agents.body.map((pu: { id_user: { _id: string } }) => pu.id_user._id);
    assert.equal(agentIds.length, 4);
    const everyAgentWorked = async () => {
      const worked = new Set((await simRequests('all')).flatMap((r) => r.participantsAgents));
      return agentIds.every((id) => worked.has(id));
    };
    try {
      await sim.until(() => /load 0\.7 → [\d.]+ visitors\/min/.test(sim.stderr), 'the derived arrival rate');
      const started = Date.now();
      // Sampled once a second for 20 s, as a supervisor would watch the queue; a person signs in every 5 s. Arrivals
      // and availability are random: a run that has not reached every agent in 20 s goes on, up to 40 s.
      while (Date.now() - started < 20_000 || (Date.now() - started < 40_000 && !(await everyAgentWorked()))) {
        const now = Date.now();
        const waiting = (await simRequests('100')).map((r) => (now - Date.parse(r.createdAt)) / 1000);
        samples.push({ at: (now - started) / 1000, waiting: waiting.length, oldestSeconds: Math.max(0, ...waiting) });
        if (samples.length % 5 === 0) personSignins.push((await call('POST', '/auth/signin', null, { email: 'sam@demo.deskwire', password })).status);
        assert.equal(sim.exitCode, null, `simulate ended early:\n${sim.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - now))));
      }
    } finally {
      if (sim.exitCode === null) process.kill(sim.child.pid!, 'SIGTERM');
    }
    assert.equal(await sim.exit(30_000), 0, sim.stderr);
    const summary = JSON.parse(sim.stdout);
    const trace = `samples ${JSON.stringify(samples)}\nsummary ${sim.stdout}`;

    if (process.env.SIM_TRACE) console.log(trace);
    // Stable: the queue at the end is short and young, and no request ever waited long.
    assert.ok(summary.requestsOpened >= 15, `enough traffic to mean something: ${trace}`);
    const last = samples.slice(-5);
    assert.ok(Math.max(...last.map((s) => s.waiting)) <= 4, `waiting at the end: ${trace}`);
    assert.ok(Math.max(...samples.map((s) => s.oldestSeconds)) <= 8, `oldest waiting: ${trace}`);

    // The person at the same machine was never refused, and the run stayed within its share of the budget.
    assert.ok(personSignins.length >= 3, trace);
    assert.deepEqual(personSignins, personSignins.map(() => 200), trace);
    assert.ok(summary.visitorSignins <= summary.visitorSigninsPerMinute, trace);
    assert.equal(summary.throttled, 0, trace);
    assert.equal(summary.errors, 0, `${trace}\nlast error: ${summary.lastError}`);

    // Every demo agent got conversations: visitors chose departments where they work.
    const all = await simRequests('all');
    const worked = new Set(all.flatMap((r) => r.participantsAgents));
    for (const id of agentIds) assert.ok(worked.has(id), `agent ${id} had no conversation: ${trace}`);

    // Ended by SIGTERM, the run closed everything it opened; what it opened is what the server holds.
    assert.match(sim.stderr, /SIGTERM: ending the run, closing its requests/);
    assert.equal(summary.stillOpen, 0, trace);
    assert.equal(all.length, summary.requestsOpened, trace);
    assert.deepEqual(await simRequests('100,150,200,300'), [], 'no request of the run is left open');

    // Visitors rated what agents closed, or the server refused the field once and the summary says so.
    assert.ok(summary.closed > 0, trace);
    if (summary.ratingRefused === null) assert.ok(summary.ratings > 0 && summary.averageRating >= 1 && summary.averageRating <= 5, trace);
    else assert.match(summary.ratingRefused, /^400 BODY_INVALID$/, trace);
  });

  test('--keep leaves the run\'s open requests open; visitors out of patience close theirs and leave', async () => {
    const before = new Set((await simRequests('all')).map((r) => r.request_id));
    // Agents look at the queue every 2 s at this handle time; a patience of 1 s on average runs out first for most,
    // while those who arrive in the run's last second are still waiting when it ends (8 s: enough arrivals for both
    // even when a loaded machine delays the first sign-in by seconds).
    const args = ['bin/deskwire.js', 'simulate', '--password', password, '--rate', '120', '--handle-time', '60', '--patience', '1', '--duration', '8', '--keep', '--seed', '5', '--json'];
    const sim = new CliProcess('node', [...args, '--url', app.url, '--token', owner], cliEnv());
    assert.equal(await sim.exit(30_000), 0, sim.stderr);
    const summary = JSON.parse(sim.stdout);
    const run = (await simRequests('all')).filter((r) => !before.has(r.request_id));
    assert.equal(run.length, summary.requestsOpened, sim.stdout);
    assert.ok(summary.abandoned > 0, sim.stdout);
    assert.equal(run.filter((r) => r.status === 1000).length, summary.abandoned, `the abandoned are closed, nothing else: ${sim.stdout}`);
    assert.ok(summary.keptOpen > 0, sim.stdout);
    assert.equal(summary.closedAtEnd, 0);
    assert.equal(run.filter((r) => r.status !== 1000).length, summary.keptOpen, sim.stdout);
  });

  test('--load with --rate, or a load that is not a positive number, is refused before anything is sent', async () => {
    const before = (await simRequests('all')).length;
    for (const [flags, message] of [
      [['--load', '1.2', '--rate', '5'], 'give --load or --rate, not both'],
      [['--load', '0'], '--load must be a positive number, got "0"'],
    ] as const) {
      const sim = new CliProcess('node', ['bin/deskwire.js', 'simulate', ...flags, '--password', password, '--url', app.url, '--token', owner], cliEnv());
      assert.equal(await sim.exit(), 2, sim.stderr);
      assert.equal(sim.stderr.split('\n')[0], `deskwire simulate: ${message}`);
    }
    assert.equal((await simRequests('all')).length, before, 'nothing written');
  });
});
