/**
 * The first start is all-or-nothing: killed after the migrations, in the middle of the demo data's transaction or
 * just after it, the next start ends with one demo project and prints sign-in details that work. Nodes starting
 * together on one empty PostgreSQL seed it once, and both come up.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { Rest, expectStatus } from '../support/rest-client.js';
import { embeddedEnv, spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { inspectStore } from '../support/store-check.js';
import { createTestSchema, generousRequestBudgets, postgresSkipReason, storeKinds } from '../support/test-app.js';
import { CliProcess } from './cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'deskwire-first-start-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The store as the tests see it: how many users and projects it holds. */
interface Counts {
  users: number;
  projects: number;
}

async function pgCounts(url: string): Promise<Counts> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const count = async (table: string) => ((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0] as { n: number }).n;
    return { users: await count('users'), projects: await count('projects') };
  } finally {
    await client.end();
  }
}

/** Starts a server that stops at `point` (TEST_PAUSE_AT), and SIGKILLs it there. */
async function killAt(env: NodeJS.ProcessEnv, point: string): Promise<void> {
  const start = new CliProcess(process.execPath, ['bin/deskwire.js', 'serve'], { ...env, TEST_PAUSE_AT: point });
  await start.until(() => start.stderr.includes(`paused at ${point}`), `the start to reach ${point}`, 60_000);
  start.child.kill('SIGKILL');
  await start.exit();
}

/** The printed sign-in details work: the password signs in an agent, the token lists one demo project. */
async function assertSignInWorks(server: SpawnedServer): Promise<void> {
  const password = /password is (\S+)/.exec(server.banner)?.[1];
  assert.ok(password, `no password in:\n${server.banner}`);
  const signin = expectStatus(await new Rest(server.url).post('/auth/signin', { email: 'alice@demo.deskwire', password }), 200);
  assert.match(signin.token, /^JWT /);
  const token = /ready owner token: (JWT \S+)/.exec(server.banner)?.[1];
  assert.ok(token, server.banner);
  const projects = expectStatus(await new Rest(server.url, token).get('/projects'), 200);
  assert.deepEqual(projects.map((p: { name: string }) => p.name), ['Demo Help Desk']);
  // The demo starts with 28 days of generated history: a forecast and a staffing plan at once.
  const forecast = expectStatus(await new Rest(server.url, token).get(`/${projects[0].id}/metrics/forecast?horizon=24h&interval=60m`), 200);
  assert.ok(forecast.history_days >= 28, `history_days ${forecast.history_days}`);
  assert.ok(!['none', 'flat_mean'].includes(forecast.method), forecast.method);
  assert.ok(forecast.intervals.some((i: { arrivals: { mean: number }; agents_needed: number | null }) => i.arrivals.mean > 0 && i.agents_needed !== null && i.agents_needed > 0), JSON.stringify(forecast.intervals));
}

for (const kind of storeKinds()) {
  describe(`a first start killed part way (${kind})`, () => {
    test('after the migrations, inside the demo seeding and after it: the next start prints sign-in details that work', async () => {
      const dataDir = mkdtempSync(join(root, `${kind}-`));
      let counts: () => Promise<Counts>;
      let env = embeddedEnv({ DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'test', ...generousRequestBudgets });
      let drop = async () => {};
      if (kind === 'postgres') {
        const schema = await createTestSchema();
        const url = new URL(process.env.DATABASE_URL!);
        url.searchParams.set('options', `-c search_path=${schema.name}`);
        env = { ...env, DATABASE_URL: url.toString() };
        counts = () => pgCounts(url.toString());
        drop = () => schema.drop();
      } else {
        counts = async () => {
          const { users, projects } = await inspectStore(dataDir);
          return { users, projects };
        };
      }
      try {
        await killAt(env, 'after-migrations');
        assert.deepEqual(await counts(), { users: 0, projects: 0 });
        await killAt(env, 'mid-seed');
        // Users had been inserted in the seeding's transaction when it was killed: none of them remains.
        assert.deepEqual(await counts(), { users: 0, projects: 0 }, 'nothing half-seeded');
        await killAt(env, 'after-seed');
        assert.deepEqual(await counts(), { users: 7, projects: 1 });
        const server = await spawnServer(process.execPath, ['bin/deskwire.js', 'serve'], env, 60_000);
        try {
          await assertSignInWorks(server);
        } finally {
          await server.stop();
        }
        assert.deepEqual(await counts(), { users: 7, projects: 1 }, 'the demo was not seeded again');
      } finally {
        await drop();
      }
    });
  });
}

describe('two nodes starting together on an empty PostgreSQL', { skip: postgresSkipReason() }, () => {
  test('seed one demo project between them, both come up and print the same sign-in details', async () => {
    const schema = await createTestSchema();
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${schema.name}`);
    const env = (name: string) =>
      embeddedEnv({ DATA_DIR: mkdtempSync(join(root, `${name}-`)), PORT: '0', NODE_ENV: 'test', DATABASE_URL: url.toString(), JWT_SECRET: 'two-nodes-secret-'.padEnd(40, 'x'), ...generousRequestBudgets });
    const nodes = await Promise.allSettled([spawnServer(process.execPath, ['bin/deskwire.js', 'serve'], env('a'), 60_000), spawnServer(process.execPath, ['bin/deskwire.js', 'serve'], env('b'), 60_000)]);
    try {
      const up = nodes.map((n) => (n.status === 'fulfilled' ? n.value : assert.fail(String(n.reason))));
      const passwords = up.map((n) => /password is (\S+)/.exec(n.banner)?.[1]);
      assert.ok(passwords[0], up[0]!.banner);
      assert.equal(passwords[1], passwords[0]);
      for (const node of up) await assertSignInWorks(node);
      assert.deepEqual(await pgCounts(url.toString()), { users: 7, projects: 1 });
    } finally {
      await Promise.all(nodes.map((n) => (n.status === 'fulfilled' ? n.value.stop() : undefined)));
      await schema.drop();
    }
  });
});
