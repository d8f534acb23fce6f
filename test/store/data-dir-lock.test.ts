/**
 * One owner per data directory, with real processes: a second one is refused (or waits), a lock left by a killed
 * process is recovered, a reused PID is told from its holder by the start time, a holder in another PID namespace is
 * asked through its socket, and processes recovering one stale lock together take it one at a time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataDirHeldError, LOCK_FILE, lockDataDir } from '../../src/store/data-dir-lock.js';
import { ownIdentity } from '../../src/store/process-identity.js';
import { CliProcess, cliEnv } from '../cli/cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'deskwire-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${++n}`);

const holder = (dir: string, ...flags: string[]) => new CliProcess(process.execPath, ['--import', 'tsx', 'test/support/lock-holder.ts', dir, ...flags], cliEnv());
const locked = (p: CliProcess) => p.until(() => /locked \d+/.test(p.stdout), 'the lock to be taken');
const lockContent = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };

/** A fresh directory whose lock was left by a holder killed with SIGKILL; with the lock file as that holder wrote it. */
async function staleLockDir(): Promise<{ dir: string; stale: { socket: string } }> {
  const dir = freshDir();
  const dead = holder(dir);
  await locked(dead);
  const stale = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { socket: string };
  dead.child.kill('SIGKILL');
  await dead.exit();
  return { dir, stale };
}

/** A lock file as a holder would write it, with some fields changed. */
function plantLock(dir: string, changes: Record<string, unknown>): void {
  const me = ownIdentity();
  const content = { ...me, hostname: 'h', command: 'planted', since: new Date().toISOString(), socket: null, ...changes };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(content), { mode: 0o600 });
}

describe('the data directory lock', () => {
  test('a second process is refused with one line naming the directory and the holder, and the holder keeps it', async () => {
    const dir = freshDir();
    const first = holder(dir);
    try {
      await locked(first);
      const second = holder(dir);
      assert.equal(await second.exit(), 1);
      const lines = second.stderr.trim().split('\n');
      assert.equal(lines.length, 1, second.stderr);
      assert.match(lines[0]!, new RegExp(`DATA_DIR ${dir} is in use by process ${first.child.pid} \\(lock-holder, since `));
      assert.match(lines[0]!, /pass --wait/);
      assert.equal(lockContent(dir).pid, first.child.pid, 'still the first one’s');
    } finally {
      first.child.kill('SIGTERM');
      await first.exit();
    }
  });

  test('a lock left by a SIGKILLed process is recovered, and its socket removed', async () => {
    const { dir, stale } = await staleLockDir();
    const second = holder(dir);
    try {
      await locked(second);
      assert.equal(lockContent(dir).pid, second.child.pid);
      assert.throws(() => readFileSync(join(dir, stale.socket)), /ENOENT/, 'the dead holder’s socket is gone');
    } finally {
      second.child.kill('SIGTERM');
      assert.equal(await second.exit(), 0);
    }
    assert.throws(() => readFileSync(join(dir, LOCK_FILE)), /ENOENT/, 'released on exit');
  });

  test('a live PID with another start time is a reused PID: the lock is stale; with the same start time it is held', async () => {
    const dir = freshDir();
    await lockDataDir(dir, { command: 'setup' }).then((l) => l.release());
    // This very process, as if it had taken the lock in an earlier life.
    plantLock(dir, { startTime: '1' });
    const lock = await lockDataDir(dir, { command: 'test' });
    await lock.release();
    // The same PID and start time is this process, alive: held (a second PGlite in one process is refused too).
    plantLock(dir, {});
    await assert.rejects(lockDataDir(dir, { command: 'test' }), (error: unknown) => error instanceof DataDirHeldError && error.liveness === 'alive');
  });

  test('a holder in another PID namespace (another container) is asked through its socket', async () => {
    const dir = freshDir();
    await lockDataDir(dir, { command: 'setup' }).then((l) => l.release());
    const socketName = 'deskwire-0000abcd.sock';
    const server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(join(dir, socketName), resolve));
    plantLock(dir, { pid: 1, pidNamespace: 'pid:[1]', socket: socketName });
    await assert.rejects(lockDataDir(dir, { command: 'test' }), (error: unknown) => error instanceof DataDirHeldError && error.liveness === 'alive');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Its socket no longer answers: it is gone.
    const lock = await lockDataDir(dir, { command: 'test' });
    await lock.release();
    // No socket to ask: refused, with how to clear it by hand.
    plantLock(dir, { pid: 1, pidNamespace: 'pid:[1]', socket: null });
    await assert.rejects(lockDataDir(dir, { command: 'test' }), /cannot be checked from here .* delete .*deskwire\.lock/);
  });

  test('--wait waits until the holder has released the lock', async () => {
    const dir = freshDir();
    const first = holder(dir);
    await locked(first);
    const second = holder(dir, '--wait');
    try {
      await second.until(() => second.stdout.includes(`waiting ${first.child.pid}`), 'the second to wait');
      assert.doesNotMatch(second.stdout, /locked/);
      first.child.kill('SIGTERM');
      await first.until(() => /released \d+/.test(first.stdout), 'the first to release');
      await locked(second);
      const releasedAt = Number(/released (\d+)/.exec(first.stdout)![1]);
      const lockedAt = Number(/locked (\d+)/.exec(second.stdout)![1]);
      assert.ok(lockedAt >= releasedAt, `taken at ${lockedAt}, before the release at ${releasedAt}`);
    } finally {
      second.child.kill('SIGTERM');
      await second.exit();
    }
  });

  test('processes recovering one stale lock together take it one at a time', async () => {
    const { dir } = await staleLockDir();
    const racers = Array.from({ length: 4 }, () => holder(dir, '--wait', '--hold-ms', '150'));
    await Promise.all(racers.map((r) => r.exit()));
    const spans = racers.map((r) => {
      const m = /locked (\d+)\nreleased (\d+)/.exec(r.stdout);
      assert.ok(m, `${r.stdout}\n${r.stderr}`);
      return { from: Number(m[1]), to: Number(m[2]) };
    });
    spans.sort((a, b) => a.from - b.from);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]!.from >= spans[i - 1]!.to, `overlapping holders: ${JSON.stringify(spans)}`);
  });
});
