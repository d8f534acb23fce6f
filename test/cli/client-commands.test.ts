import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { expectStatus } from '../support/rest-client.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startConversation } from '../client/desk-traffic.js';
import { CliProcess, cliEnv } from './cli-process.js';
import { useDesk } from '../support/use-desk.js';

describe('deskwire tail and simulate against a real server', () => {
  const suite = useDesk();

  test('tail prints the snapshot, then events created through REST, as readable lines', async () => {
    const visitor = await suite.desk.visitor();
    const before = await startConversation(suite.desk, visitor, 'already here');
    const topic = `/${suite.desk.projectId}/requests`;
    const tail = new CliProcess('node', ['bin/deskwire.js', 'tail', topic, '--url', suite.app.url, '--token', suite.desk.owner.token], cliEnv());
    try {
      // The snapshot's header and its item lines may reach the pipe in separate writes: wait for the item too.
      await tail.until(() => tail.stdout.includes('SNAPSHOT') && tail.stdout.includes(before), 'the snapshot and its item');
      assert.match(tail.stdout, new RegExp(`${topic}\\s+SNAPSHOT\\s+#\\d+\\s+1 item\\n\\s+· request ${before}\\s+status 100`));
      const rid = await startConversation(suite.desk, visitor, 'Where is my parcel?');
      await tail.until(() => tail.stdout.includes(`CREATE`) && tail.stdout.includes(rid), 'the CREATE line');
      expectStatus(await suite.desk.agentA.rest.post(`/${suite.desk.projectId}/requests/${rid}/participants`, { member: suite.desk.agentA.userId }), 200);
      await tail.until(() => new RegExp(`UPDATE\\s+#\\d+\\s+request ${rid}\\s+status 200\\s+agents agentA`).test(tail.stdout), 'the UPDATE line');
      assert.match(tail.stdout, new RegExp(`CREATE\\s+#\\d+\\s+request ${rid}\\s+status 100\\s+"Where is my parcel\\?"`));
      assert.match(tail.stderr, /connected to/);
    } finally {
      await tail.stop();
    }
    assert.equal(tail.exitCode, 0, 'Ctrl-C is a normal end');
  });

  test('tail reconnects after the connection is cut and prints what it missed, once', async () => {
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(suite.app.url).port));
    await proxy.start();
    const visitor = await suite.desk.visitor();
    const topic = `/${suite.desk.projectId}/requests`;
    const tail = new CliProcess('node', ['bin/deskwire.js', 'tail', topic, '--json', '--url', `http://127.0.0.1:${proxy.port}`, '--token', suite.desk.owner.token], cliEnv());
    try {
      await tail.until(() => tail.stdout.includes('"snapshot"'), 'the snapshot');
      await proxy.cut();
      await tail.until(() => /connection lost/.test(tail.stderr), 'the tail to notice');
      const missed = await startConversation(suite.desk, visitor, 'while the tail was cut off');
      await proxy.start();
      await tail.until(() => tail.stdout.includes(missed), 'the missed request, replayed');
      const lines = tail.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; seq: number; item?: { request_id: string } });
      assert.equal(lines.filter((l) => l.type === 'snapshot' || l.type === 'reset').length, 1, 'resumed, not a new snapshot');
      assert.equal(lines.filter((l) => l.item?.request_id === missed && l.type === 'create').length, 1);
      const seqs = lines.map((l) => l.seq);
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b), 'nothing twice, in order');
    } finally {
      await tail.stop();
      await proxy.close();
    }
  });

  test('npm run deskwire -- tail --json takes DESKWIRE_URL/DESKWIRE_TOKEN and prints one JSON object per line', async () => {
    const visitor = await suite.desk.visitor();
    const rid = await startConversation(suite.desk, visitor, 'first');
    const topic = `/${suite.desk.projectId}/requests/${rid}/messages`;
    const env = cliEnv({ DESKWIRE_URL: suite.app.url, DESKWIRE_TOKEN: suite.desk.owner.token });
    const tail = new CliProcess('npm', ['run', '--silent', 'deskwire', '--', 'tail', '--json', topic], env);
    try {
      const lines = () => tail.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; topic: string; seq: number; item?: { text: string }; items?: unknown[] });
      await tail.until(() => lines().length >= 1, 'the snapshot line');
      expectStatus(await visitor.rest.post(`/${suite.desk.projectId}/requests/${rid}/messages`, { text: 'second' }), 201);
      await tail.until(() => lines().some((l) => l.type === 'create'), 'the live message line');
      const [snapshot, created] = lines();
      assert.equal(snapshot!.type, 'snapshot');
      assert.equal(snapshot!.items!.length, 1);
      assert.equal(created!.topic, topic);
      assert.equal(created!.item!.text, 'second');
      assert.ok(created!.seq > snapshot!.seq);
    } finally {
      await tail.stop();
    }
  });

  test('tail --email --password signs in by itself (and so can renew its token)', async () => {
    const topic = `/${suite.desk.projectId}/requests`;
    const args = ['bin/deskwire.js', 'tail', topic, '--url', suite.app.url, '--email', suite.desk.supervisor.email, '--password', 'correct horse battery'];
    const tail = new CliProcess('node', args, cliEnv());
    try {
      await tail.until(() => tail.stdout.includes('SNAPSHOT'), 'the snapshot');
    } finally {
      await tail.stop();
    }
  });

  test('tail on a refused topic says why and exits non-zero', async () => {
    const tail = new CliProcess('node', ['bin/deskwire.js', 'tail', `/${suite.desk.projectId}/project_users`, '--url', suite.app.url, '--token', suite.desk.agentA.token], cliEnv());
    assert.equal(await tail.exit(), 1);
    assert.match(tail.stderr, /SUBSCRIBE_FORBIDDEN/);
  });

  test('simulate --rate --duration drives the desk through REST and ends with a summary', async () => {
    const agents = [suite.desk.agentA, suite.desk.agentB].map((a) => `${a.email}:correct horse battery`).join(',');
    const args = ['bin/deskwire.js', 'simulate', '--rate', '120', '--duration', '5', '--handle-time', '1', '--agents', agents, '--url', suite.app.url, '--token', suite.desk.owner.token];
    const sim = new CliProcess('node', args, cliEnv());
    assert.equal(await sim.exit(60_000), 0, sim.stderr);
    const count = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(sim.stdout)?.[1] ?? NaN);
    assert.match(sim.stdout, /^simulate: \d+(\.\d)? s on "Test Desk" with 2 agents/);
    assert.ok(count('visitors arrived') > 0, sim.stdout);
    assert.ok(count('requests') > 0, sim.stdout);
    assert.match(sim.stdout, /messages\s+\d+ from visitors, \d+ from agents/);
    assert.match(sim.stdout, /errors\s+0/);
    assert.match(sim.stderr, /visitors \d+ · open \d+ · joined \d+ · closed \d+/, 'the live status line');
    // What it said it did is in the database.
    const all = expectStatus(await suite.desk.owner.rest.get(`/${suite.desk.projectId}/requests?status=all&limit=100`), 200);
    const simulated = all.requests.filter((r: { request_id: string }) => r.request_id.includes('-sim'));
    assert.equal(simulated.length, count('requests'));
  });

  test('tail with an expired token prints TOKEN_EXPIRED once and exits 1 within 5 s; a garbage one TOKEN_INVALID', async () => {
    // The 5 s are the tail's own: measured beyond what starting the CLI costs on this machine now (`--help`, which
    // loads the same modules), so a loaded machine does not make the bound a guess.
    const startedHelp = Date.now();
    assert.equal(await new CliProcess('node', ['bin/deskwire.js', '--help'], cliEnv()).exit(), 0);
    const startupMs = Date.now() - startedHelp;
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ _id: suite.desk.owner.userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(suite.desk.owner.userId)
      .setIssuedAt(now - 100)
      .setExpirationTime(now - 10)
      .sign(new TextEncoder().encode(suite.app.config.jwtSecret!));
    const startedTail = Date.now();
    const tail = new CliProcess('node', ['bin/deskwire.js', 'tail', `/${suite.desk.projectId}/requests`, '--url', suite.app.url, '--token', expired], cliEnv());
    assert.equal(await tail.exit(), 1);
    const tailMs = Date.now() - startedTail;
    assert.ok(tailMs - startupMs < 5000, `tail took ${tailMs} ms, starting the CLI ${startupMs} ms`);
    assert.equal(tail.stderr, 'deskwire tail: closed: TOKEN_EXPIRED: The token has expired.\n');
    assert.equal(tail.stdout, '');

    const garbage = new CliProcess('node', ['bin/deskwire.js', 'tail', `/${suite.desk.projectId}/requests`, '--url', suite.app.url, '--token', 'garbage'], cliEnv());
    assert.equal(await garbage.exit(), 1);
    assert.equal(garbage.stderr, 'deskwire tail: closed: TOKEN_INVALID: The token is malformed or not signed by this server.\n');
  });

  test('tail against a port nobody listens on says "connection refused" once and exits 1', async () => {
    const tail = new CliProcess('node', ['bin/deskwire.js', 'tail', `/${suite.desk.projectId}/requests`, '--url', 'http://127.0.0.1:9', '--token', suite.desk.owner.token], cliEnv());
    assert.equal(await tail.exit(), 1);
    const lines = tail.stderr.trim().split('\n');
    assert.equal(lines.length, 1, tail.stderr);
    assert.match(lines[0]!, /^deskwire tail: Cannot connect to ws:\/\/127\.0\.0\.1:9\/v2\/ws\/: connection refused .*is a server running at http:\/\/127\.0\.0\.1:9\?/);
  });
});
