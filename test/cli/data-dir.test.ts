/**
 * One owner per data directory, with real server processes: a second process on a held directory is refused and
 * the first keeps serving; a new process started while the old one drains waits (--wait) or is refused; either way
 * every acknowledged write is in the store afterwards and every btree index passes amcheck. The directory is
 * owner-only whatever the umask, and the CLI asks the running server instead of opening its store a second time.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import WebSocket from 'ws';
import { AckedWrites } from '../support/acked-writes.js';
import { freshGetStatus } from '../support/fresh-get.js';
import { Rest, expectStatus } from '../support/rest-client.js';
import { embeddedEnv, spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { inspectStore } from '../support/store-check.js';
import { emptyStoreAt } from '../support/store-template.js';
import { generousRequestBudgets } from '../support/test-app.js';
import { CliProcess, cliEnv } from './cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'deskwire-data-dir-'));
after(() => rmSync(root, { recursive: true, force: true }));

const serverEnv = (dataDir: string, extra: Record<string, string> = {}) =>
  embeddedEnv({ DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'test', ...generousRequestBudgets, ...extra });
const serve = (dataDir: string, extra: Record<string, string> = {}, args: string[] = []) =>
  spawnServer(process.execPath, ['bin/deskwire.js', 'serve', ...args], serverEnv(dataDir, extra), 60_000);
const cli = (...args: string[]) => new CliProcess(process.execPath, ['bin/deskwire.js', ...args], cliEnv({ NODE_ENV: 'test' }));
const projectOf = (server: SpawnedServer) => /Demo project (\S+):/.exec(server.banner)![1]!;
const ownerToken = (server: SpawnedServer) => /ready owner token: (JWT \S+)/.exec(server.banner)![1]!;

async function writeMany(write: (text: string) => Promise<boolean>, count: number, label: string): Promise<void> {
  for (let i = 0; i < count; i++) assert.ok(await write(`${label} ${i}`), `${label} ${i} was not acknowledged`);
}

/** Every acknowledged write is stored and every btree index passes amcheck (no process may hold the directory). */
async function assertStoreHolds(dataDir: string, writes: AckedWrites): Promise<void> {
  const store = await inspectStore(dataDir);
  assert.ok(store.indexes.includes('messages_pkey') && store.indexes.length >= 20, `indexes checked: ${store.indexes.join(', ')}`);
  assert.deepEqual(writes.missingFrom(store.messageIds), [], 'acknowledged writes lost');
  assert.equal(store.projects, 1);
}

