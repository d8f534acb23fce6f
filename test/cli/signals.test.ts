/**
 * The process that `npm start`, the systemd unit and the container image start is the server, or hands SIGTERM to
 * it and exits with it: SIGTERM to that PID drains (Realtime clients closed with 1001 spread over DRAIN_SECONDS,
 * REST still answered, /readyz 503), the process exits 0, nothing is left running and the port is free.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { dockerStart, systemdStart, type StartSpec } from '../support/deploy-files.js';
import { freshGetStatus } from '../support/fresh-get.js';
import { Rest, expectStatus } from '../support/rest-client.js';
import { emptyStoreAt } from '../support/store-template.js';
import { embeddedEnv, spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { CliProcess, cliEnv } from './cli-process.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'deskwire-signals-'));
after(() => rmSync(root, { recursive: true, force: true }));

const DRAIN_SECONDS = 3;
const JWT_SECRET = 'signals-test-secret-'.padEnd(48, 'x');

function openSocket(url: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(token)}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** `promise`, or a failure naming what did not happen in time (a server that ignores SIGTERM must fail, not hang). */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Nothing of the process group is left (the group is the started process's: spawned detached). */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function portFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * SIGTERM to the started PID while two Realtime clients are connected: the first is sent away at once, the
 * second DRAIN_SECONDS later; in between the node is not ready but still answers REST. Then exit 0, no process
 * left, the port free.
 */
async function expectDrainOnSigterm(server: SpawnedServer, token: string): Promise<void> {
  const port = Number(new URL(server.url).port);
  const sockets = [await openSocket(server.url, token), await openSocket(server.url, token)];
  try {
    await drainOf(server, sockets, port);
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

async function drainOf(server: SpawnedServer, sockets: WebSocket[], port: number): Promise<void> {
  const closes = sockets.map((ws) => new Promise<{ code: number; at: number }>((resolve) => ws.once('close', (code) => resolve({ code, at: Date.now() }))));
  const sentAt = Date.now();
  const exited = server.signal('SIGTERM');
  // Generous bounds: DRAIN_SECONDS plus a loaded machine's slack.
  const first = await within(10_000, 'the first client sent away after SIGTERM', Promise.race(closes));
  assert.equal(first.code, 1001);
  // Draining: out of the load balancer's pool, REST still served.
  assert.equal(await freshGetStatus(`${server.url}/readyz`), 503);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  const both = await within(20_000, 'both clients sent away', Promise.all(closes));
  assert.deepEqual(both.map((c) => c.code), [1001, 1001]);
  const last = Math.max(...both.map((c) => c.at));
  assert.ok(last - sentAt >= DRAIN_SECONDS * 1000 - 50, `the second client was sent away ${last - sentAt} ms after SIGTERM, not spread over ${DRAIN_SECONDS} s`);
  assert.equal(await within(20_000, 'the process to exit', exited), 0, `exit code; stderr:\n${server.output().stderr}`);
  assert.ok(groupGone(server.child.pid!), 'a process of the group is still running');
  assert.ok(await portFree(port), `port ${port} still taken`);
}

/** A user and their token on a server without demo data (production). */
async function signUp(url: string): Promise<string> {
  const body = expectStatus(await new Rest(url).post('/auth/signup', { email: 'ops@example.com', password: 'correct horse battery' }), 201);
  return body.token as string;
}

/** Runs a deploy file's start command in the checkout with its environment and the test's overrides. */
function startAsWritten(spec: StartSpec, overrides: Record<string, string>): Promise<SpawnedServer> {
  assert.ok(existsSync(spec.command) || !spec.command.startsWith('/'), `${spec.command} does not exist on this machine`);
  return spawnServer(spec.command, spec.args, embeddedEnv({ ...spec.env, ...overrides }), 60_000);
}

describe('stopping the server the way supervisors do', () => {
  test('npm start (as the README says): SIGTERM to its PID drains, exits 0, leaves nothing running; a second server on its port is refused in one line before touching its store', async () => {
    const env = embeddedEnv({ DATA_DIR: await emptyStoreAt(join(root, 'npm')), PORT: '0', DRAIN_SECONDS: String(DRAIN_SECONDS), NODE_ENV: 'test' });
    const server = await spawnServer('npm', ['start', '--silent'], env, 60_000);
    try {
      const token = /ready owner token: (JWT \S+)/.exec(server.banner)?.[1];
      assert.ok(token, server.banner);
      const port = new URL(server.url).port;
      const otherDir = join(root, 'never-created');
      const second = new CliProcess(process.execPath, ['bin/deskwire.js', 'serve', '--port', port, '--data-dir', otherDir], cliEnv());
      assert.equal(await second.exit(), 1);
      assert.equal(second.stderr, `deskwire: port ${port} on 127.0.0.1 is already in use (another deskwire, or another program): stop it, or choose another PORT\n`);
      assert.equal(existsSync(otherDir), false, 'the second server touched a store');
      expectStatus(await new Rest(server.url).get('/healthz'), 200);
      await expectDrainOnSigterm(server, token);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test("deploy/deskwire.service: systemd accepts the unit, and its ExecStart, run as written, drains on SIGTERM and exits 0", async () => {
    const unit = join(process.cwd(), 'deploy', 'deskwire.service');
    const analyze = await run('systemd-analyze', ['verify', unit]).then(
      (r) => ({ ok: true, out: r.stdout + r.stderr }),
      (error: { code?: string; stderr?: string; stdout?: string }) => ({ ok: error.code === 'ENOENT' ? null : false, out: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    if (analyze.ok === null && process.env.CI === 'true') assert.fail('CI=true but systemd-analyze is not installed');
    if (analyze.ok !== null) {
      assert.ok(analyze.ok, analyze.out);
      assert.equal(analyze.out.trim(), '', 'systemd-analyze warns about the unit');
    }
    const spec = systemdStart(unit);
    assert.deepEqual([spec.command, ...spec.args], ['/usr/bin/node', 'bin/deskwire.js', 'serve']);
    assert.equal(spec.env.NODE_ENV, 'production');
    // The EnvironmentFile provides JWT_SECRET; StateDirectory provides DATA_DIR (here a temporary one).
    const server = await startAsWritten(spec, { JWT_SECRET, DATA_DIR: await emptyStoreAt(join(root, 'systemd')), PORT: '0', DRAIN_SECONDS: String(DRAIN_SECONDS) });
    try {
      await expectDrainOnSigterm(server, await signUp(server.url));
    } finally {
      await server.stop('SIGKILL');
    }
  });

  test("deploy/Dockerfile: the image's CMD, run as written with the image's environment, drains on SIGTERM and exits 0", async () => {
    const spec = dockerStart(join(process.cwd(), 'deploy', 'Dockerfile'));
    assert.deepEqual([spec.command, ...spec.args], ['node', 'bin/deskwire.js', 'serve']);
    assert.equal(spec.env.NODE_ENV, 'production');
    assert.equal(spec.env.DATA_DIR, '/data');
    // The container publishes 0.0.0.0:3000 behind TLS or a proxy; here loopback and a free port, and the volume is
    // a temporary directory. JWT_SECRET is given at `docker run`.
    const server = await startAsWritten(spec, { JWT_SECRET, DATA_DIR: await emptyStoreAt(join(root, 'docker')), HOST: '127.0.0.1', PORT: '0', DRAIN_SECONDS: String(DRAIN_SECONDS) });
    try {
      await expectDrainOnSigterm(server, await signUp(server.url));
    } finally {
      await server.stop('SIGKILL');
    }
  });
});
