/**
 * One owner per data directory. Two processes on one PGlite directory corrupt it (each caches pages the other
 * overwrites), so whoever opens the embedded store first takes `DATA_DIR/deskwire.lock` and every other process is
 * refused, or waits, until it is released.
 *
 * - The lock file is created atomically and complete (written to a temporary name, then hard-linked: the link fails
 *   if the lock exists), and names its holder: PID, start time, boot, PID namespace, command.
 * - The holder also listens on a Unix socket in the directory from before it takes the lock until it releases it.
 *   The kernel closes that socket when the process dies, however it dies: a process in another PID namespace (another
 *   container on the same volume), which cannot judge the PID, asks the socket instead. The socket also carries the
 *   CLI's control requests to a running server (see src/cli/control-socket.ts).
 * - A lock whose holder is dead (SIGKILL, power loss) is stale: it is removed under a short-lived guard directory,
 *   only if it still holds exactly what was judged stale, so two processes recovering it at once cannot remove a
 *   fresh lock taken in between.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { livenessOf, ownIdentity, type Liveness, type ProcessIdentity } from './process-identity.js';

export const LOCK_FILE = 'deskwire.lock';
const SOCKET_NAME = /^deskwire-[0-9a-f]{8}\.sock$/;
/** How often a waiting process looks at the lock again. */
const WAIT_POLL_MS = 200;
/** Removing a stale lock takes microseconds: a guard older than this was left by a process that died in between. */
const GUARD_STALE_MS = 10_000;
/** Unix socket paths are limited to 108 bytes on Linux, 104 on macOS (with the terminating NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

export interface LockHolder extends ProcessIdentity {
  hostname: string;
  /** What the holder runs: `deskwire serve`, `deskwire token`. */
  command: string;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** Its socket's file name inside the data directory; null when the path was too long to bind. */
  socket: string | null;
}

export class DataDirHeldError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
    readonly liveness: Liveness,
  ) {
    const who = `process ${holder.pid} (${holder.command}, since ${holder.since}${holder.hostname === hostname() ? '' : ` on ${holder.hostname}`})`;
    const tail =
      liveness === 'unknown'
        ? `; it cannot be checked from here (another PID namespace and no socket): if it is gone, delete ${join(dir, LOCK_FILE)}`
        : '; stop it first, or pass --wait to start when it has exited';
    super(`DATA_DIR ${dir} is in use by ${who}${tail}`);
    this.name = 'DataDirHeldError';
  }
}

export interface LockOptions {
  /** Recorded in the lock for whoever finds it held: `deskwire serve`. */
  command: string;
  /** Wait until the holder has released the lock (or died) instead of refusing at once. */
  wait?: boolean;
  /** Called once when waiting starts. */
  onWait?: (holder: LockHolder) => void;
}

/** A held lock. `release()` (or the process exiting) gives it back. */
export class DataDirLock {
  private released = false;
  private connectionListener: (socket: Socket) => void = (socket) => socket.destroy();
  private readonly onExit = () => this.releaseSync();

  constructor(
    /** The data directory's real path. */
    readonly dir: string,
    private readonly content: string,
    private readonly beacon: Beacon | null,
  ) {
    beacon?.server.on('connection', (socket) => this.connectionListener(socket));
    // An exit that is not a SIGKILL (an uncaught error, process.exit) still gives the lock back.
    process.once('exit', this.onExit);
  }

  /** The socket's path while held (null when it could not be bound). */
  get socketPath(): string | null {
    return this.beacon?.path ?? null;
  }

  /** Hands the socket's connections to `listener` (an HTTP server's `emit('connection')`) instead of closing them. */
  onConnection(listener: (socket: Socket) => void): void {
    this.connectionListener = listener;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.releaseSync();
    if (this.beacon) await new Promise<void>((resolve) => this.beacon!.server.close(() => resolve()));
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    const lockPath = join(this.dir, LOCK_FILE);
    if (readRaw(lockPath) === this.content) tryUnlink(lockPath);
    // The server's close removes the socket file too; this covers an exit that never gets there.
    if (this.beacon) tryUnlink(this.beacon.path);
  }
}

/** Takes the data directory's lock, creating the directory (owner-only) if needed. */
export async function lockDataDir(dataDir: string, options: LockOptions): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dir = realpathSync(dataDir);
  const beacon = await openBeacon(dir);
  const me: LockHolder = { ...ownIdentity(), hostname: hostname(), command: options.command, since: new Date().toISOString(), socket: beacon?.name ?? null };
  const content = JSON.stringify(me);
  const lockPath = join(dir, LOCK_FILE);
  let waiting = false;
  try {
    while (!tryCreate(dir, lockPath, content)) {
      const raw = readRaw(lockPath);
      if (raw === null) continue; // released in between: try again at once
      const holder = parseHolder(raw);
      if (holder === null) {
        // Not a lock of ours, or one being written where hard links are not supported: wait for it to settle.
        if (Date.now() - mtimeOf(lockPath) < 2000) {
          await delay(50);
          continue;
        }
        await removeStale(lockPath, raw, null, dir);
        continue;
      }
      const liveness = await judge(holder, dir);
      if (liveness === 'dead') {
        await removeStale(lockPath, raw, holder, dir);
        continue;
      }
      if (!options.wait) throw new DataDirHeldError(dir, holder, liveness);
      if (!waiting) options.onWait?.(holder);
      waiting = true;
      await delay(WAIT_POLL_MS);
    }
  } catch (error) {
    if (beacon) await new Promise<void>((resolve) => beacon.server.close(() => resolve()));
    throw error;
  }
  await sweepDeadSockets(dir, beacon?.name ?? null);
  return new DataDirLock(dir, content, beacon);
}