describe('one server per data directory', () => {
  test('a second process on a held data directory is refused in one line, the first keeps serving, and everything it acknowledged survives a restart', async () => {
    const dataDir = await emptyStoreAt(join(root, 'held'));
    const first = await serve(dataDir);
    const writes = new AckedWrites(projectOf(first));
    try {
      const conversation = await writes.conversation(first.url);
      await writeMany(conversation.write, 25, 'before');
      const second = cli('serve', '--data-dir', dataDir, '--port', '0');
      assert.equal(await second.exit(), 1);
      assert.equal(second.stderr.trim().split('\n').length, 1, second.stderr);
      assert.match(second.stderr, new RegExp(`^deskwire: DATA_DIR ${realpathSync(dataDir)} is in use by process ${first.child.pid} \\(deskwire serve, since [^)]+\\); stop it first, or pass --wait`));
      await writeMany(conversation.write, 25, 'after');
      assert.equal(await first.signal('SIGTERM'), 0);
    } finally {
      await first.stop('SIGKILL');
    }
    // A restart serves every acknowledged message.
    const restarted = await serve(dataDir);
    try {
      const owner = new Rest(restarted.url, ownerToken(restarted));
      const page = expectStatus(await owner.get(`/${writes.projectId}/requests?limit=10`), 200);
      assert.equal(page.requests.length, 1);
      const rid = page.requests[0].request_id as string;
      const messages = expectStatus(await owner.get(`/${writes.projectId}/requests/${rid}/messages?limit=1000`), 200) as { _id: string }[];
      assert.deepEqual(writes.missingFrom(new Set(messages.map((m) => m._id))), []);
    } finally {
      await restarted.stop();
    }
    await assertStoreHolds(dataDir, writes);
  });

  test('a new process started while the old one drains is refused, or with --wait starts once it has exited: nothing acknowledged by either is lost', async () => {
    const dataDir = await emptyStoreAt(join(root, 'drain'));
    // A long drain that the test ends itself, by closing the last Realtime client: no timing guesses.
    const old = await serve(dataDir, { DRAIN_SECONDS: '60' });
    const writes = new AckedWrites(projectOf(old));
    const token = ownerToken(old);
    const sockets = await Promise.all([0, 1].map(() => openSocket(old.url, token)));
    let waiter: CliProcess | null = null;
    try {
      const atOld = await writes.conversation(old.url);
      await writeMany(atOld.write, 20, 'old, serving');
      const oldExit = old.signal('SIGTERM');
      await closeOf(sockets[0]!); // the first client is sent away at once: the drain has begun
      assert.equal(await freshGetStatus(`${old.url}/readyz`), 503);
      // Refused while the old one drains...
      const refused = cli('serve', '--data-dir', dataDir, '--port', '0');
      assert.equal(await refused.exit(), 1);
      assert.match(refused.stderr, new RegExp(`is in use by process ${old.child.pid} \\(deskwire serve`));
      // ...or, with --wait, waiting for it, while the old one still acknowledges writes.
      const w = (waiter = new CliProcess(process.execPath, ['bin/deskwire.js', 'serve', '--wait'], serverEnv(dataDir)));
      await writeMany(atOld.write, 30, 'old, draining');
      await w.until(() => w.stdout.includes(`waiting for process ${old.child.pid} (deskwire serve) to release DATA_DIR`), 'the new process to wait', 60_000);
      assert.doesNotMatch(w.stdout, /listening on/);
      // The last client leaves: the drain ends, the old process exits, the new one starts.
      let oldExitedAt = 0;
      void oldExit.then(() => (oldExitedAt = Date.now()));
      sockets[1]!.close();
      assert.equal(await oldExit, 0);
      await w.until(() => w.stdout.includes('ready owner token'), 'the new process to listen', 60_000);
      assert.ok(oldExitedAt > 0, 'the new process listened before the old one exited');
      const url = /deskwire listening on (\S+)/.exec(w.stdout)![1]!;
      const atNew = await writes.conversation(url);
      await writeMany(atNew.write, 20, 'new');
      w.child.kill('SIGTERM');
      assert.equal(await w.exit(), 0);
    } finally {
      for (const ws of sockets) ws.terminate();
      await old.stop('SIGKILL');
      await waiter?.stop();
    }
    assert.equal(writes.ids.size, 70, writes.unacknowledged.join('\n'));
    await assertStoreHolds(dataDir, writes);
  });

  test('DATA_DIR is owner-only under umask 022 while running and at rest; an exposed one is reported and fixed at start', async () => {
    const dataDir = join(root, 'modes');
    // The umask of a typical login shell, which leaves new files readable by everyone.
    const start = () => spawnServer('sh', ['-c', 'umask 022 && exec "$0" bin/deskwire.js serve', process.execPath], serverEnv(dataDir), 60_000);
    const first = await start();
    try {
      assert.equal(modeOf(dataDir), 0o700);
      assert.deepEqual(entries(dataDir).filter((e) => (e.mode & 0o022) !== 0), [], 'writable by others while running');
      for (const e of entries(dataDir).filter((e) => e.kind === 'socket' || e.path.endsWith('deskwire.lock') || e.path.endsWith('jwt-secret'))) {
        assert.equal(e.mode, 0o600, e.path);
      }
    } finally {
      assert.equal(await first.signal('SIGTERM'), 0);
    }
    const atRest = entries(dataDir);
    assert.ok(atRest.length > 900, `only ${atRest.length} entries: is the store there?`);
    assert.deepEqual(atRest.filter((e) => e.mode !== (e.kind === 'dir' ? 0o700 : 0o600)), [], 'not owner-only at rest');

    // A store left open to everyone (copied with the wrong umask, or by an older version): reported and fixed.
    for (const e of [{ path: dataDir }, ...atRest]) chmodSync(e.path, 0o777);
    const second = await start();
    try {
      assert.match(second.output().stdout, new RegExp(`DATA_DIR ${realpathSync(dataDir)} was open to other users \\(\\d+ paths, e\\.g\\. ${realpathSync(dataDir)} had mode 0777\\): made owner-only`));
      assert.equal(modeOf(dataDir), 0o700);
      assert.deepEqual(entries(dataDir).filter((e) => (e.mode & 0o077) !== 0 && !e.path.endsWith('pg_internal.init')), []);
    } finally {
      assert.equal(await second.signal('SIGTERM'), 0);
    }
  });

  test('the CLI asks the server holding DATA_DIR, never opens a held store, and never creates one unless asked', async () => {
    const dataDir = await emptyStoreAt(join(root, 'cli'));
    const server = await serve(dataDir);
    try {
      // Signed up after the server started: a second PGlite opened by the CLI would not see this user.
      expectStatus(await new Rest(server.url).post('/auth/signup', { email: 'late@example.com', password: 'correct horse battery' }), 201);
      const token = cli('token', '--email', 'late@example.com', '--data-dir', dataDir);
      assert.equal(await token.exit(), 0, token.stderr);
      const jwt = /^(JWT \S+)\n$/.exec(token.stdout)?.[1];
      assert.ok(jwt, token.stdout);
      expectStatus(await new Rest(server.url, jwt).get('/projects'), 200);
      const unknown = cli('token', '--email', 'nobody@example.com', '--data-dir', dataDir);
      assert.equal(await unknown.exit(), 1);
      assert.equal(unknown.stderr, 'deskwire token: no user with email nobody@example.com\n');
      const migrate = cli('migrate', '--data-dir', dataDir);
      assert.equal(await migrate.exit(), 1);
      assert.match(migrate.stderr, new RegExp(`^deskwire: DATA_DIR ${realpathSync(dataDir)} is in use by process ${server.child.pid} `));
    } finally {
      assert.equal(await server.signal('SIGTERM'), 0);
    }
    // A wrong DATA_DIR is an error, and nothing is created there.
    const typo = join(root, 'cli-typo');
    const wrong = cli('token', '--data-dir', typo);
    assert.equal(await wrong.exit(), 1);
    assert.equal(wrong.stderr, `deskwire: no deskwire store in ${typo}: check DATA_DIR (or DATABASE_URL), start the server once to create it, or pass --init\n`);
    assert.equal(existsSync(typo), false);
    // Unless asked: --init creates it (owner-only).
    const init = cli('migrate', '--init', '--data-dir', typo);
    assert.equal(await init.exit(), 0, init.stderr);
    assert.match(init.stdout, /^applied: 001_init\.sql, /);
    assert.equal(modeOf(typo), 0o700);
    // With no server holding it, the CLI opens the store itself.
    const direct = cli('token', '--data-dir', dataDir, '--email', 'late@example.com');
    assert.equal(await direct.exit(), 0, direct.stderr);
  });
});

function openSocket(url: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v2/ws/?token=${encodeURIComponent(token)}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOf(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

const modeOf = (path: string) => lstatSync(path).mode & 0o777;

/** Every path under `dir` with its mode and kind. */
function entries(dir: string): { path: string; mode: number; kind: 'dir' | 'file' | 'socket' }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((d) => {
    const path = join(d.parentPath, d.name);
    return { path, mode: modeOf(path), kind: d.isDirectory() ? 'dir' : d.isSocket() ? 'socket' : 'file' };
  });
}