/** Who holds the data directory's lock now, if anyone alive does. */
export async function currentHolder(dataDir: string): Promise<LockHolder | null> {
  let dir: string;
  try {
    dir = realpathSync(dataDir);
  } catch {
    return null;
  }
  const raw = readRaw(join(dir, LOCK_FILE));
  const holder = raw === null ? null : parseHolder(raw);
  if (holder === null) return null;
  return (await judge(holder, dir)) === 'dead' ? null : holder;
}

/** The holder's socket path as seen from here (the volume may be mounted elsewhere in another container). */
export function holderSocketPath(dataDir: string, holder: LockHolder): string | null {
  return holder.socket === null ? null : join(realpathSync(dataDir), holder.socket);
}

async function judge(holder: LockHolder, dir: string): Promise<Liveness> {
  const fromPid = livenessOf(holder);
  if (fromPid !== 'unknown' || holder.socket === null || !SOCKET_NAME.test(holder.socket)) return fromPid;
  return probe(join(dir, holder.socket));
}

/** A listening socket answers while its process lives; the kernel closes it when the process dies. */
function probe(path: string): Promise<Liveness> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const done = (result: Liveness) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    // No answer in time is a busy process, not a dead one.
    const timer = setTimeout(() => done('alive'), 1000);
    socket.once('connect', () => done('alive'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'dead' : 'alive'));
  });
}

interface Beacon {
  server: Server;
  name: string;
  path: string;
}

async function openBeacon(dir: string): Promise<Beacon | null> {
  const name = `deskwire-${randomBytes(4).toString('hex')}.sock`;
  const path = join(dir, name);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) return null;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The directory is already owner-only; the socket is too, so filesystem permissions are its authentication.
  chmodSync(path, 0o600);
  return { server, name, path };
}

/** Creates the lock file with its whole content at once; false when it exists. */
function tryCreate(dir: string, lockPath: string, content: string): boolean {
  const temporary = join(dir, `.${LOCK_FILE}.${randomBytes(6).toString('hex')}`);
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // No hard links on this file system: exclusive create (readers wait for a file still being written).
    try {
      writeFileSync(lockPath, content, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    tryUnlink(temporary);
  }
}

/** Removes a stale lock if it still holds exactly `raw`, one remover at a time. */
async function removeStale(lockPath: string, raw: string, holder: LockHolder | null, dir: string): Promise<void> {
  const guard = `${lockPath}.takeover`;
  try {
    mkdirSync(guard, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - mtimeOf(guard) > GUARD_STALE_MS) tryRmdir(guard);
    else await delay(20);
    return;
  }
  try {
    // Under the guard only a live holder's own release could change the file, and its holder is dead.
    if (readRaw(lockPath) === raw) {
      tryUnlink(lockPath);
      if (holder?.socket && SOCKET_NAME.test(holder.socket)) tryUnlink(join(dir, holder.socket));
    }
  } finally {
    tryRmdir(guard);
  }
}

/**
 * A socket file this young may belong to a process still opening it: the file exists from `bind`, before `listen`
 * answers (a probe then sees ECONNREFUSED), so such a socket is never judged dead.
 */
const NEW_SOCKET_GRACE_MS = 10_000;

/** Sockets left by processes that died waiting for the lock. */
async function sweepDeadSockets(dir: string, own: string | null): Promise<void> {
  for (const name of readdirSync(dir)) {
    if (name === own || !SOCKET_NAME.test(name)) continue;
    const path = join(dir, name);
    if (Date.now() - mtimeOf(path) < NEW_SOCKET_GRACE_MS) continue;
    if ((await probe(path)) === 'dead') tryUnlink(path);
  }
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || typeof value.command !== 'string' || typeof value.since !== 'string') return null;
    return {
      pid: value.pid!,
      startTime: value.startTime ?? null,
      bootId: value.bootId ?? null,
      pidNamespace: value.pidNamespace ?? null,
      hostname: value.hostname ?? '',
      command: value.command,
      since: value.since,
      socket: typeof value.socket === 'string' ? value.socket : null,
    };
  } catch {
    return null;
  }
}

function readRaw(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function tryRmdir(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // already gone
  }
}
